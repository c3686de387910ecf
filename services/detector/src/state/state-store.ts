/**
 * Where the detector keeps the per-vehicle state of the partitions it owns, so that a
 * restarted or rebalanced instance resumes exactly where the last owner stopped.
 *
 * The unit of state is a partition (topic + partition), because that is the unit a
 * consumer owns: a vehicle's positions all land on one partition (key = vehicleId).
 * A checkpoint writes the changed vehicles' states together with the partition's last
 * processed offset, atomically; the offset tells the next owner which messages are
 * already reflected in the state (those it skips).
 */
export interface PartitionRef {
  /** Logical topic name (the bus maps it to the physical one). */
  topic: string;
  partition: number;
}

export interface PartitionSnapshot {
  /** Offset of the last message reflected in `states`; null when nothing was ever checkpointed. */
  lastOffset: string | null;
  /** vehicleId → state, as checkpointed (JSON round-tripped). */
  states: Map<string, unknown>;
}

export interface Checkpoint {
  /** The offset the states now reflect. Must be ≥ the stored one (equal: a timer-driven update). */
  lastOffset: string;
  /** Vehicles whose state changed since the last checkpoint. Values must be JSON-serialisable. */
  changed: ReadonlyMap<string, unknown>;
  /** Vehicles to forget. */
  removed?: readonly string[];
}

export interface StateStore {
  load(ref: PartitionRef): Promise<PartitionSnapshot>;
  /**
   * Writes the checkpoint atomically: all of it or nothing. A checkpoint whose offset is
   * below the stored one is refused and `false` returned — it comes from a former owner
   * that lost the partition while finishing a batch (a zombie), and must not roll the
   * state back under the new owner.
   */
  checkpoint(ref: PartitionRef, checkpoint: Checkpoint): Promise<boolean>;
  /** Forget a partition entirely (tests, topic deletion). */
  clear(ref: PartitionRef): Promise<void>;
  /** Readiness: the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const partitionKeyOf = (ref: PartitionRef): string => `${ref.topic}:${ref.partition}`;
