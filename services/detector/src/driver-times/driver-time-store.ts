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
  /** The stored time of each driver asked for that has one. */
  get(driverIds: readonly string[]): Promise<Map<string, DriverTimeCarry>>;
  put(carries: readonly DriverTimeCarry[]): Promise<void>;
  close(): Promise<void>;
}

/** Keeps the newer: a later last report, or the same one from another vehicle only when nothing is stored. */
export const newerCarry = (stored: DriverTimeCarry | undefined, put: DriverTimeCarry): boolean => !stored || put.lastReportMs >= stored.lastReportMs;

/** The embedded default: one process, every partition in it; the store lives as long as the in-process bus. */
export class MemoryDriverTimeStore implements DriverTimeStore {
  private readonly carries = new Map<string, string>();

  async get(driverIds: readonly string[]): Promise<Map<string, DriverTimeCarry>> {
    const found = new Map<string, DriverTimeCarry>();
    for (const id of driverIds) {
      const json = this.carries.get(id);
      // Through JSON, as Redis keeps it: the embedded mode proves the carry survives serialisation.
      if (json !== undefined) found.set(id, JSON.parse(json) as DriverTimeCarry);
    }
    return found;
  }

  async put(carries: readonly DriverTimeCarry[]): Promise<void> {
    for (const carry of carries) {
      const json = this.carries.get(carry.driverId);
      if (newerCarry(json === undefined ? undefined : (JSON.parse(json) as DriverTimeCarry), carry)) this.carries.set(carry.driverId, JSON.stringify(carry));
    }
  }

  async close(): Promise<void> {}
}
