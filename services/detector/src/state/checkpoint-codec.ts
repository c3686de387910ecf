import { createHash } from 'node:crypto';
import { Packr } from 'msgpackr';

/**
 * How a vehicle's state is stored in a checkpoint: one byte of format, then the format's body.
 *
 * - `{` (0x7b) — JSON, as every release before this one wrote it; still read.
 * - 0x01 — MessagePack records (`msgpackr`): `0x01`, 8 bytes naming the record structures
 *   (the objects' key lists) the body refers to, then the body. The key lists are stored once
 *   per partition beside the states, not in every value, which makes a state about a fifth of
 *   its JSON (≈ 350 B against ≈ 1,700 B for the rules' state) and quicker to read back.
 *
 * The structures are content-addressed (the id is a hash of the key lists), so two members
 * writing the same partition at once (a zombie and the new owner) can never make one's values
 * read with the other's key lists: a value names exactly the lists it was written with.
 * A partition's codec starts from the longest lists its checkpoint holds, so a restarted
 * member goes on with them rather than writing new ones.
 */
export const STATE_FORMAT_JSON = 0x7b;
export const STATE_FORMAT_MSGPACK_RECORDS = 0x01;
const ID_BYTES = 8;

/** Stored structures: id (16 hex digits) → JSON array of key lists. */
export type StoredStructures = ReadonlyMap<string, string>;

export class CheckpointDecodeError extends Error {
  override readonly name = 'CheckpointDecodeError';
}

export interface EncodedCheckpoint {
  values: Buffer[];
  /** Key lists the values refer to that the store may not hold yet: write them in the same checkpoint. */
  structures: [id: string, json: string][];
}

export class PartitionStateCodec {
  private readonly structures: string[][];
  private readonly encoder: Packr;
  private readonly decoders = new Map<string, Packr>();
  private readonly stored: Map<string, string>;
  private id: string | null = null;
  private idLength = -1;

  constructor(stored: StoredStructures = new Map()) {
    this.stored = new Map(stored);
    // Go on with the longest lineage held: its lists are what this partition's values mostly use.
    let seed: string[][] = [];
    for (const json of stored.values()) {
      const lists = parseStructures(json);
      if (lists.length > seed.length) seed = lists;
    }
    this.structures = seed.map((keys) => [...keys]);
    this.encoder = new Packr({ structures: this.structures });
  }

  /** Encodes the states of one checkpoint (each value names the key lists as they are after the last). */
  encodeAll(states: Iterable<unknown>): EncodedCheckpoint {
    const bodies: Buffer[] = [];
    for (const state of states) bodies.push(this.encoder.pack(state));
    const id = this.currentId();
    const header = Buffer.alloc(1 + ID_BYTES);
    header[0] = STATE_FORMAT_MSGPACK_RECORDS;
    header.write(id, 1, 'hex');
    const values = bodies.map((body) => Buffer.concat([header, body], header.length + body.length));
    const structures: [string, string][] = this.stored.has(id) ? [] : [[id, JSON.stringify(this.structures)]];
    return { values, structures };
  }

  /** The store wrote the checkpoint: its key lists are held from now on. */
  written(encoded: EncodedCheckpoint): void {
    for (const [id, json] of encoded.structures) this.stored.set(id, json);
  }

  /** One stored state: this format or an older release's JSON. Throws `CheckpointDecodeError` naming the problem. */
  decode(value: Buffer): unknown {
    if (value.length === 0) throw new CheckpointDecodeError('empty checkpoint value');
    const format = value[0];
    if (format === STATE_FORMAT_JSON) {
      try {
        return JSON.parse(value.toString('utf8'));
      } catch (error) {
        throw new CheckpointDecodeError(`JSON checkpoint value not readable: ${(error as Error).message}`);
      }
    }
    if (format !== STATE_FORMAT_MSGPACK_RECORDS) throw new CheckpointDecodeError(`unknown checkpoint format byte 0x${format!.toString(16).padStart(2, '0')}`);
    if (value.length <= 1 + ID_BYTES) throw new CheckpointDecodeError('MessagePack checkpoint value truncated');
    const id = value.toString('hex', 1, 1 + ID_BYTES);
    try {
      return this.decoderOf(id).unpack(value.subarray(1 + ID_BYTES));
    } catch (error) {
      if (error instanceof CheckpointDecodeError) throw error;
      throw new CheckpointDecodeError(`MessagePack checkpoint value not readable: ${(error as Error).message}`);
    }
  }

  private decoderOf(id: string): Packr {
    let decoder = this.decoders.get(id);
    if (!decoder) {
      const json = this.stored.get(id);
      if (json === undefined) throw new CheckpointDecodeError(`checkpoint value refers to record structures ${id}, which the checkpoint does not hold`);
      decoder = new Packr({ structures: parseStructures(json) });
      this.decoders.set(id, decoder);
    }
    return decoder;
  }

  /** The id of the key lists as they are now; recomputed only when they grew (rarely, once the shapes are known). */
  private currentId(): string {
    if (this.id === null || this.idLength !== this.structures.length) {
      this.id = createHash('sha256')
        .update(JSON.stringify(this.structures))
        .digest('hex')
        .slice(0, 2 * ID_BYTES);
      this.idLength = this.structures.length;
    }
    return this.id;
  }
}

const parseStructures = (json: string): string[][] => {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((keys) => Array.isArray(keys) && keys.every((key) => typeof key === 'string')))
    throw new CheckpointDecodeError('stored record structures are not lists of keys');
  return parsed as string[][];
};
