import type { PositionV1 } from '@roadwatch/contracts';

/**
 * The newest known position and status (ACC, alarm and status bits, GNSS fix, speed) of
 * each vehicle, for the live map's initial load. Entries only move forward in device
 * time: a late report (a 0x0704 blind-area upload, a redelivered batch) never replaces a
 * newer one. Redis in cluster mode, memory in the embedded mode; one contract for both.
 */
export interface LatestPositionStore {
  /** Moves each vehicle's entry to the newest of these positions when it is newer than the stored one. Resolves to how many entries moved. */
  advance(positions: readonly PositionV1[]): Promise<number>;
  get(vehicleId: string): Promise<PositionV1 | null>;
  /** Every vehicle's entry (the live map loads them once, then follows the stream). */
  all(): Promise<PositionV1[]>;
  /** Answers when the store is usable (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** The newest position per vehicle among `positions` (a later one wins a tie: same natural key, same report). */
export const newestPerVehicle = (positions: readonly PositionV1[]): Map<string, PositionV1> => {
  const newest = new Map<string, PositionV1>();
  for (const position of positions) {
    const current = newest.get(position.vehicleId);
    if (!current || current.deviceTimeMs <= position.deviceTimeMs) newest.set(position.vehicleId, position);
  }
  return newest;
};
