import { ByteReader, ByteWriter } from './bytes.js';
import { Jt808DecodeError, Jt808EncodeError } from './errors.js';

/** Reads `width` BCD bytes as a string of 2×width decimal digits (leading zeros kept). */
export function readBcdDigits(reader: ByteReader, width: number, what: string): string {
  const start = reader.offset;
  const bytes = reader.bytes(width, what);
  let digits = '';
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i]!;
    const high = byte >>> 4;
    const low = byte & 0x0f;
    if (high > 9 || low > 9) {
      throw new Jt808DecodeError('bad-bcd', start + i, `${what}: byte 0x${byte.toString(16).padStart(2, '0')} is not BCD`);
    }
    digits += String.fromCharCode(48 + high, 48 + low);
  }
  return digits;
}

/** Writes decimal digits as `width` BCD bytes, left-padded with zeros. */
export function writeBcdDigits(writer: ByteWriter, digits: string, width: number, field: string): void {
  if (!/^\d*$/.test(digits)) throw new Jt808EncodeError('bad-value', field, `"${digits}" is not decimal digits`);
  if (digits.length > width * 2) throw new Jt808EncodeError('string-too-long', field, `${digits.length} digits do not fit in BCD[${width}]`);
  const padded = digits.padStart(width * 2, '0');
  for (let i = 0; i < width; i += 1) {
    writer.u8(((padded.charCodeAt(i * 2) - 48) << 4) | (padded.charCodeAt(i * 2 + 1) - 48), field);
  }
}

/** Terminals send China Standard Time (UTC+8, no daylight saving) in every BCD time. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

/**
 * BCD[6] YYMMDDhhmmss in GMT+8 → UTC epoch milliseconds. All zeros (sent by terminals
 * that have no time yet) decodes to null; any other impossible calendar time is a
 * 'bad-time' error. Years are 2000–2099.
 */
export function readBcdTime(reader: ByteReader, what = 'time'): number | null {
  const start = reader.offset;
  const digits = readBcdDigits(reader, 6, what);
  if (digits === '000000000000') return null;
  const year = 2000 + Number(digits.slice(0, 2));
  const month = Number(digits.slice(2, 4));
  const day = Number(digits.slice(4, 6));
  const hour = Number(digits.slice(6, 8));
  const minute = Number(digits.slice(8, 10));
  const second = Number(digits.slice(10, 12));
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    throw new Jt808DecodeError('bad-time', start, `${what}: ${digits} is not a valid YYMMDDhhmmss`);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second) - CHINA_OFFSET_MS;
}

/** UTC epoch ms → BCD[6] in GMT+8; null writes all zeros. Sub-second parts are dropped. */
export function writeBcdTime(writer: ByteWriter, epochMs: number | null, field = 'time'): void {
  if (epochMs === null) {
    writeBcdDigits(writer, '', 6, field);
    return;
  }
  if (!Number.isFinite(epochMs)) throw new Jt808EncodeError('bad-value', field, `${epochMs} is not a time`);
  const local = new Date(Math.floor(epochMs / 1000) * 1000 + CHINA_OFFSET_MS);
  const year = local.getUTCFullYear();
  if (year < 2000 || year > 2099) throw new Jt808EncodeError('value-out-of-range', field, `year ${year} does not fit YY`);
  writeBcdDigits(
    writer,
    [year - 2000, local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()]
      .map((part) => String(part).padStart(2, '0'))
      .join(''),
    6,
    field,
  );
}

/** BCD[4] YYYYMMDD (a calendar date, no zone) → 'YYYY-MM-DD'; all zeros → null. */
export function readBcdDate(reader: ByteReader, what = 'date'): string | null {
  const start = reader.offset;
  const digits = readBcdDigits(reader, 4, what);
  if (digits === '00000000') return null;
  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  const day = Number(digits.slice(6, 8));
  if (!isCalendarDate(year, month, day)) throw new Jt808DecodeError('bad-time', start, `${what}: ${digits} is not a valid YYYYMMDD`);
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
}

export function writeBcdDate(writer: ByteWriter, date: string | null, field = 'date'): void {
  if (date === null) {
    writeBcdDigits(writer, '', 4, field);
    return;
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Jt808EncodeError('bad-value', field, `"${date}" is not YYYY-MM-DD`);
  writeBcdDigits(writer, `${match[1]}${match[2]}${match[3]}`, 4, field);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}
