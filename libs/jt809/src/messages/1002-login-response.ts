import type { Jt809MessageCodec } from './message-codec.js';

/** 0x1002 RESULT codes (2011 表 6; 2019 keeps them and adds 0xff "other"). */
export const LOGIN_RESULT = {
  success: 0x00,
  wrongAddress: 0x01,
  wrongAccessCode: 0x02,
  userNotRegistered: 0x03,
  wrongPassword: 0x04,
  resourcesBusy: 0x05,
  other: 0x06,
} as const;

/** 0x1002 主链路登录应答. */
export interface Jt809LoginResponse {
  readonly result: number;
  /** VERIFY_CODE: the lower platform presents it on the sub-link (0x9001). */
  readonly verifyCode: number;
}

export const loginResponseCodec: Jt809MessageCodec<Jt809LoginResponse> = {
  messageId: 0x1002,
  name: 'main link login response',
  decode: (reader) => ({ result: reader.u8('RESULT'), verifyCode: reader.u32('VERIFY_CODE') }),
  encode: (writer, body) => {
    writer.u8(body.result, 'result');
    writer.u32(body.verifyCode, 'verifyCode');
  },
};
