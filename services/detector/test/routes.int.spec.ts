import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destination } from '@turf/destination';
import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { createLogger } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, RegistryRepository, RouteRepository, type StoragePool } from '@roadwatch/storage';
import { infraEnv, aPosition } from '@roadwatch/testing';
import { startDatabaseRegistry, type DatabaseRegistry } from '../src/directory/database-registry';
import { libsPositionRules } from '../src/rules/libs-position-rules';

const logger = createLogger('detector-routes-test', 'silent');

/**
 * RULES.md §11 at the detector: a bus bound in PostgreSQL to a 班线 leaves its corridor for
 * 5 km; the route set the registry loads gives an off_route alert with its evidence. Before the
 * route is bound (and after it is retired and the lookup reloaded) the same drive raises none.
 */
describe("approved routes reach the detector's off-route rule (real PostgreSQL)", () => {
  const schema = `rw_detector_routes_${randomBytes(4).toString('hex')}`;
  let pool: StoragePool;
  let registry: DatabaseRegistry;
  const startMs = Date.now() - 3_600_000;
  const bus: VehicleFacts = { vehicleId: '京B80001:1', plate: '京B80001', plateColour: 1, vehicleClass: 'long_distance_bus', companyId: 'CR1' };

  /** 72 km/h east along latitude 39.9 for 1 km, then 600 m north of the line for 5 km, one report every 10 s. */
  const drive = (): PositionV1[] =>
    Array.from({ length: 31 }, (_, i) => {
      const [lon0, lat0] = destination([116.31, 39.9], (i * 200) / 1000, 90).geometry.coordinates as [number, number];
      const [lon, lat] = i < 5 ? [lon0, lat0] : (destination([lon0, lat0], 0.6, 0).geometry.coordinates as [number, number]);
      return aPosition({
        vehicleId: bus.vehicleId,
        deviceTimeMs: startMs + i * 10_000,
        plate: bus.plate,
        plateColour: 1,
        latitudeDeg: lat,
        longitudeDeg: lon,
        speedKmh: 72,
      });
    });
  const offRouteAlerts = (): AlertV1[] => {
    const rules = libsPositionRules({ routes: registry.routes! });
    let state: unknown;
    const alerts: AlertV1[] = [];
    for (const position of drive()) {
      const result = rules.process(bus, state, position, position.receivedAtMs);
      state = result.state;
      alerts.push(...result.alerts);
    }
    return alerts.filter((a) => a.rule === 'off_route');
  };

  beforeAll(async () => {
    pool = createPool(infraEnv().databaseUrl, { schema, max: 2 });
    await migrate(pool, { partitioning: 'native' });
    const registryRepository = new RegistryRepository(pool);
    await registryRepository.upsertCompany({ companyId: 'CR1', name: '北京长途客运', regionCode: '110105' });
    await registryRepository.upsertVehicle(bus);
    await new RouteRepository(pool).upsert({
      routeId: 'LINE-1',
      kind: 'scheduled_line',
      name: '京津班线',
      companyId: 'CR1',
      polyline: [
        [116.3, 39.9],
        [116.5, 39.9],
      ],
      corridorWidthM: 200,
      depots: [],
      stops: [],
      source: 'manual',
    });
    registry = await startDatabaseRegistry({ db: pool, intervalMs: 0, logger, vehicles: true, speedZones: false, routes: true });
  });

  afterAll(async () => {
    await registry?.close();
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it('raises nothing before the route is bound; once bound and reloaded, off_route with the route and the stretch; retired, nothing again', async () => {
    expect(offRouteAlerts()).toEqual([]);
    const routes = new RouteRepository(pool);
    await routes.bindVehicles('LINE-1', [bus.vehicleId]);
    expect(registry.routes!()(bus.vehicleId)).toBeUndefined();
    await registry.reloadFor(['route']);
    const alerts = offRouteAlerts();
    expect(alerts[0]).toMatchObject({ rule: 'off_route', revision: 0, vehicleId: bus.vehicleId, companyId: 'CR1', startedAtMs: startMs + 60_000 });
    // The jump to 600 m north in 10 s implies 228 km/h: drift (§6), never judged; the episode starts at the next report.
    expect(alerts[0]?.details).toMatchObject({ routeId: 'LINE-1', routeName: '京津班线', corridorWidthM: 200 });
    const last = alerts[alerts.length - 1]!;
    expect(last.details['offRouteKm']).toBeGreaterThan(4.5);
    expect(last.details['maxOffsetM']).toBeGreaterThan(390);
    expect(last.evidence.positions?.length).toBeGreaterThan(20);
    await routes.retire('LINE-1', Date.now());
    await registry.reloadFor(['route']);
    expect(offRouteAlerts()).toEqual([]);
  });
});
