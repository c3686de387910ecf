import { Jt808DecodeError, Jt808EncodeError } from './errors.js';

/**
 * Bounds-checked big-endian reader over a slice of an unescaped message. Every read past
 * `end` throws a typed 'truncated' error carrying the absolute offset, so body decoders
 * never index out of range and never read another structure's bytes.
 */
export class ByteReader {
  private position: number;

  constructor(
    private readonly source: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.position = start;
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  private require(count: number, what: string): number {
    const at = this.position;
    if (count > this.end - at) {
      throw new Jt808DecodeError('truncated', at, `${what} needs ${count} byte(s), ${this.end - at} left`);
    }
    this.position = at + count;
    return at;
  }

  u8(what = 'BYTE'): number {
    const at = this.require(1, what);
    return this.source[at]!;
  }

  u16(what = 'WORD'): number {
    const at = this.require(2, what);
    return (this.source[at]! << 8) | this.source[at + 1]!;
  }

  u32(what = 'DWORD'): number {
    const at = this.require(4, what);
    // `>>> 0` keeps bit 31 positive: alarm and status flags use it.
    return ((this.source[at]! << 24) | (this.source[at + 1]! << 16) | (this.source[at + 2]! << 8) | this.source[at + 3]!) >>> 0;
  }

  /** A view (no copy) of the next `count` bytes. */
  bytes(count: number, what = 'BYTE[n]'): Uint8Array {
    const at = this.require(count, what);
    return this.source.subarray(at, at + count);
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }

  /** The remaining bytes, without advancing (for bodies whose layout depends on their content). */
  peekRest(): Uint8Array {
    return this.source.subarray(this.position, this.end);
  }

  /** A reader over the next `count` bytes, advancing this one past them. */
  sub(count: number, what: string): ByteReader {
    const at = this.require(count, what);
    return new ByteReader(this.source, at, at + count);
  }
}

/** Growable big-endian writer. */
export class ByteWriter {
  private buffer: Uint8Array;
  private used = 0;

  constructor(initialCapacity = 64) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.used;
  }

  private reserve(count: number): number {
    const at = this.used;
    if (at + count > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, at + count));
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
    }
    this.used = at + count;
    return at;
  }

  u8(value: number, field = 'BYTE'): void {
    checkUnsigned(value, 0xff, field);
    // Reserve first: it may replace `this.buffer`, and `this.buffer[...]` would bind the old one.
    const at = this.reserve(1);
    this.buffer[at] = value;
  }

  u16(value: number, field = 'WORD'): void {
    checkUnsigned(value, 0xffff, field);
    const at = this.reserve(2);
    this.buffer[at] = value >>> 8;
    this.buffer[at + 1] = value & 0xff;
  }

  u32(value: number, field = 'DWORD'): void {
    checkUnsigned(value, 0xffffffff, field);
    const at = this.reserve(4);
    this.buffer[at] = value >>> 24;
    this.buffer[at + 1] = (value >>> 16) & 0xff;
    this.buffer[at + 2] = (value >>> 8) & 0xff;
    this.buffer[at + 3] = value & 0xff;
  }

  bytes(value: Uint8Array): void {
    const at = this.reserve(value.length);
    this.buffer.set(value, at);
  }

  /** Writes `value` into exactly `width` bytes, padding with 0x00 after it. */
  fixed(value: Uint8Array, width: number, field: string): void {
    if (value.length > width) {
      throw new Jt808EncodeError('string-too-long', field, `${value.length} bytes do not fit in ${width}`);
    }
    const at = this.reserve(width);
    this.buffer.fill(0, at, at + width);
    this.buffer.set(value, at);
  }

  /** Overwrites a WORD already written (for counts known only after the items). */
  patchU16(at: number, value: number, field: string): void {
    checkUnsigned(value, 0xffff, field);
    this.buffer[at] = value >>> 8;
    this.buffer[at + 1] = value & 0xff;
  }

  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.used);
  }
}

function checkUnsigned(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Jt808EncodeError('value-out-of-range', field, `${value} is not an integer in 0..${max}`);
  }
}

/** Removes 0x00 padding at the end of a fixed-width field. */
export function trimTrailingNul(value: Uint8Array): Uint8Array {
  let end = value.length;
  while (end > 0 && value[end - 1] === 0) end -= 1;
  return value.subarray(0, end);
}

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) {
    throw new Jt808EncodeError('bad-value', 'hex', 'not an even-length hex string');
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
