import { byteCodeCodec } from './message-codec.js';

/** 0x9007 REASON_CODE (2011; 2019 sends the same byte, named ERROR_CODE). */
export const SUB_LINK_BROKEN_REASON = { cannotConnect: 0x00, disconnected: 0x01, other: 0x02 } as const;

/** 0x9007 从链路断开通知 (sent on the main link when the sub-link broke). */
export interface SubLinkBrokenNotice {
  readonly reasonCode: number;
}

export const subLinkBrokenNoticeCodec = byteCodeCodec(0x9007, 'sub link broken notice', 'reasonCode');
