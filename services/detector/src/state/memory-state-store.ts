import type { Checkpoint, PartitionRef, PartitionSnapshot, StateStore } from './state-store';
import { partitionKeyOf } from './state-store';

interface StoredPartition {
  lastOffset: string | null;
  /** Kept as JSON so that the embedded mode proves what Redis proves: state survives serialisation. */
  states: Map<string, string>;
}

/**
 * The embedded default: state lives as long as the process (and so does the in-process
 * bus whose offsets it mirrors). It keeps the Redis store's semantics, JSON included.
 */
export class MemoryStateStore implements StateStore {
  private readonly partitions = new Map<string, StoredPartition>();

  async load(ref: PartitionRef): Promise<PartitionSnapshot> {
    const stored = this.partitions.get(partitionKeyOf(ref));
    const states = new Map<string, unknown>();
    for (const [vehicleId, json] of stored?.states ?? []) states.set(vehicleId, JSON.parse(json));
    return { lastOffset: stored?.lastOffset ?? null, states };
  }

  async checkpoint(ref: PartitionRef, checkpoint: Checkpoint): Promise<boolean> {
    const key = partitionKeyOf(ref);
    const stored = this.partitions.get(key) ?? { lastOffset: null, states: new Map<string, string>() };
    if (stored.lastOffset !== null && BigInt(stored.lastOffset) > BigInt(checkpoint.lastOffset)) return false;
    // Serialise everything first so that a non-serialisable state fails the whole checkpoint.
    const encoded = [...checkpoint.changed].map(([vehicleId, state]) => [vehicleId, JSON.stringify(state)] as const);
    for (const vehicleId of checkpoint.removed ?? []) stored.states.delete(vehicleId);
    for (const [vehicleId, json] of encoded) stored.states.set(vehicleId, json);
    stored.lastOffset = checkpoint.lastOffset;
    this.partitions.set(key, stored);
    return true;
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
