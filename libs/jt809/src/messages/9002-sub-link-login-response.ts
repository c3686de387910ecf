import { byteCodeCodec } from './message-codec.js';

/** 0x9002 RESULT. */
export const SUB_LINK_LOGIN_RESULT = { success: 0x00, wrongVerifyCode: 0x01, resourcesBusy: 0x02, other: 0x03 } as const;

/** 0x9002 从链路连接应答. */
export interface SubLinkLoginResponse {
  readonly result: number;
}

export const subLinkLoginResponseCodec = byteCodeCodec(0x9002, 'sub link login response', 'result');
