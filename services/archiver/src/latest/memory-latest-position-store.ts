import type { PositionV1 } from '@roadwatch/contracts';
import { DEFAULT_CLOCK_SKEW_MS, replacesLatest } from '@roadwatch/domain';
import { newestPerVehicle, type LatestPositionStore } from './latest-position-store';

/** The embedded mode's store: one map in the process. */
export class MemoryLatestPositionStore implements LatestPositionStore {
  private readonly latest = new Map<string, PositionV1>();

  async advance(positions: readonly PositionV1[], nowMs: number, clockSkewMs = DEFAULT_CLOCK_SKEW_MS): Promise<number> {
    let moved = 0;
    for (const [vehicleId, position] of newestPerVehicle(positions, clockSkewMs)) {
      if (!replacesLatest(position, this.latest.get(vehicleId), nowMs, clockSkewMs)) continue;
      this.latest.set(vehicleId, position);
      moved += 1;
    }
    return moved;
  }

  async get(vehicleId: string): Promise<PositionV1 | null> {
    return this.latest.get(vehicleId) ?? null;
  }

  async getMany(vehicleIds: readonly string[]): Promise<PositionV1[]> {
    return vehicleIds.flatMap((vehicleId) => this.latest.get(vehicleId) ?? []);
  }

  async all(): Promise<PositionV1[]> {
    return [...this.latest.values()];
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.latest.clear();
  }
}
