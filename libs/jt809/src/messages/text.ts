import { encodeGbk, textOf, type ByteReader, type ByteWriter } from '@roadwatch/jt808';

/** INFO_LENGTH (DWORD) + INFO_CONTENT (GBK): free text, so tab, CR and LF are allowed. */
export function readLongText(reader: ByteReader, what: string): string {
  const length = reader.u32(`${what} length`);
  const at = reader.offset;
  return textOf(reader.bytes(length, what), at, what, 'text');
}

export function writeLongText(writer: ByteWriter, value: string, field: string): void {
  const bytes = encodeGbk(value, field);
  writer.u32(bytes.length, `${field} length`);
  writer.bytes(bytes);
}
