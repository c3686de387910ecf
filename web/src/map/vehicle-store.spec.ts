import { describe, expect, it } from 'vitest';
import type { LivePosition, VehicleListItem } from '@roadwatch/contracts';
import { drawnStatus, OFFLINE_AFTER_MS, VehicleStore } from './vehicle-store';

const item = (over: Partial<VehicleListItem> = {}): VehicleListItem => ({
  vehicleId: 'v1',
  plate: '京A12345',
  plateColour: 2,
  vehicleClass: 'hazmat',
  companyId: 'c1',
  status: 'stopped',
  latest: { deviceTimeMs: 1_000, latitudeDeg: 39.8, longitudeDeg: 116.3, speedKmh: 0, headingDeg: 0 },
  ...over,
});
const live = (deviceTimeMs: number, speedKmh = 50): LivePosition => ({
  vehicleId: 'v1',
  deviceTimeMs,
  latitudeDeg: 39.81,
  longitudeDeg: 116.31,
  speedKmh,
  headingDeg: 90,
  accOn: true,
});

describe('VehicleStore', () => {
  it('a live fix that beat the REST list is kept when the list arrives with an older snapshot', () => {
    const s = new VehicleStore();
    s.applyLive(live(5_000), 100);
    s.load([item()]);
    const v = s.byId.get('v1')!;
    expect(v.vehicleClass).toBe('hazmat');
    expect(v.fix?.deviceTimeMs).toBe(5_000);
    expect(v.seenAtMs).toBe(100);
  });

  it('ignores an out-of-order live fix; an unknown vehicle is drawn as "other" until the registry knows it', () => {
    const s = new VehicleStore();
    expect(s.applyLive(live(5_000), 0)).toBe(true);
    expect(s.applyLive(live(4_000), 1)).toBe(false);
    expect(s.byId.get('v1')?.vehicleClass).toBe('other');
  });

  it('drawn status: alarm > offline after silence > moving/stopped by speed; server status before any live fix', () => {
    const s = new VehicleStore();
    s.load([item({ status: 'offline' })]);
    const v = s.byId.get('v1')!;
    expect(drawnStatus(v, new Set(), 0)).toBe('offline');
    s.applyLive(live(2_000, 40), 10_000);
    expect(drawnStatus(v, new Set(), 10_000)).toBe('moving');
    expect(drawnStatus(v, new Set(['v1']), 10_000)).toBe('alarm');
    expect(drawnStatus(v, new Set(), 10_000 + OFFLINE_AFTER_MS + 1)).toBe('offline');
    s.applyLive(live(3_000, 0), 20_000);
    expect(drawnStatus(v, new Set(), 20_000)).toBe('stopped');
  });
});
