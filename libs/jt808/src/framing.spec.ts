import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes } from './bytes.js';
import { Jt808DecodeError } from './errors.js';
import { escapeAndWrap, unescapeFrame, xorChecksum } from './framing.js';

function errorOf(action: () => unknown): Jt808DecodeError {
  try {
    action();
  } catch (error) {
    if (error instanceof Jt808DecodeError) return error;
    throw error;
  }
  throw new Error('expected a Jt808DecodeError');
}

describe('framing', () => {
  it('escapes 0x7e as 7d 02 and 0x7d as 7d 01 (the standard example 30 7e 08 7d 55)', () => {
    expect(bytesToHex(escapeAndWrap(hexToBytes('307e087d55')))).toBe('7e307d02087d01557e');
  });

  it('unescapes both ways back to the original', () => {
    expect(bytesToHex(unescapeFrame(hexToBytes('7e307d02087d01557e')))).toBe('307e087d55');
  });

  it('computes the XOR check code', () => {
    expect(xorChecksum(hexToBytes('0002000001391234567800'))).toBe(0x02 ^ 0x01 ^ 0x39 ^ 0x12 ^ 0x34 ^ 0x56 ^ 0x78);
  });

  it('reports a bad escape with its offset in the received frame', () => {
    const error = errorOf(() => unescapeFrame(hexToBytes('7e01027d037e')));
    expect(error.kind).toBe('bad-escape');
    expect(error.offset).toBe(3);
  });

  it('reports 0x7d right before the closing flag', () => {
    expect(errorOf(() => unescapeFrame(hexToBytes('7e01027d7e'))).kind).toBe('bad-escape');
  });

  it('reports missing flags and a raw 0x7e inside', () => {
    expect(errorOf(() => unescapeFrame(hexToBytes('0102037e'))).kind).toBe('missing-flag');
    expect(errorOf(() => unescapeFrame(hexToBytes('7e0102'))).kind).toBe('missing-flag');
    const inner = errorOf(() => unescapeFrame(hexToBytes('7e017e027e')));
    expect(inner.kind).toBe('missing-flag');
    expect(inner.offset).toBe(2);
  });
});
