import { byteCodeCodec } from './message-codec.js';

/** 0x1008 REASON_CODE. */
export const CLOSING_REASON = { gatewayRestart: 0x00, other: 0x01 } as const;

/** 0x1008 下级平台主动关闭链路通知. */
export interface LowerPlatformClosingNotice {
  readonly reasonCode: number;
}

export const lowerPlatformClosingNoticeCodec = byteCodeCodec(0x1008, 'lower platform closing notice', 'reasonCode');
