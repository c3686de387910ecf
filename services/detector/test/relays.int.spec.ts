import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import { chinaDateOf, chinaMidnightMs, DAY_MS, HOUR_MS, type VehicleFacts } from '@roadwatch/domain';
import { createLogger } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, RegistryRepository, RelayRepository, type StoragePool } from '@roadwatch/storage';
import { infraEnv, aPosition } from '@roadwatch/testing';
import { startDatabaseRegistry, type DatabaseRegistry } from '../src/directory/database-registry';
import { libsPositionRules } from '../src/rules/libs-position-rules';

const logger = createLogger('detector-relays-test', 'silent');

/**
 * RULES.md §3 end to end at the detector: a long-distance bus on a 420 km route moving from
 * 01:58 to 02:15 breaks the 02:00–05:00 rule unless a relay is registered for that night —
 * registered in PostgreSQL, loaded by the registry the detector reads, reloaded on a change.
 */
describe("接驳运输 relay registrations reach the detector's 02:00–05:00 rule (real PostgreSQL)", () => {
  const schema = `rw_detector_relays_${randomBytes(4).toString('hex')}`;
  let pool: StoragePool;
  let registry: DatabaseRegistry;
  const now = Date.now();
  // Yesterday's night: over whatever the time of day, and the earliest night the detector loads.
  const night = chinaDateOf(now - DAY_MS);
  const twoAm = chinaMidnightMs(now - DAY_MS) + 2 * HOUR_MS;
  const bus: VehicleFacts = { vehicleId: '鄂A80001:1', plate: '鄂A80001', plateColour: 1, vehicleClass: 'long_distance_bus', companyId: 'CR1', routeKm: 420 };

  /** 60 km/h east from 01:58, one report every 30 s, to 02:15 — 15 minutes moving in the window. */
  const drive = (): PositionV1[] =>
    Array.from({ length: 35 }, (_, i) =>
      aPosition({
        vehicleId: bus.vehicleId,
        deviceTimeMs: twoAm - 2 * 60_000 + i * 30_000,
        plate: bus.plate,
        plateColour: 1,
        latitudeDeg: 30.5,
        longitudeDeg: 114.0 + i * 0.0052,
        speedKmh: 60,
      }),
    );
  const nightBanAlerts = (): AlertV1[] => {
    const rules = libsPositionRules({ relays: registry.relays! });
    let state: unknown;
    const alerts: AlertV1[] = [];
    for (const position of drive()) {
      const result = rules.process(bus, state, position, position.receivedAtMs);
      state = result.state;
      alerts.push(...result.alerts);
    }
    return alerts.filter((a) => a.rule === 'night_ban_2_5');
  };

  beforeAll(async () => {
    pool = createPool(infraEnv().databaseUrl, { schema, max: 2 });
    await migrate(pool, { partitioning: 'native' });
    const registryRepository = new RegistryRepository(pool);
    await registryRepository.upsertCompany({ companyId: 'CR1', name: '武汉长途客运' });
    await registryRepository.upsertVehicle(bus);
    registry = await startDatabaseRegistry({ db: pool, intervalMs: 0, logger, vehicles: true, speedZones: false, relays: true });
  });

  afterAll(async () => {
    await registry?.close();
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it('without a relay the night is a violation; with one registered and the lookup reloaded, none', async () => {
    const [violation, ...more] = nightBanAlerts();
    expect(more).toEqual([]);
    expect(violation).toMatchObject({ vehicleId: bus.vehicleId, level: 'violation', details: { nightDate: night } });

    const relays = new RelayRepository(pool);
    await relays.upsert({
      vehicleId: bus.vehicleId,
      nightDate: night,
      relayPoint: '孝感服务区',
      handingOverDriver: 'D-11',
      takingOverDriver: 'D-12',
      registeredBy: 'test',
    });
    // Not before the registry reloads: the detector holds what it loaded.
    expect(registry.relays!(bus.vehicleId, night)).toBeUndefined();
    await registry.reloadRelays();
    expect(registry.relays!(bus.vehicleId, night)).toMatchObject({ vehicleId: bus.vehicleId, nightDate: night, relayPoint: '孝感服务区' });
    expect(nightBanAlerts()).toEqual([]);
  });

  it('loads the nights of the last 31 days (a past night registered for back-filled data), not older; a withdrawn relay is gone after the next reload', async () => {
    const relays = new RelayRepository(pool);
    const weeksAgo = chinaDateOf(now - 21 * DAY_MS);
    const tooOld = chinaDateOf(now - 32 * DAY_MS);
    for (const nightDate of [weeksAgo, tooOld]) {
      await relays.upsert({
        vehicleId: bus.vehicleId,
        nightDate,
        relayPoint: '孝感服务区',
        handingOverDriver: 'D-11',
        takingOverDriver: 'D-12',
        registeredBy: 'test',
      });
    }
    await registry.reload();
    expect(registry.relays!(bus.vehicleId, weeksAgo)).toMatchObject({ nightDate: weeksAgo });
    expect(registry.relays!(bus.vehicleId, tooOld)).toBeUndefined();
    const [registered] = await relays.find({ vehicleId: bus.vehicleId, fromDate: night, toDate: night });
    expect(await relays.delete(registered!.relayId)).toBe(true);
    await registry.reloadRelays();
    expect(registry.relays!(bus.vehicleId, night)).toBeUndefined();
    expect(nightBanAlerts()).toHaveLength(1);
  });
});
