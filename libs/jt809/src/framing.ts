import { Jt809DecodeError } from './errors.js';

/** Head and tail flags, and the two escape bytes (JT/T 809 §4.4.1 of 2011, unchanged in 2019). */
export const HEAD_FLAG = 0x5b;
export const TAIL_FLAG = 0x5d;
const ESCAPE_5A = 0x5a;
const ESCAPE_5E = 0x5e;

/**
 * Escapes the content between the flags and wraps it: 0x5b → 0x5a 0x01, 0x5a → 0x5a 0x02,
 * 0x5d → 0x5e 0x01, 0x5e → 0x5e 0x02.
 */
export function escapeJt809Frame(content: Uint8Array): Uint8Array {
  let extra = 0;
  for (const byte of content) if (byte === HEAD_FLAG || byte === ESCAPE_5A || byte === TAIL_FLAG || byte === ESCAPE_5E) extra += 1;
  const out = new Uint8Array(content.length + extra + 2);
  let at = 0;
  out[at++] = HEAD_FLAG;
  for (const byte of content) {
    if (byte === HEAD_FLAG) {
      out[at++] = ESCAPE_5A;
      out[at++] = 0x01;
    } else if (byte === ESCAPE_5A) {
      out[at++] = ESCAPE_5A;
      out[at++] = 0x02;
    } else if (byte === TAIL_FLAG) {
      out[at++] = ESCAPE_5E;
      out[at++] = 0x01;
    } else if (byte === ESCAPE_5E) {
      out[at++] = ESCAPE_5E;
      out[at++] = 0x02;
    } else {
      out[at++] = byte;
    }
  }
  out[at] = TAIL_FLAG;
  return out;
}

/**
 * A received frame (0x5b … 0x5d, escaped) → the unescaped frame, flags included, so that
 * offsets into it match MSG_LENGTH (which counts both flags). Throws only `Jt809DecodeError`.
 */
export function unescapeJt809Frame(frame: Uint8Array): Uint8Array {
  if (frame.length < 2 || frame[0] !== HEAD_FLAG || frame[frame.length - 1] !== TAIL_FLAG) {
    throw new Jt809DecodeError('missing-flag', 0, 'a frame starts with 0x5b and ends with 0x5d');
  }
  const out = new Uint8Array(frame.length);
  let used = 0;
  out[used++] = HEAD_FLAG;
  const last = frame.length - 1;
  for (let i = 1; i < last; i += 1) {
    const byte = frame[i]!;
    if (byte === HEAD_FLAG || byte === TAIL_FLAG) {
      throw new Jt809DecodeError('missing-flag', i, `raw 0x${byte.toString(16)} inside a frame`);
    }
    if (byte === ESCAPE_5A || byte === ESCAPE_5E) {
      const next = i + 1 < last ? frame[i + 1] : undefined;
      if (next !== 0x01 && next !== 0x02) {
        throw new Jt809DecodeError(
          'bad-escape',
          i,
          `0x${byte.toString(16)} followed by ${next === undefined ? 'the end of the frame' : `0x${next.toString(16)}`}`,
        );
      }
      out[used++] = byte === ESCAPE_5A ? (next === 0x01 ? HEAD_FLAG : ESCAPE_5A) : next === 0x01 ? TAIL_FLAG : ESCAPE_5E;
      i += 1;
    } else {
      out[used++] = byte;
    }
  }
  out[used++] = TAIL_FLAG;
  return out.slice(0, used);
}

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let n = 0; n < 256; n += 1) {
    let crc = n << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[n] = crc;
  }
  return table;
})();

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xffff, no reflection, no final XOR) — the
 * standard's CRC_CODE over header and body. No npm package of this variant is on the
 * dependency list, and a table and a loop are all it is.
 */
export function crc16CcittFalse(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i += 1) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >>> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}
