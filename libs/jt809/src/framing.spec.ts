import { bytesToHex, hexToBytes } from '@roadwatch/jt808';
import { describe, expect, it } from 'vitest';
import { decodeJt809Frame, encodeJt809Frame } from './codec.js';
import { jt809Crypt } from './encryption.js';
import { Jt809DecodeError, Jt809EncodeError } from './errors.js';
import { crc16CcittFalse, escapeJt809Frame, unescapeJt809Frame } from './framing.js';
import { peekJt809Header } from './peek.js';

const keys = { m1: 30000000, ia1: 20000000, ic1: 20000000 };

describe('framing', () => {
  it('escapes all four special bytes and restores them', () => {
    const content = Uint8Array.from([0x01, 0x5b, 0x5a, 0x5d, 0x5e, 0x02]);
    const framed = escapeJt809Frame(content);
    expect(bytesToHex(framed)).toBe('5b015a015a025e015e02025d');
    expect(bytesToHex(unescapeJt809Frame(framed))).toBe('5b015b5a5d5e025d');
  });

  it('a 0x5a or 0x5e as the last byte before the tail is a bad escape', () => {
    expect(() => unescapeJt809Frame(hexToBytes('5b01025a5d'))).toThrow(expect.objectContaining({ kind: 'bad-escape', offset: 3 }));
    expect(() => unescapeJt809Frame(hexToBytes('5b5e5d'))).toThrow(Jt809DecodeError);
  });

  it('CRC-16/CCITT-FALSE check value ("123456789" → 0x29b1)', () => {
    expect(crc16CcittFalse(new TextEncoder().encode('123456789'))).toBe(0x29b1);
  });

  it('simple encryption: the SmallChi known answer, and decrypting is encrypting', () => {
    const plain = Uint8Array.from([1, 2, 3, 4, 5, 6, 7]);
    const cipher = jt809Crypt(plain, 256178, keys);
    expect(bytesToHex(cipher)).toBe('d34c7078a73a41');
    expect(jt809Crypt(cipher, 256178, keys)).toEqual(plain);
  });

  it('key 0 is taken as 1, as the standard says', () => {
    const plain = Uint8Array.from([9, 8, 7]);
    expect(jt809Crypt(plain, 0, keys)).toEqual(jt809Crypt(plain, 1, keys));
  });

  it('a frame whose escaped body holds every special byte round-trips, encrypted or not, in both editions', () => {
    for (const edition of ['2011', '2019'] as const) {
      for (const encrypted of [false, true]) {
        const header = {
          messageId: 0x1003 as const,
          serial: 0x5b5d5a5e,
          accessCode: 0x5d5b5e5a,
          edition,
          encrypted,
          encryptKey: 0x5b,
          timeMs: 1_700_000_000_000,
        };
        const body = { userId: 0x5a5b5d5e, password: '[]Z^[]' };
        const frame = encodeJt809Frame(header, body, keys);
        expect(frame.subarray(1, -1).some((byte) => byte === 0x5b || byte === 0x5d)).toBe(false);
        const message = decodeJt809Frame(frame, { edition, keys });
        expect(message.body).toEqual(body);
        expect(message.header).toMatchObject({ serial: 0x5b5d5a5e, accessCode: 0x5d5b5e5a, timeMs: edition === '2019' ? 1_700_000_000_000 : null });
      }
    }
  });

  it('the edition’s header decides the layout: a 2019 frame read as 2011 is refused, not misread', () => {
    const frame = encodeJt809Frame({ messageId: 0x1002, serial: 1, accessCode: 7, edition: '2019', timeMs: 1_700_000_000_000 }, { result: 0, verifyCode: 42 });
    expect(() => decodeJt809Frame(frame, { edition: '2011' })).toThrow(expect.objectContaining({ kind: 'length-mismatch' }));
    expect(peekJt809Header(frame)).toEqual({ length: 39, serial: 1, messageId: 0x1002, accessCode: 7 });
  });

  it('encoding refuses what it cannot write, with its own error', () => {
    expect(() => encodeJt809Frame({ messageId: 0x1005, serial: 1, accessCode: 1, edition: '2019' }, {})).toThrow(Jt809EncodeError);
    expect(() => encodeJt809Frame({ messageId: 0x1005, serial: 1, accessCode: 1, edition: '2011', encrypted: true }, {})).toThrow(
      expect.objectContaining({ kind: 'missing-keys' }),
    );
    expect(() => encodeJt809Frame({ messageId: 0x1003, serial: 1, accessCode: 1, edition: '2011' }, { userId: 1, password: '123456789' })).toThrow(
      expect.objectContaining({ kind: 'string-too-long', name: 'Jt809EncodeError' }),
    );
    expect(() => encodeJt809Frame({ messageId: 0x1003, serial: -1, accessCode: 1, edition: '2011' }, { userId: 1, password: '' })).toThrow(Jt809EncodeError);
    expect(() => encodeJt809Frame({ messageId: 0x1003, serial: 1, accessCode: 1, edition: '2011' }, { userId: 1, password: '😀' })).toThrow(
      expect.objectContaining({ kind: 'unencodable-character' }),
    );
  });
});
