import { readFixedString, writeFixedString } from '@roadwatch/jt808';
import type { Jt809MessageCodec } from './message-codec.js';

/** 0x1003 主链路注销请求. */
export interface LogoutRequest {
  readonly userId: number;
  readonly password: string;
}

export const logoutRequestCodec: Jt809MessageCodec<LogoutRequest> = {
  messageId: 0x1003,
  name: 'main link logout request',
  decode: (reader) => ({ userId: reader.u32('USERID'), password: readFixedString(reader, 8, 'PASSWORD') }),
  encode: (writer, body) => {
    writer.u32(body.userId, 'userId');
    writeFixedString(writer, body.password, 8, 'password');
  },
};
