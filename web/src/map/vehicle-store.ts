import type { LivePosition, VehicleListItem } from '@roadwatch/contracts';

/**
 * What the map knows about each vehicle: registry facts from `GET /v1/vehicles`, the
 * latest live fix from the `positions` feed, and the status drawn (alarm comes from the
 * alert feed, offline from silence).
 */
export type VehicleClass = VehicleListItem['vehicleClass'];
export type DrawnStatus = 'moving' | 'stopped' | 'offline' | 'alarm';

export interface VehicleState {
  vehicleId: string;
  plate: string;
  vehicleClass: VehicleClass;
  companyId?: string;
  companyName?: string;
  serverStatus: VehicleListItem['status'];
  fix?: { lon: number; lat: number; speedKmh: number; headingDeg: number; deviceTimeMs: number; accOn?: boolean };
  /** Client clock when the last fix arrived (for the offline rule). */
  seenAtMs?: number;
}

/** No live report for this long → drawn offline. Terminals report every 30 s at most when moving. */
export const OFFLINE_AFTER_MS = 10 * 60_000;

export const drawnStatus = (v: VehicleState, alarmIds: ReadonlySet<string>, nowMs: number): DrawnStatus => {
  if (alarmIds.has(v.vehicleId)) return 'alarm';
  if (v.seenAtMs !== undefined) {
    if (nowMs - v.seenAtMs > OFFLINE_AFTER_MS) return 'offline';
    return (v.fix?.speedKmh ?? 0) >= 1 ? 'moving' : 'stopped';
  }
  if (v.serverStatus === 'moving' || v.serverStatus === 'stopped') return v.serverStatus;
  return 'offline';
};

export class VehicleStore {
  readonly byId = new Map<string, VehicleState>();

  /**
   * Registry facts and REST latest positions. Live fixes may have arrived first (the socket
   * can beat the REST call): a newer live fix is kept, never replaced by an older snapshot.
   */
  load(items: VehicleListItem[]): void {
    for (const i of items) {
      const existing = this.byId.get(i.vehicleId);
      const rest = i.latest
        ? {
            lon: i.latest.longitudeDeg,
            lat: i.latest.latitudeDeg,
            speedKmh: i.latest.speedKmh,
            headingDeg: i.latest.headingDeg,
            deviceTimeMs: i.latest.deviceTimeMs,
            ...(i.latest.accOn !== undefined ? { accOn: i.latest.accOn } : {}),
          }
        : undefined;
      const fix = existing?.fix && (!rest || existing.fix.deviceTimeMs >= rest.deviceTimeMs) ? existing.fix : rest;
      this.byId.set(i.vehicleId, {
        vehicleId: i.vehicleId,
        plate: i.plate,
        vehicleClass: i.vehicleClass,
        ...(i.companyId !== undefined ? { companyId: i.companyId } : {}),
        ...(i.companyName !== undefined ? { companyName: i.companyName } : {}),
        serverStatus: i.status,
        ...(fix ? { fix } : {}),
        ...(existing?.seenAtMs !== undefined && fix === existing.fix ? { seenAtMs: existing.seenAtMs } : {}),
      });
    }
  }

  /** Apply a live fix; returns false for an out-of-order fix (older device time). */
  applyLive(p: LivePosition, nowMs: number): boolean {
    let v = this.byId.get(p.vehicleId);
    if (!v) {
      // Not in the list yet (registered after we loaded): draw it as "other" until known.
      v = {
        vehicleId: p.vehicleId,
        plate: p.plate ?? p.vehicleId,
        vehicleClass: 'other',
        serverStatus: 'unknown',
        ...(p.companyId ? { companyId: p.companyId } : {}),
      };
      this.byId.set(p.vehicleId, v);
    }
    if (v.fix && p.deviceTimeMs < v.fix.deviceTimeMs) return false;
    v.fix = { lon: p.longitudeDeg, lat: p.latitudeDeg, speedKmh: p.speedKmh, headingDeg: p.headingDeg, deviceTimeMs: p.deviceTimeMs, accOn: p.accOn };
    v.seenAtMs = nowMs;
    return true;
  }
}
