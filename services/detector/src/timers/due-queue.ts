import FlatQueue from 'flatqueue';

/**
 * Vehicles by the time their timer is next due, so that a tick touches only the vehicles due
 * (a min-heap, flatqueue), not every vehicle held. `schedule` may be called on every report:
 * a later due time than the one queued is only noted, an earlier one is queued (the older
 * entry goes stale and is skipped when it comes up), so the heap holds at most about two
 * entries per vehicle whatever the report rate.
 */
export class DueQueue {
  private readonly heap = new FlatQueue<string>();
  /** The due time each vehicle wants now (absent: nothing due until its next report). */
  private readonly wanted = new Map<string, number>();
  /** The due time of each vehicle's live heap entry. */
  private readonly queued = new Map<string, number>();

  /** The vehicle is next due at `dueMs` (null: not until its next report). */
  schedule(vehicleId: string, dueMs: number | null): void {
    if (dueMs === null) {
      this.wanted.delete(vehicleId);
      return;
    }
    this.wanted.set(vehicleId, dueMs);
    const queuedMs = this.queued.get(vehicleId);
    if (queuedMs !== undefined && queuedMs <= dueMs) return;
    this.queued.set(vehicleId, dueMs);
    this.heap.push(vehicleId, dueMs);
  }

  forget(vehicleId: string): void {
    this.wanted.delete(vehicleId);
  }

  /** Takes out the vehicles due by `nowMs`, each once; they are scheduled again by whoever handles them. */
  takeDue(nowMs: number): string[] {
    const due: string[] = [];
    while (this.heap.length > 0 && (this.heap.peekValue() as number) <= nowMs) {
      const queuedMs = this.heap.peekValue() as number;
      const vehicleId = this.heap.pop() as string;
      if (this.queued.get(vehicleId) !== queuedMs) continue; // stale: an earlier entry replaced it
      this.queued.delete(vehicleId);
      const wantedMs = this.wanted.get(vehicleId);
      if (wantedMs === undefined) continue;
      if (wantedMs <= nowMs) {
        this.wanted.delete(vehicleId);
        due.push(vehicleId);
      } else {
        // Its due time moved later since this entry was queued: queue it at that.
        this.queued.set(vehicleId, wantedMs);
        this.heap.push(vehicleId, wantedMs);
      }
    }
    return due;
  }

  clear(): void {
    this.heap.clear();
    this.wanted.clear();
    this.queued.clear();
  }

  /** Heap entries (live and stale): bounded by about two per vehicle. */
  get entries(): number {
    return this.heap.length;
  }
}
