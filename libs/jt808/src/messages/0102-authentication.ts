import { encodeGbk } from '../gbk.js';
import type { MessageCodec } from './message-codec.js';
import { readFixedString, readLengthPrefixedString, readRestString, writeFixedString, writeLengthPrefixedString } from './strings.js';

export interface Authentication {
  readonly authCode: string;
  /** 2019 only (BYTE[15]); null for 2011/2013. */
  readonly imei: string | null;
  /** 2019 only (BYTE[20]); null for 2011/2013. */
  readonly softwareVersion: string | null;
}

/**
 * 0x0102 终端鉴权. 2011/2013: the auth code is the whole body. 2019: BYTE length, code,
 * IMEI BYTE[15], software version BYTE[20].
 */
export const authenticationCodec: MessageCodec<Authentication> = {
  messageId: 0x0102,
  name: 'authentication',
  decode(reader, context) {
    if (context.edition !== '2019') return { authCode: readRestString(reader, 'auth code'), imei: null, softwareVersion: null };
    return {
      authCode: readLengthPrefixedString(reader, 'auth code'),
      imei: readFixedString(reader, 15, 'IMEI'),
      softwareVersion: readFixedString(reader, 20, 'software version'),
    };
  },
  encode(writer, body, context) {
    if (context.edition !== '2019') {
      writer.bytes(encodeGbk(body.authCode, 'authCode'));
      return;
    }
    writeLengthPrefixedString(writer, body.authCode, 'authCode');
    writeFixedString(writer, body.imei ?? '', 15, 'imei');
    writeFixedString(writer, body.softwareVersion ?? '', 20, 'softwareVersion');
  },
};
