import type { Jt809MessageCodec } from './message-codec.js';

/** 0x9001 从链路连接请求: the upper platform opens the sub-link with the 0x1002 VERIFY_CODE. */
export interface SubLinkLoginRequest {
  readonly verifyCode: number;
}

export const subLinkLoginRequestCodec: Jt809MessageCodec<SubLinkLoginRequest> = {
  messageId: 0x9001,
  name: 'sub link login request',
  decode: (reader) => ({ verifyCode: reader.u32('VERIFY_CODE') }),
  encode: (writer, body) => writer.u32(body.verifyCode, 'verifyCode'),
};
