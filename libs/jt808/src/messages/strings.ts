import { ByteReader, ByteWriter, trimTrailingNul } from '../bytes.js';
import { decodeGbk, encodeGbk } from '../gbk.js';

/** Fixed-width GBK field (BYTE[n] / STRING[n]): 0x00 padding after the text is dropped. */
export function readFixedString(reader: ByteReader, width: number, what: string): string {
  return decodeGbk(trimTrailingNul(reader.bytes(width, what)));
}

export function writeFixedString(writer: ByteWriter, value: string, width: number, field: string): void {
  writer.fixed(encodeGbk(value, field), width, field);
}

/** GBK text running to the end of the body (plate in 0x0100, text in 0x8300...). */
export function readRestString(reader: ByteReader): string {
  return decodeGbk(reader.rest());
}

/** BYTE length, then that many GBK bytes. */
export function readLengthPrefixedString(reader: ByteReader, what: string): string {
  const length = reader.u8(`${what} length`);
  return decodeGbk(reader.bytes(length, what));
}

export function writeLengthPrefixedString(writer: ByteWriter, value: string, field: string): void {
  const bytes = encodeGbk(value, field);
  writer.u8(bytes.length, `${field} length`);
  writer.bytes(bytes);
}
