import { verifyCodeCodec, type Jt809MessageCodec, type VerifyCodeBody } from './message-codec.js';

/** 0x9003 从链路注销请求: the upper platform closes the sub-link with the 0x1002 VERIFY_CODE. */
export type SubLinkLogoutRequest = VerifyCodeBody;

export const subLinkLogoutRequestCodec: Jt809MessageCodec<SubLinkLogoutRequest> = verifyCodeCodec(0x9003, 'sub link logout request');
