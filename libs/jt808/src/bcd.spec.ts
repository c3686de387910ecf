import { describe, expect, it } from 'vitest';
import { readBcdDate, readBcdTime, writeBcdDate, writeBcdTime } from './bcd.js';
import { ByteReader, ByteWriter, bytesToHex, hexToBytes } from './bytes.js';
import { Jt808DecodeError } from './errors.js';

const read = (hex: string) => {
  const bytes = hexToBytes(hex);
  return readBcdTime(new ByteReader(bytes, 0, bytes.length));
};

describe('BCD time (GMT+8)', () => {
  it('decodes YYMMDDhhmmss in China time to UTC epoch ms', () => {
    expect(new Date(read('240517143015')!).toISOString()).toBe('2024-05-17T06:30:15.000Z');
  });

  it('crosses midnight backwards into the previous UTC day', () => {
    expect(new Date(read('240101050000')!).toISOString()).toBe('2023-12-31T21:00:00.000Z');
  });

  it('decodes all zeros as null', () => {
    expect(read('000000000000')).toBeNull();
  });

  it('rejects impossible times and non-BCD nibbles with typed errors', () => {
    expect(() => read('241301000000')).toThrowError(expect.objectContaining({ kind: 'bad-time', offset: 0 }) as Error);
    expect(() => read('230229000000')).toThrowError(expect.objectContaining({ kind: 'bad-time' }) as Error);
    expect(() => read('2405171430a0')).toThrowError(expect.objectContaining({ kind: 'bad-bcd', offset: 5 }) as Error);
    expect(() => read('2405')).toThrow(Jt808DecodeError);
  });

  it('encodes back to the same digits', () => {
    const writer = new ByteWriter();
    writeBcdTime(writer, Date.UTC(2023, 11, 31, 21, 0, 0));
    expect(bytesToHex(writer.toBytes())).toBe('240101050000');
  });

  it('reads and writes BCD[4] dates', () => {
    const bytes = hexToBytes('20240229');
    expect(readBcdDate(new ByteReader(bytes, 0, 4))).toBe('2024-02-29');
    const writer = new ByteWriter();
    writeBcdDate(writer, '2024-02-29');
    expect(bytesToHex(writer.toBytes())).toBe('20240229');
  });
});
