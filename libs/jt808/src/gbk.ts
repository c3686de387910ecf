import { Jt808EncodeError } from './errors.js';

/**
 * GBK, the standard's STRING encoding. Decoding uses the platform's WHATWG 'gbk' decoder
 * (Node with full ICU). Encoding has no platform support, so the table is built once, on
 * first use, by inverting that decoder over the GBK double-byte range — no table is
 * shipped, and decode/encode agree by construction.
 */

const decoder = new TextDecoder('gbk');

export function decodeGbk(bytes: Uint8Array): string {
  // ASCII fast path: most fixed-width fields (terminal model, IMEI, auth codes) are ASCII.
  let ascii = true;
  for (let i = 0; i < bytes.length; i += 1) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  return ascii ? String.fromCharCode(...bytes) : decoder.decode(bytes);
}

let encodeTable: Map<number, number> | null = null;

function buildEncodeTable(): Map<number, number> {
  // Lay out every lead/trail pair followed by '\n' and decode once: a valid pair decodes
  // to exactly one BMP character, an invalid one to U+FFFD (possibly followed by the
  // trail byte as ASCII), so segments of length 1 other than U+FFFD are the mapping.
  const pairs: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead += 1) {
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail !== 0x7f) pairs.push((lead << 8) | trail);
    }
  }
  const buffer = new Uint8Array(pairs.length * 3);
  pairs.forEach((pair, i) => {
    buffer[i * 3] = pair >>> 8;
    buffer[i * 3 + 1] = pair & 0xff;
    buffer[i * 3 + 2] = 0x0a;
  });
  const segments = decoder.decode(buffer).split('\n');
  const table = new Map<number, number>();
  pairs.forEach((pair, i) => {
    const segment = segments[i];
    if (segment !== undefined && segment.length === 1 && segment !== '\uFFFD') {
      const codePoint = segment.charCodeAt(0);
      if (!table.has(codePoint)) table.set(codePoint, pair);
    }
  });
  return table;
}

export function encodeGbk(text: string, field = 'string'): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  let used = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      out[used++] = code;
      continue;
    }
    encodeTable ??= buildEncodeTable();
    const pair = encodeTable.get(code);
    if (pair === undefined) {
      throw new Jt808EncodeError('unencodable-character', field, `U+${code.toString(16).toUpperCase().padStart(4, '0')} has no GBK encoding`);
    }
    out[used++] = pair >>> 8;
    out[used++] = pair & 0xff;
  }
  return out.slice(0, used);
}
