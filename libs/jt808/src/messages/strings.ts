import { unsafeCharacterIn, type SafeTextKind } from '@roadwatch/contracts';
import { ByteReader, ByteWriter, trimTrailingNul } from '../bytes.js';
import { Jt808DecodeError } from '../errors.js';
import { decodeGbk, encodeGbk } from '../gbk.js';

/**
 * The text of a string field a terminal sent. 0x00 after the text is padding (fixed-width
 * fields are padded with it, and some terminals end a variable one with it as if it were a C
 * string), so it is dropped. What remains is the field's meaning: a NUL, another control
 * character or DEL inside it makes the message wrong — a `bad-value` decode error, which the
 * gateway answers 0x8001 result 2 (消息有误) and keeps off Kafka and out of the database.
 * `at` is the field's offset, for the error.
 */
export function textOf(bytes: Uint8Array, at: number, what: string, kind: SafeTextKind = 'line'): string {
  const text = decodeGbk(trimTrailingNul(bytes));
  const problem = unsafeCharacterIn(text, kind);
  if (problem) throw new Jt808DecodeError('bad-value', at, `${what} ${problem}`);
  return text;
}

/** Fixed-width GBK field (BYTE[n] / STRING[n]). */
export function readFixedString(reader: ByteReader, width: number, what: string): string {
  const at = reader.offset;
  return textOf(reader.bytes(width, what), at, what);
}

export function writeFixedString(writer: ByteWriter, value: string, width: number, field: string): void {
  writer.fixed(encodeGbk(value, field), width, field);
}

/** GBK text running to the end of the body (plate in 0x0100, text in 0x8300...). */
export function readRestString(reader: ByteReader, what: string, kind: SafeTextKind = 'line'): string {
  const at = reader.offset;
  return textOf(reader.rest(), at, what, kind);
}

/** BYTE length, then that many GBK bytes. */
export function readLengthPrefixedString(reader: ByteReader, what: string): string {
  const length = reader.u8(`${what} length`);
  const at = reader.offset;
  return textOf(reader.bytes(length, what), at, what);
}

export function writeLengthPrefixedString(writer: ByteWriter, value: string, field: string): void {
  const bytes = encodeGbk(value, field);
  writer.u8(bytes.length, `${field} length`);
  writer.bytes(bytes);
}
