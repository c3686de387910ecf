import type { DriverTimeCarry } from '@roadwatch/rules';

/**
 * Where a driver's fatigue time waits for his next vehicle (RULES.md §2, §13: a driver who
 * changes vehicles carries his time). Positions are keyed by vehicle, so a driver's two
 * vehicles may sit on partitions of different detector members: the per-partition state
 * cannot hand his time over, this store — keyed by driver, shared by every member — does.
 * Each put keeps the newer of what is stored and what is put (by the driver's last report),
 * so members writing in any order, and a replay writing older times, never roll it back.
 */
export interface DriverTimeStore {
  /**
   * The stored time of each driver asked for that has one — with `heldLastReportMs`, only those
   * whose last report is later than the one the caller holds (an equal one is the same time, or
   * a tie that members writing in any order may settle either way), so an unchanged driver is
   * not decoded again.
   */
  get(driverIds: readonly string[], heldLastReportMs?: (driverId: string) => number | undefined): Promise<Map<string, DriverTimeCarry>>;
  put(carries: readonly DriverTimeCarry[]): Promise<void>;
  close(): Promise<void>;
}

/** Keeps the newer: a later last report, or the same one from another vehicle only when nothing is stored. */
export const newerCarry = (stored: DriverTimeCarry | undefined, put: DriverTimeCarry): boolean => !stored || put.lastReportMs >= stored.lastReportMs;

/** Whether a stored time with this last report is worth decoding for a caller holding `heldMs`. */
export const newerThanHeld = (storedLastReportMs: number, heldMs: number | undefined): boolean => heldMs === undefined || storedLastReportMs > heldMs;

/**
 * The embedded default: one process, every partition in it; the store lives as long as the
 * in-process bus. Like Redis's keys, a driver's time expires `ttlMs` after its last write (by
 * `now`): a driver not seen for that long is forgotten, so the store does not grow with every
 * driver ever seen.
 */
export class MemoryDriverTimeStore implements DriverTimeStore {
  /** Through JSON, as Redis keeps it: the embedded mode proves the carry survives serialisation. */
  private readonly carries = new Map<string, { lastReportMs: number; json: string; writtenAtMs: number }>();
  private sweptAtMs = -Infinity;

  constructor(
    private readonly ttlMs = Infinity,
    private readonly now: () => number = Date.now,
  ) {}

  async get(driverIds: readonly string[], heldLastReportMs?: (driverId: string) => number | undefined): Promise<Map<string, DriverTimeCarry>> {
    const found = new Map<string, DriverTimeCarry>();
    const nowMs = this.now();
    for (const id of driverIds) {
      const stored = this.carries.get(id);
      if (stored === undefined || nowMs - stored.writtenAtMs >= this.ttlMs) continue;
      if (newerThanHeld(stored.lastReportMs, heldLastReportMs?.(id))) found.set(id, JSON.parse(stored.json) as DriverTimeCarry);
    }
    return found;
  }

  async put(carries: readonly DriverTimeCarry[]): Promise<void> {
    const nowMs = this.now();
    for (const carry of carries) {
      const stored = this.carries.get(carry.driverId);
      const live = stored !== undefined && nowMs - stored.writtenAtMs < this.ttlMs;
      if (!live || carry.lastReportMs >= stored.lastReportMs)
        this.carries.set(carry.driverId, { lastReportMs: carry.lastReportMs, json: JSON.stringify(carry), writtenAtMs: nowMs });
    }
    this.sweep(nowMs);
  }

  /** Drivers held (expired ones until the next sweep). */
  get size(): number {
    return this.carries.size;
  }

  /** Forgets the expired times, at most once a tenth of the TTL. */
  private sweep(nowMs: number): void {
    if (!Number.isFinite(this.ttlMs) || nowMs - this.sweptAtMs < this.ttlMs / 10) return;
    this.sweptAtMs = nowMs;
    for (const [id, stored] of this.carries) if (nowMs - stored.writtenAtMs >= this.ttlMs) this.carries.delete(id);
  }

  async close(): Promise<void> {}
}
