import { describe, expect, it } from 'vitest';
import { destination } from '@turf/destination';
import type { AlertV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { processPosition } from '../pipeline/vehicle-pipeline';
import type { VehicleRuleState } from '../pipeline/vehicle-state';
import { factsOf, positionAt } from '../testing/track';
import { prepareRoute } from './corridor';
import { DEFAULT_ROUTES_CONFIG } from './routes.config';
import type { RouteLookup } from './route-watch.rule';

const facts = factsOf('long_distance_bus');
const route = prepareRoute({
  routeId: 'L1',
  polyline: [
    [116.3, 39.9],
    [116.417, 39.9],
  ],
  corridorWidthM: 200,
  depots: [],
});
const lookup: RouteLookup = (vehicleId) =>
  vehicleId === facts.vehicleId
    ? { routes: [route], detours: [], lines: [], labelOf: () => ({ name: '京津班线', corridorWidthM: 200 }), config: DEFAULT_ROUTES_CONFIG }
    : undefined;
const NOON = chinaLocalToEpochMs(2026, 12, 6, 12);

/** Report `i`: 201 m east of report i − 1 (72 km/h), `northM` north of the line. */
const at = (i: number, northM: number, over: Partial<Parameters<typeof positionAt>[1]> = {}) => {
  const [lon, lat] = destination(destination([116.33, 39.9], (i * 201) / 1000, 90).geometry.coordinates, northM / 1000, 0).geometry.coordinates as [
    number,
    number,
  ];
  return positionAt(NOON + i * 10_000, { vehicleId: facts.vehicleId, plate: facts.plate, latitudeDeg: lat, longitudeDeg: lon, speedKmh: 72, ...over });
};

const drive = (positions: ReturnType<typeof at>[], routes: RouteLookup | null = lookup) => {
  let state: VehicleRuleState | undefined;
  const alerts: AlertV1[] = [];
  for (const p of positions) {
    const result = processPosition(facts, state, p, undefined, routes ? { routes } : {});
    state = result.state;
    alerts.push(...result.alerts);
  }
  return { state: state!, offRoute: alerts.filter((a) => a.rule === 'off_route') };
};

describe('the routes position rule in the vehicle pipeline', () => {
  const track = [at(0, 0), at(1, 0), ...Array.from({ length: 10 }, (_, i) => at(2 + i, 600))];

  it('raises off_route from the live reports once 1 km is off the corridor, with the route’s name — a drift jump is not judged', () => {
    const { offRoute, state } = drive(track);
    // The jump to 600 m north implies 228 km/h: drift (§6), not judged; the episode starts at the next report.
    expect(offRoute[0]).toMatchObject({ rule: 'off_route', revision: 0, startedAtMs: NOON + 30_000, raisedAtMs: NOON + 80_000 });
    expect(offRoute[0]?.details).toMatchObject({ routeId: 'L1', routeName: '京津班线' });
    expect(state.rules.routes?.episode?.startMs).toBe(NOON + 30_000);
  });

  it('judges only fixed reports: without a fix they are not measured', () => {
    const unfixed = track.map((p, i) => (i >= 2 ? { ...p, gnssFixed: false } : p));
    expect(drive(unfixed).offRoute).toEqual([]);
  });

  it('keeps no state for a vehicle without routes', () => {
    const { offRoute, state } = drive(track, null);
    expect(offRoute).toEqual([]);
    expect(state.rules.routes).toBeNull();
  });
});
