/**
 * PostgreSQL's binary COPY format (`COPY … FROM STDIN (FORMAT binary)`, "Binary Format" in the
 * COPY chapter of the PostgreSQL manual) for the column types the bulk writes use, each nullable:
 * `text`, `float8` and `bool` (what a staging table holds: every number as float8, cast by the
 * INSERT … SELECT so PostgreSQL itself refuses a value its column cannot hold — SQLSTATE 22003,
 * which the bus's failure policy treats as a data error and isolates), and `int2`, `int8`,
 * `float4` and `timestamptz` (from epoch ms) for a COPY straight into a table's own columns.
 *
 * The four exact types take only what their column holds exactly as the staging INSERT's cast
 * would make it (`to_timestamp(ms / 1000.0)`, rounding float8 to float4); anything else — a
 * fraction in an integer column, a number beyond the column's range, a float4 overflow or
 * underflow — throws a CopyValueRangeError, so the caller can hand the batch to the staging
 * path and let PostgreSQL refuse it there with its own SQLSTATE.
 *
 * Why our own: the maintained alternative, pg-copy-streams-binary, last released in 2021,
 * encodes row by row through a stream transform and an object per field. One buffer per batch,
 * grown by doubling.
 */
export type CopyBinaryType = 'text' | 'float8' | 'bool' | 'int2' | 'int8' | 'float4' | 'timestamptz';

/** A value its column cannot hold exactly (see above); a plain TypeError is a programming error. */
export class CopyValueRangeError extends RangeError {
  constructor(
    readonly column: number,
    readonly value: number,
    type: CopyBinaryType,
  ) {
    super(`copy-binary: column ${column} (${type}) cannot hold ${value} exactly`);
    this.name = 'CopyValueRangeError';
  }
}

/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix seconds. */
const POSTGRES_EPOCH_UNIX_S = 946_684_800;
const TWO_TO_32 = 2 ** 32;

/** C's rint(): to the nearest integer, halves to even (Math.round takes halves up). */
const rint = (x: number): number => {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * Epoch ms as PostgreSQL's timestamptz (µs since 2000-01-01), computed the way
 * `to_timestamp(ms / 1000.0)` does (float8 seconds, shifted to the 2000 epoch, times 10^6,
 * rint), so both paths store the same instant; NaN when it is not an exact safe integer.
 */
export const timestampUsOfMs = (ms: number): number => {
  const us = rint((ms / 1000 - POSTGRES_EPOCH_UNIX_S) * 1e6);
  return Number.isSafeInteger(us) ? us : Number.NaN;
};

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

  /** A safe integer as a big-endian int64, without a BigInt per value. */
  int64(value: number): void {
    const high = Math.floor(value / TWO_TO_32);
    this.int32(high);
    this.ensure(4);
    this.offset = this.buffer.writeUInt32BE(value - high * TWO_TO_32, this.offset);
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
        case 'int2': {
          if (typeof value !== 'number') throw new TypeError(`copy-binary: column ${column} is int2, got ${describe(value)}`);
          if (!Number.isInteger(value) || value < -32_768 || value > 32_767) throw new CopyValueRangeError(column, value, 'int2');
          w.int32(2);
          w.int16(value);
          break;
        }
        case 'int8': {
          if (typeof value !== 'number') throw new TypeError(`copy-binary: column ${column} is int8, got ${describe(value)}`);
          if (!Number.isSafeInteger(value)) throw new CopyValueRangeError(column, value, 'int8');
          w.int32(8);
          w.int64(value);
          break;
        }
        case 'float4': {
          if (typeof value !== 'number') throw new TypeError(`copy-binary: column ${column} is float4, got ${describe(value)}`);
          const single = Math.fround(value);
          // PostgreSQL's float8 → float4 cast refuses overflow (to ±Infinity) and underflow (a non-zero to 0).
          if ((!Number.isFinite(single) && Number.isFinite(value)) || (single === 0 && value !== 0)) throw new CopyValueRangeError(column, value, 'float4');
          w.int32(4);
          w.ensure(4);
          w.offset = w.buffer.writeFloatBE(single, w.offset);
          break;
        }
        case 'timestamptz': {
          if (typeof value !== 'number') throw new TypeError(`copy-binary: column ${column} is timestamptz (epoch ms), got ${describe(value)}`);
          const us = timestampUsOfMs(value);
          if (Number.isNaN(us)) throw new CopyValueRangeError(column, value, 'timestamptz');
          w.int32(8);
          w.int64(us);
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
