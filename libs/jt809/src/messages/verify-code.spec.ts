import { ByteReader, bytesToHex } from '@roadwatch/jt808';
import { describe, expect, it } from 'vitest';
import { encodeJt809Body, jt809MessageName } from '../codec.js';
import { Jt809EncodeError } from '../errors.js';
import { subLinkLoginRequestCodec } from './9001-sub-link-login.js';
import { subLinkLogoutRequestCodec } from './9003-sub-link-logout.js';
import { verifyCodeCodec } from './message-codec.js';

const decode = (codec: ReturnType<typeof verifyCodeCodec>, bytes: Uint8Array) => codec.decode(new ByteReader(bytes, 0, bytes.length), { edition: '2019' });

describe('verifyCodeCodec: 0x9001 and 0x9003 carry the 0x1002 VERIFY_CODE alone', () => {
  it('both are a big-endian DWORD, the same in 2011 and 2019, read back as sent', () => {
    for (const id of [0x9001, 0x9003] as const) {
      for (const edition of ['2011', '2019'] as const) {
        expect(bytesToHex(encodeJt809Body(id, { verifyCode: 0x12345678 }, edition))).toBe('12345678');
        expect(bytesToHex(encodeJt809Body(id, { verifyCode: 0xffffffff }, edition))).toBe('ffffffff');
      }
    }
    expect(decode(subLinkLoginRequestCodec, Uint8Array.from([0, 0, 0x01, 0x02]))).toEqual({ verifyCode: 258 });
    expect(decode(subLinkLogoutRequestCodec, Uint8Array.from([0xff, 0xff, 0xff, 0xff]))).toEqual({ verifyCode: 0xffffffff });
  });

  it('each keeps its own id and name', () => {
    expect([subLinkLoginRequestCodec.messageId, subLinkLogoutRequestCodec.messageId]).toEqual([0x9001, 0x9003]);
    expect([jt809MessageName(0x9001), jt809MessageName(0x9003)]).toEqual(['sub link login request', 'sub link logout request']);
    const other = verifyCodeCodec(0x9999, 'made up');
    expect([other.messageId, other.name]).toEqual([0x9999, 'made up']);
  });

  it('a short body names VERIFY_CODE; a code outside a DWORD is refused naming verifyCode', () => {
    expect(() => decode(subLinkLogoutRequestCodec, Uint8Array.from([0, 0, 1]))).toThrow(/VERIFY_CODE/);
    for (const verifyCode of [-1, 2 ** 32, 1.5]) {
      expect(() => encodeJt809Body(0x9003, { verifyCode }, '2019')).toThrow(Jt809EncodeError);
      expect(() => encodeJt809Body(0x9001, { verifyCode }, '2019')).toThrow(/verifyCode/);
    }
  });
});
