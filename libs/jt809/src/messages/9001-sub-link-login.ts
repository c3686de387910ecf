import { verifyCodeCodec, type Jt809MessageCodec, type VerifyCodeBody } from './message-codec.js';

/** 0x9001 从链路连接请求: the upper platform opens the sub-link with the 0x1002 VERIFY_CODE. */
export type SubLinkLoginRequest = VerifyCodeBody;

export const subLinkLoginRequestCodec: Jt809MessageCodec<SubLinkLoginRequest> = verifyCodeCodec(0x9001, 'sub link login request');
