import type { PositionV1 } from '@roadwatch/contracts';
import { isAheadOfClock } from '@roadwatch/domain';

/**
 * The newest known position and status (ACC, alarm and status bits, GNSS fix, speed) of
 * each vehicle, for the live map's initial load. Entries only move forward in device
 * time: a late report (a 0x0704 blind-area upload, a redelivered batch) never replaces a
 * newer one. A future-dated report (device time more than the clock skew after its receipt,
 * `replacesLatest` of libs/domain) never becomes an entry, and an entry ahead of the clock
 * now (stored before that rule) gives way to the next valid report. Redis in cluster mode,
 * memory in the embedded mode; one contract for both.
 */
export interface LatestPositionStore {
  /**
   * Moves each vehicle's entry to the newest of these positions that is not future-dated,
   * when it is newer than the stored one or the stored one is ahead of `nowMs` + `clockSkewMs`.
   * Resolves to how many entries moved.
   */
  advance(positions: readonly PositionV1[], nowMs: number, clockSkewMs?: number): Promise<number>;
  get(vehicleId: string): Promise<PositionV1 | null>;
  /** The entries of these vehicles that exist, in one round trip (the live feed's catch-up for vehicles it skipped). */
  getMany(vehicleIds: readonly string[]): Promise<PositionV1[]>;
  /** Every vehicle's entry (the live map loads them once, then follows the stream). */
  all(): Promise<PositionV1[]>;
  /** Answers when the store is usable (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The newest position per vehicle among `positions` (a later one wins a tie: same natural
 * key, same report), future-dated ones left out — a 2099 report must not hide the valid
 * reports of its batch.
 */
export const newestPerVehicle = (positions: readonly PositionV1[], clockSkewMs: number): Map<string, PositionV1> => {
  const newest = new Map<string, PositionV1>();
  for (const position of positions) {
    if (isAheadOfClock(position.deviceTimeMs, position.receivedAtMs, clockSkewMs)) continue;
    const current = newest.get(position.vehicleId);
    if (!current || current.deviceTimeMs <= position.deviceTimeMs) newest.set(position.vehicleId, position);
  }
  return newest;
};
