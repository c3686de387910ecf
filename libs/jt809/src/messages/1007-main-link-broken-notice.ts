import { byteCodeCodec } from './message-codec.js';

/** 0x1007 ERROR_CODE. */
export const MAIN_LINK_BROKEN_CODE = { mainLinkBroken: 0x00, other: 0x01 } as const;

/** 0x1007 主链路断开通知 (sent on the sub-link when the main link broke). */
export interface MainLinkBrokenNotice {
  readonly errorCode: number;
}

export const mainLinkBrokenNoticeCodec = byteCodeCodec(0x1007, 'main link broken notice', 'errorCode');
