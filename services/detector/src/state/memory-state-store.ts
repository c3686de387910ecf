import { PartitionStateCodec } from './checkpoint-codec';
import { decodeOrError } from './redis-state-store';
import type { Checkpoint, PartitionRef, PartitionSnapshot, StateStore } from './state-store';
import { partitionKeyOf } from './state-store';

interface StoredPartition {
  lastOffset: string | null;
  /** Kept encoded, as Redis keeps them, so the embedded mode proves what Redis proves: state survives the codec. */
  states: Map<string, Buffer>;
  structures: Map<string, string>;
  codec: PartitionStateCodec;
}

/**
 * The embedded default: state lives as long as the process (and so does the in-process
 * bus whose offsets it mirrors). It keeps the Redis store's semantics, its encoding included
 * (`checkpoint-codec.ts`).
 */
export class MemoryStateStore implements StateStore {
  private readonly partitions = new Map<string, StoredPartition>();

  async load(ref: PartitionRef): Promise<PartitionSnapshot> {
    const stored = this.partitions.get(partitionKeyOf(ref));
    const states = new Map<string, unknown>();
    if (!stored) return { lastOffset: null, states };
    // A fresh codec from what is stored, as another process would build it.
    stored.codec = new PartitionStateCodec(stored.structures);
    for (const [vehicleId, value] of stored.states) states.set(vehicleId, decodeOrError(stored.codec, value));
    return { lastOffset: stored.lastOffset, states };
  }

  async checkpoint(ref: PartitionRef, checkpoint: Checkpoint): Promise<boolean> {
    const key = partitionKeyOf(ref);
    const stored = this.storedOrNew(key);
    if (stored.lastOffset !== null && BigInt(stored.lastOffset) > BigInt(checkpoint.lastOffset)) return false;
    // Encode everything first so that a state the codec refuses fails the whole checkpoint.
    const encoded = stored.codec.encodeAll(checkpoint.changed.values());
    for (const [id, json] of encoded.structures) if (!stored.structures.has(id)) stored.structures.set(id, json);
    for (const vehicleId of checkpoint.removed ?? []) stored.states.delete(vehicleId);
    let index = 0;
    for (const vehicleId of checkpoint.changed.keys()) stored.states.set(vehicleId, encoded.values[index++]!);
    stored.codec.written(encoded);
    stored.lastOffset = checkpoint.lastOffset;
    this.partitions.set(key, stored);
    return true;
  }

  private storedOrNew(key: string) {
    return (
      this.partitions.get(key) ?? {
        lastOffset: null,
        states: new Map<string, Buffer>(),
        structures: new Map<string, string>(),
        codec: new PartitionStateCodec(),
      }
    );
  }

  /** Test hook: writes a value exactly as stored (e.g. the JSON of an earlier release), as Redis would hold it. */
  putRaw(ref: PartitionRef, lastOffset: string, values: ReadonlyMap<string, Buffer>): void {
    const key = partitionKeyOf(ref);
    const stored = this.storedOrNew(key);
    for (const [vehicleId, value] of values) stored.states.set(vehicleId, value);
    stored.lastOffset = lastOffset;
    this.partitions.set(key, stored);
  }

  async clear(ref: PartitionRef): Promise<void> {
    this.partitions.delete(partitionKeyOf(ref));
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    // Nothing to release; the contents stay readable for a detector started again in the same process.
  }
}
