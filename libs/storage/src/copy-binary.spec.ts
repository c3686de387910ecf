import { describe, expect, it } from 'vitest';
import { copyBinaryTypeOf, encodeCopyBinary } from './copy-binary';

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
});
