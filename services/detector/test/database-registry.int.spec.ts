import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitAt } from '@roadwatch/rules';
import { createLogger } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, RegistryRepository, RelayRepository, type StoragePool } from '@roadwatch/storage';
import { infraEnv } from '@roadwatch/testing';
import { startDatabaseRegistry } from '../src/directory/database-registry';

const logger = createLogger('database-registry-test', 'silent');

describe("the detector's database registry (real PostgreSQL)", () => {
  const schema = `rw_detector_registry_${randomBytes(4).toString('hex')}`;
  let pool: StoragePool;

  beforeAll(async () => {
    pool = createPool(infraEnv().databaseUrl, { schema, max: 2 });
    await migrate(pool, { partitioning: 'native' });
  });

  afterAll(async () => {
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it("lays the database's speed zones over the GeoJSON file: a segment id in both takes the database's limit, the rest of the file stays", async () => {
    const registry = await startDatabaseRegistry({
      db: pool,
      intervalMs: 0,
      logger,
      vehicles: true,
      speedZones: true,
      roadsFile: 'libs/rules/data/sample-roads.geojson',
    });
    const roads = registry.roads!;
    expect(limitAt(roads(), 39.857, 116.287)).toMatchObject({ segmentId: 'G4-beijing-zhuozhou', postedLimitKmh: 120 });
    // Road works on G4: the administrator lowers the limit under the file's segment id.
    await new RegistryRepository(pool).upsertSpeedZone({
      segmentId: 'G4-beijing-zhuozhou',
      name: 'G4 施工限速',
      roadClass: 'expressway',
      postedLimitKmh: 80,
      polyline: [
        [116.287, 39.857],
        [116.22, 39.78],
      ],
    });
    await registry.reload();
    expect(limitAt(roads(), 39.857, 116.287)).toMatchObject({ segmentId: 'G4-beijing-zhuozhou', postedLimitKmh: 80, name: 'G4 施工限速' });
    // Only the database's polyline is left for that id: the file's southern part of it is unmapped now.
    expect(limitAt(roads(), 39.6, 116.05).segmentId).toBe('unmatched');
    expect(limitAt(roads(), 39.965, 116.36).segmentId).toBe('G6-beijing-changping');
    expect(registry.directory?.size).toBe(0);
    await registry.close();
  });

  it('a zone stored before the contract bounded its size (five points across China) is left out with a warning on every load; the rest loads at once', async () => {
    const warnings: Array<{ segmentId?: string; source?: string; msg: string }> = [];
    const captured = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
    const repository = new RegistryRepository(pool);
    // Straight to the table, as a row written before the bound was (the admin API refuses it now).
    await repository.upsertSpeedZone({
      segmentId: 'legacy-china-wide',
      roadClass: 'urban',
      postedLimitKmh: 30,
      polyline: [
        [73.6, 18.2],
        [134.9, 18.2],
        [134.9, 53.5],
        [73.6, 53.5],
        [73.6, 18.2],
      ],
    });
    await repository.upsertSpeedZone({
      segmentId: 'S-tianhe',
      roadClass: 'urban',
      postedLimitKmh: 50,
      polyline: [
        [113.3, 23.1],
        [113.4, 23.2],
      ],
    });
    const registry = await startDatabaseRegistry({
      db: pool,
      intervalMs: 0,
      logger: captured,
      vehicles: false,
      speedZones: true,
      roadsFile: 'libs/rules/data/sample-roads.geojson',
    });
    const roads = registry.roads!;
    expect(roads().skipped.map((s) => s.segmentId)).toEqual(['legacy-china-wide']);
    expect(limitAt(roads(), 23.15, 113.35)).toMatchObject({ segmentId: 'S-tianhe', postedLimitKmh: 50 });
    expect(limitAt(roads(), 18.2, 100).segmentId).toBe('unmatched');
    expect(limitAt(roads(), 39.92, 116.4).segmentId).toBe('zone-beijing-core-60');
    await registry.reload();
    const ours = warnings.filter((w) => w.segmentId === 'legacy-china-wide');
    expect(ours).toHaveLength(2);
    expect(ours[0]).toMatchObject({
      source: 'road_speed_zones',
      msg: expect.stringMatching(/^road data: legacy-china-wide from road_speed_zones left out of the road index: a speed zone spans at most 5°/),
    });
    await registry.close();
  });

  it('reloads for a batch of registry.changes only what its entities touch: a relay change reloads the relays, not the vehicles', async () => {
    const now = Date.UTC(2025, 5, 16, 4, 0, 0);
    const registry = await startDatabaseRegistry({ db: pool, intervalMs: 0, logger, vehicles: true, speedZones: false, relays: true, now: () => now });
    const repository = new RegistryRepository(pool);
    await repository.upsertCompany({ companyId: 'RF1', name: '接驳测试公司' });
    await repository.upsertVehicle({
      vehicleId: '鄂A10001:1',
      plate: '鄂A10001',
      plateColour: 1,
      vehicleClass: 'long_distance_bus',
      companyId: 'RF1',
      routeKm: 500,
    });
    await new RelayRepository(pool).upsert({
      vehicleId: '鄂A10001:1',
      nightDate: '2025-06-16',
      relayPoint: '孝感',
      handingOverDriver: '张三',
      takingOverDriver: '李四',
      registeredBy: 'test',
    });

    await registry.reloadFor(['relay', 'relay', 'source_site', 'driver']);
    expect(registry.relays?.('鄂A10001:1', '2025-06-16')).toBeDefined();
    // The vehicle written meanwhile waits for a change that names the vehicles.
    expect(registry.directory?.byVehicleId('鄂A10001:1')).toBeUndefined();
    await registry.reloadFor(['company']);
    expect(registry.directory?.byVehicleId('鄂A10001:1')).toMatchObject({ vehicleClass: 'long_distance_bus', companyId: 'RF1' });
    await registry.close();
  });
});
