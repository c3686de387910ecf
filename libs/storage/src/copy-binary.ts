/**
 * PostgreSQL's binary COPY format (`COPY … FROM STDIN (FORMAT binary)`, "Binary Format" in the
 * COPY chapter of the PostgreSQL manual) for the three column types the bulk writes stage:
 * `text`, `float8` and `bool`, each nullable.
 *
 * Why our own and so few types: the maintained alternative, pg-copy-streams-binary, last
 * released in 2021, encodes row by row through a stream transform and an object per field;
 * the staging tables only need these three (every number travels as float8 and the
 * INSERT … SELECT casts it to the column's type, so PostgreSQL itself refuses a value its
 * column cannot hold — the same SQLSTATE 22003 as the unnest path, which the bus's failure
 * policy treats as a data error and isolates). One buffer per batch, grown by doubling.
 */
export type CopyBinaryType = 'text' | 'float8' | 'bool';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, flags (int32, no OIDs), header extension length (int32). */
const HEADER_BYTES = SIGNATURE.length + 8;
const NULL_LENGTH = -1;

class Writer {
  buffer: Buffer;
  offset = 0;

  constructor(initialBytes: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(64, initialBytes));
  }

  ensure(bytes: number): void {
    const needed = this.offset + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }

  int16(value: number): void {
    this.ensure(2);
    this.offset = this.buffer.writeInt16BE(value, this.offset);
  }

  int32(value: number): void {
    this.ensure(4);
    this.offset = this.buffer.writeInt32BE(value, this.offset);
  }
}

const describe = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/**
 * The whole COPY stream (header, one tuple per item, trailer) as one buffer. `rowOf` returns
 * the item's values in `types` order; null or undefined is SQL NULL. A value of the wrong
 * JavaScript type is a programming error and throws a TypeError naming the column index.
 */
export const encodeCopyBinary = <T>(items: readonly T[], types: readonly CopyBinaryType[], rowOf: (item: T) => readonly unknown[]): Buffer => {
  const w = new Writer(HEADER_BYTES + 2 + items.length * types.length * 12);
  w.ensure(HEADER_BYTES);
  SIGNATURE.copy(w.buffer, 0);
  w.offset = SIGNATURE.length;
  w.int32(0);
  w.int32(0);
  for (const item of items) {
    const row = rowOf(item);
    if (row.length !== types.length) throw new TypeError(`copy-binary: a row has ${row.length} values for ${types.length} columns`);
    w.int16(types.length);
    for (let column = 0; column < types.length; column += 1) {
      const value = row[column];
      if (value === null || value === undefined) {
        w.int32(NULL_LENGTH);
        continue;
      }
      switch (types[column]) {
        case 'text': {
          if (typeof value !== 'string') throw new TypeError(`copy-binary: column ${column} is text, got ${describe(value)}`);
          // UTF-8 takes at most 3 bytes per UTF-16 unit; the length is written once the bytes are.
          w.ensure(4 + value.length * 3);
          const written = w.buffer.write(value, w.offset + 4, 'utf8');
          w.buffer.writeInt32BE(written, w.offset);
          w.offset += 4 + written;
          break;
        }
        case 'float8': {
          if (typeof value !== 'number') throw new TypeError(`copy-binary: column ${column} is float8, got ${describe(value)}`);
          w.int32(8);
          w.ensure(8);
          w.offset = w.buffer.writeDoubleBE(value, w.offset);
          break;
        }
        case 'bool': {
          if (typeof value !== 'boolean') throw new TypeError(`copy-binary: column ${column} is bool, got ${describe(value)}`);
          w.int32(1);
          w.ensure(1);
          w.offset = w.buffer.writeUInt8(value ? 1 : 0, w.offset);
          break;
        }
        default:
          throw new TypeError(`copy-binary: unsupported column type ${String(types[column])}`);
      }
    }
  }
  w.int16(-1);
  return w.buffer.subarray(0, w.offset);
};

/** The staging type of a column of this SQL type: numbers travel as float8 (the INSERT casts), text and bool as themselves. */
export const copyBinaryTypeOf = (sqlType: string): CopyBinaryType => (sqlType === 'text' ? 'text' : sqlType === 'bool' ? 'bool' : 'float8');
