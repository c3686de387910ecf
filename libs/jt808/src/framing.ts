import { Jt808DecodeError } from './errors.js';

export const FLAG = 0x7e;
export const ESCAPE = 0x7d;

/** XOR of every byte in [start, end). */
export function xorChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let check = 0;
  for (let i = start; i < end; i += 1) check ^= bytes[i]!;
  return check;
}

/**
 * Takes a frame as received — 0x7e, escaped content, 0x7e — and returns the unescaped
 * content between the flags (header, body, check code). Offsets in errors index `frame`.
 */
export function unescapeFrame(frame: Uint8Array): Uint8Array {
  const last = frame.length - 1;
  if (frame.length < 2 || frame[0] !== FLAG || frame[last] !== FLAG) {
    throw new Jt808DecodeError('missing-flag', frame.length < 2 || frame[0] !== FLAG ? 0 : last, 'a frame must start and end with 0x7e');
  }
  // Fast path: no escapes in most frames, so a copy of the interior is enough.
  const firstEscape = frame.indexOf(ESCAPE, 1);
  const innerFlag = frame.indexOf(FLAG, 1);
  if (innerFlag !== last) throw new Jt808DecodeError('missing-flag', innerFlag, 'unescaped 0x7e inside a frame');
  if (firstEscape < 0 || firstEscape >= last) return frame.slice(1, last);

  const out = new Uint8Array(last - 1);
  let used = 0;
  for (let i = 1; i < last; i += 1) {
    const byte = frame[i]!;
    if (byte !== ESCAPE) {
      out[used++] = byte;
      continue;
    }
    const next = i + 1 < last ? frame[i + 1] : undefined;
    if (next === 0x02) out[used++] = FLAG;
    else if (next === 0x01) out[used++] = ESCAPE;
    else
      throw new Jt808DecodeError(
        'bad-escape',
        i,
        next === undefined ? '0x7d at the end of the frame' : `0x7d followed by 0x${next.toString(16).padStart(2, '0')}`,
      );
    i += 1;
  }
  return out.subarray(0, used);
}

/**
 * Like `unescapeFrame`, but a raw 0x7e inside the frame and a 0x7d that escapes nothing
 * (not followed by 0x01 / 0x02) are kept as data and reported, for the caller to accept
 * only when the check code and the declared length confirm that reading. Null when the
 * frame does not start and end with 0x7e.
 */
export function unescapeFrameLeniently(frame: Uint8Array): { content: Uint8Array; anomalies: Array<'stray-flag' | 'bad-escape'> } | null {
  const last = frame.length - 1;
  if (frame.length < 2 || frame[0] !== FLAG || frame[last] !== FLAG) return null;
  // Fast path, as in unescapeFrame: most frames hold neither 0x7d nor an inner 0x7e.
  const firstEscape = frame.indexOf(ESCAPE, 1);
  if ((firstEscape < 0 || firstEscape >= last) && frame.indexOf(FLAG, 1) === last) return { content: frame.slice(1, last), anomalies: [] };
  const out = new Uint8Array(last - 1);
  let used = 0;
  let strayFlag = false;
  let badEscape = false;
  for (let i = 1; i < last; i += 1) {
    const byte = frame[i]!;
    if (byte === FLAG) strayFlag = true;
    if (byte !== ESCAPE) {
      out[used++] = byte;
      continue;
    }
    const next = frame[i + 1];
    if (i + 1 < last && (next === 0x01 || next === 0x02)) {
      out[used++] = next === 0x02 ? FLAG : ESCAPE;
      i += 1;
    } else {
      badEscape = true;
      out[used++] = ESCAPE;
    }
  }
  const anomalies: Array<'stray-flag' | 'bad-escape'> = [];
  if (strayFlag) anomalies.push('stray-flag');
  if (badEscape) anomalies.push('bad-escape');
  return { content: out.subarray(0, used), anomalies };
}

/** Escapes `content` (header, body, check code) and wraps it in 0x7e flags. */
export function escapeAndWrap(content: Uint8Array): Uint8Array {
  let specials = 0;
  for (let i = 0; i < content.length; i += 1) {
    const byte = content[i]!;
    if (byte === FLAG || byte === ESCAPE) specials += 1;
  }
  const out = new Uint8Array(content.length + specials + 2);
  out[0] = FLAG;
  if (specials === 0) {
    out.set(content, 1);
  } else {
    let used = 1;
    for (let i = 0; i < content.length; i += 1) {
      const byte = content[i]!;
      if (byte === FLAG) {
        out[used++] = ESCAPE;
        out[used++] = 0x02;
      } else if (byte === ESCAPE) {
        out[used++] = ESCAPE;
        out[used++] = 0x01;
      } else {
        out[used++] = byte;
      }
    }
  }
  out[out.length - 1] = FLAG;
  return out;
}
