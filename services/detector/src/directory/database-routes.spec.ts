import { describe, expect, it, vi } from 'vitest';
import type { Logger } from '@roadwatch/runtime';
import type { StoredRoute, VehicleRoutes } from '@roadwatch/storage';
import { routeLookupOf } from './database-routes';

const route = (over: Partial<StoredRoute>): StoredRoute => ({
  routeId: 'L1',
  kind: 'scheduled_line',
  name: '京津班线',
  polyline: [
    [116.3, 39.9],
    [116.417, 39.9],
  ],
  corridorWidthM: 200,
  depots: [],
  stops: [
    { name: 'A', lon: 116.3, lat: 39.9 },
    { name: 'B', lon: 116.35, lat: 39.9 },
    { name: 'C', lon: 116.417, lat: 39.9 },
  ],
  source: 'manual',
  vehicleIds: [],
  createdAtMs: 0,
  updatedAtMs: 0,
  ...over,
});

describe('the detector’s route directory', () => {
  it('gives each vehicle its prepared routes, detours and 班线 stops; leaves out, with a warning, a route the rules refuse', () => {
    const warn = vi.fn();
    const bad = route({ routeId: 'BAD', kind: 'charter', polyline: [[116.3, 39.9]], stops: [] });
    const charter = route({ routeId: 'C1', kind: 'charter', stops: [] });
    const byVehicle = new Map<string, VehicleRoutes>([
      [
        'V1',
        {
          vehicleId: 'V1',
          routes: [route({}), bad],
          detours: [{ detourId: 'D', routeId: 'L1', fromMs: 0, toMs: 1, comment: '修路', approvedBy: 'op', createdAtMs: 0 }],
        },
      ],
      ['V2', { vehicleId: 'V2', routes: [charter, bad], detours: [] }],
      ['V3', { vehicleId: 'V3', routes: [bad], detours: [] }],
    ]);
    const lookup = routeLookupOf(byVehicle, undefined, { warn } as unknown as Logger);
    expect(lookup('V1')?.routes.map((r) => r.routeId)).toEqual(['L1']);
    expect(lookup('V1')?.lines.map((l) => l.stops.map((s) => s.name))).toEqual([['A', 'B', 'C']]);
    expect(lookup('V1')?.detours).toHaveLength(1);
    expect(lookup('V1')?.labelOf('L1')).toEqual({ name: '京津班线', corridorWidthM: 200 });
    expect(lookup('V2')?.lines).toEqual([]);
    expect(lookup('V3')).toBeUndefined();
    expect(lookup('V9')).toBeUndefined();
    // Prepared and refused once, however many vehicles it binds.
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[1])).toMatch(/BAD left out: .*at least 2 points/);
  });
});
