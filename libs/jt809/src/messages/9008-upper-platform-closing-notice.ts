import { byteCodeCodec } from './message-codec.js';

/** 0x9008 上级平台主动关闭链路通知; REASON_CODE as 0x1008's (`CLOSING_REASON`). */
export interface UpperPlatformClosingNotice {
  readonly reasonCode: number;
}

export const upperPlatformClosingNoticeCodec = byteCodeCodec(0x9008, 'upper platform closing notice', 'reasonCode');
