import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitAt } from '@roadwatch/rules';
import { createLogger } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, RegistryRepository, type StoragePool } from '@roadwatch/storage';
import { infraEnv } from '@roadwatch/testing';
import { startDatabaseRegistry } from '../src/directory/database-registry';

const logger = createLogger('database-registry-test', 'silent');

describe('the detector\'s database registry (real PostgreSQL)', () => {
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

  it('lays the database\'s speed zones over the GeoJSON file: a segment id in both takes the database\'s limit, the rest of the file stays', async () => {
    const registry = await startDatabaseRegistry({ db: pool, intervalMs: 0, logger, vehicles: true, speedZones: true, roadsFile: 'libs/rules/data/sample-roads.geojson' });
    const roads = registry.roads!;
    expect(limitAt(roads(), 39.857, 116.287)).toMatchObject({ segmentId: 'G4-beijing-zhuozhou', postedLimitKmh: 120 });
    // Road works on G4: the administrator lowers the limit under the file's segment id.
    await new RegistryRepository(pool).upsertSpeedZone({ segmentId: 'G4-beijing-zhuozhou', name: 'G4 施工限速', roadClass: 'expressway', postedLimitKmh: 80, polyline: [[116.287, 39.857], [116.22, 39.78]] });
    await registry.reload();
    expect(limitAt(roads(), 39.857, 116.287)).toMatchObject({ segmentId: 'G4-beijing-zhuozhou', postedLimitKmh: 80, name: 'G4 施工限速' });
    // Only the database's polyline is left for that id: the file's southern part of it is unmapped now.
    expect(limitAt(roads(), 39.6, 116.05).segmentId).toBe('unmatched');
    expect(limitAt(roads(), 39.965, 116.36).segmentId).toBe('G6-beijing-changping');
    expect(registry.directory?.size).toBe(0);
    await registry.close();
  });
});
