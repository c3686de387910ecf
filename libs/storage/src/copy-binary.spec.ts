import { describe, expect, it } from 'vitest';
import { copyBinaryTypeOf, CopyValueRangeError, encodeCopyBinary, timestampUsOfMs } from './copy-binary';

const HEADER = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
const TRAILER = Buffer.from([0xff, 0xff]);
const int16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const float8 = (x: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return b;
};

describe('encodeCopyBinary (PostgreSQL binary COPY)', () => {
  it('writes the signature, one tuple per item with a length before every field, and the trailer', () => {
    const out = encodeCopyBinary([{ name: '京A1', speed: 61.5, on: true }], ['text', 'float8', 'bool'], (r) => [r.name, r.speed, r.on]);
    const name = Buffer.from('京A1', 'utf8');
    expect(out).toEqual(Buffer.concat([HEADER, int16(3), int32(name.length), name, int32(8), float8(61.5), int32(1), Buffer.from([1]), TRAILER]));
  });

  it('null and undefined are SQL NULL (length −1, no bytes); an empty string is a value of length 0', () => {
    const out = encodeCopyBinary([null], ['text', 'float8', 'bool', 'text'], () => [null, undefined, null, '']);
    expect(out).toEqual(Buffer.concat([HEADER, int16(4), int32(-1), int32(-1), int32(-1), int32(0), TRAILER]));
  });

  it('no rows is a header and a trailer', () => {
    expect(encodeCopyBinary([], ['text'], () => [])).toEqual(Buffer.concat([HEADER, TRAILER]));
  });

  it('text is UTF-8 byte for byte (four-byte characters, backslashes, tabs, quotes: nothing escaped); a lone surrogate becomes U+FFFD as pg sends it', () => {
    const odd = ['😀京\\\t"\'\n', 'x'.repeat(70_000), '\ud800'];
    const out = encodeCopyBinary(odd, ['text'], (s) => [s]);
    const expected = odd.flatMap((s) => {
      const bytes = Buffer.from(s, 'utf8');
      return [int16(1), int32(bytes.length), bytes];
    });
    expect(out).toEqual(Buffer.concat([HEADER, ...expected, TRAILER]));
    expect(Buffer.from('\ud800', 'utf8')).toEqual(Buffer.from([0xef, 0xbf, 0xbd]));
  });

  it('numbers are IEEE 754 doubles, exact for integers up to 2^53 and for −0', () => {
    const values = [0, -0, 2 ** 53 - 1, 0xffff_ffff, 1.7976931348623157e308, 5e-324, -1.25e-7];
    const out = encodeCopyBinary(values, ['float8'], (x) => [x]);
    let offset = HEADER.length;
    for (const x of values) {
      expect(out.readInt16BE(offset)).toBe(1);
      expect(out.readInt32BE(offset + 2)).toBe(8);
      expect(Object.is(out.readDoubleBE(offset + 6), x)).toBe(true);
      offset += 14;
    }
    expect(out.subarray(offset)).toEqual(TRAILER);
  });

  it('grows past its first guess: 2,000 rows of long text stay intact', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `${'路'.repeat(i % 300)}${i}`);
    const out = encodeCopyBinary(rows, ['text', 'float8'], (s) => [s, s.length]);
    let offset = HEADER.length;
    for (const s of rows) {
      offset += 2;
      const length = out.readInt32BE(offset);
      expect(out.toString('utf8', offset + 4, offset + 4 + length)).toBe(s);
      offset += 4 + length + 12;
    }
    expect(out.subarray(offset)).toEqual(TRAILER);
  });

  it('a value of the wrong type, or a row of the wrong width, throws naming the column', () => {
    expect(() => encodeCopyBinary([1], ['text'], () => [42])).toThrow('column 0 is text, got 42');
    expect(() => encodeCopyBinary([1], ['text', 'float8'], () => ['a', '7'])).toThrow('column 1 is float8, got "7"');
    expect(() => encodeCopyBinary([1], ['bool'], () => [1])).toThrow('column 0 is bool, got 1');
    expect(() => encodeCopyBinary([1], ['text', 'text'], () => ['a'])).toThrow('a row has 1 values for 2 columns');
  });

  it('stages every numeric SQL type as float8 (the INSERT casts and PostgreSQL range-checks)', () => {
    expect(['text', 'bool', 'int2', 'int8', 'float4', 'float8'].map(copyBinaryTypeOf)).toEqual(['text', 'bool', 'float8', 'float8', 'float8', 'float8']);
  });

  it('int2, int8, float4: big-endian, exact (negatives, −2^53+1 … 2^53−1, float4 rounded to nearest as the float8 → real cast does)', () => {
    const out = encodeCopyBinary([null], ['int2', 'int2', 'int8', 'int8', 'int8', 'float4', 'float4'], () => [
      -32_768,
      32_767,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      0xffff_ffff,
      0.1,
      -0,
    ]);
    let offset = HEADER.length + 2;
    const field = (bytes: number): number => {
      expect(out.readInt32BE(offset)).toBe(bytes);
      offset += 4 + bytes;
      return offset - bytes;
    };
    expect(out.readInt16BE(field(2))).toBe(-32_768);
    expect(out.readInt16BE(field(2))).toBe(32_767);
    expect(out.readBigInt64BE(field(8))).toBe(BigInt(2 ** 53 - 1));
    expect(out.readBigInt64BE(field(8))).toBe(-BigInt(2 ** 53 - 1));
    expect(out.readBigInt64BE(field(8))).toBe(0xffff_ffffn);
    expect(out.readFloatBE(field(4))).toBe(Math.fround(0.1));
    expect(Object.is(out.readFloatBE(field(4)), -0)).toBe(true);
    expect(out.subarray(offset)).toEqual(TRAILER);
  });

  it('timestamptz: epoch ms as µs since 2000-01-01, as to_timestamp(ms / 1000.0) makes them', () => {
    expect(timestampUsOfMs(946_684_800_000)).toBe(0);
    expect(timestampUsOfMs(0)).toBe(-946_684_800_000_000);
    expect(timestampUsOfMs(1_764_000_000_123)).toBe((1_764_000_000_123 - 946_684_800_000) * 1_000);
    // A fraction of a millisecond keeps its microseconds, before and after the 2000 epoch.
    expect(timestampUsOfMs(946_684_800_000.25)).toBe(250);
    expect(timestampUsOfMs(946_684_799_999.75)).toBe(-250);
    expect(timestampUsOfMs(1_764_000_000_123.5)).toBe((1_764_000_000_123 - 946_684_800_000) * 1_000 + 500);
    const out = encodeCopyBinary([1_764_000_000_123, 0], ['timestamptz'], (ms) => [ms]);
    expect(out.readInt32BE(HEADER.length + 2)).toBe(8);
    expect(out.readBigInt64BE(HEADER.length + 6)).toBe(BigInt((1_764_000_000_123 - 946_684_800_000) * 1_000));
    expect(out.readBigInt64BE(HEADER.length + 20)).toBe(-946_684_800_000_000n);
  });

  it('a value its exact column cannot hold throws CopyValueRangeError (the caller hands the batch to PostgreSQL to refuse); a wrong type stays a TypeError', () => {
    const refused: [Parameters<typeof encodeCopyBinary>[1][number], number][] = [
      ['int2', 32_768],
      ['int2', -32_769],
      ['int2', 1.5],
      ['int2', Number.NaN],
      ['int8', 2 ** 53],
      ['int8', 0.5],
      ['float4', 3.5e38],
      ['float4', 1e-46],
      ['timestamptz', Number.POSITIVE_INFINITY],
      ['timestamptz', 1e16],
      ['timestamptz', Number.NaN],
    ];
    for (const [type, value] of refused) {
      expect(() => encodeCopyBinary([value], ['text', type], (v) => ['x', v]), `${type} ${value}`).toThrow(CopyValueRangeError);
    }
    expect(() => encodeCopyBinary([1], ['float4'], () => [3.4028235e38])).not.toThrow();
    expect(() => encodeCopyBinary([1], ['float4'], () => [Number.POSITIVE_INFINITY])).not.toThrow();
    expect(() => encodeCopyBinary([1], ['int8'], () => ['7'])).toThrow(TypeError);
    expect(() => encodeCopyBinary([1], ['int8'], () => ['7'])).not.toThrow(CopyValueRangeError);
    expect(() => encodeCopyBinary([1], ['timestamptz'], () => [new Date()])).toThrow('column 0 is timestamptz');
  });
});
