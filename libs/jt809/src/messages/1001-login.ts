import { readFixedString, writeFixedString } from '@roadwatch/jt808';
import type { Jt809MessageCodec } from './message-codec.js';

/** 0x1001 主链路登录请求: the lower platform logs in on the main link. */
export interface Jt809LoginRequest {
  readonly userId: number;
  /** PASSWORD, 8 bytes, sent in clear (the protocol leaves no other way to check it). */
  readonly password: string;
  /** 2019 only: MSG_GNSSCENTERID repeated in the body; null in 2011. */
  readonly accessCode: number | null;
  /** DOWN_LINK_IP, 32 bytes: where the upper platform opens the sub-link back. */
  readonly downLinkIp: string;
  readonly downLinkPort: number;
}

export const loginRequestCodec: Jt809MessageCodec<Jt809LoginRequest> = {
  messageId: 0x1001,
  name: 'main link login request',
  decode: (reader, { edition }) => ({
    userId: reader.u32('USERID'),
    password: readFixedString(reader, 8, 'PASSWORD'),
    accessCode: edition === '2019' ? reader.u32('MSG_GNSSCENTERID') : null,
    downLinkIp: readFixedString(reader, 32, 'DOWN_LINK_IP'),
    downLinkPort: reader.u16('DOWN_LINK_PORT'),
  }),
  encode: (writer, body, { edition }) => {
    writer.u32(body.userId, 'userId');
    writeFixedString(writer, body.password, 8, 'password');
    if (edition === '2019') writer.u32(body.accessCode ?? 0, 'accessCode');
    writeFixedString(writer, body.downLinkIp, 32, 'downLinkIp');
    writer.u16(body.downLinkPort, 'downLinkPort');
  },
};
