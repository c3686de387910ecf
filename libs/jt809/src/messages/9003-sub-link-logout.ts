import type { Jt809MessageCodec } from './message-codec.js';

/** 0x9003 从链路注销请求. */
export interface SubLinkLogoutRequest {
  readonly verifyCode: number;
}

export const subLinkLogoutRequestCodec: Jt809MessageCodec<SubLinkLogoutRequest> = {
  messageId: 0x9003,
  name: 'sub link logout request',
  decode: (reader) => ({ verifyCode: reader.u32('VERIFY_CODE') }),
  encode: (writer, body) => writer.u32(body.verifyCode, 'verifyCode'),
};
