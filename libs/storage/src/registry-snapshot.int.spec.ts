import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRoadIndex, DEFAULT_RULES_CONFIG, limitAt } from '@roadwatch/rules';
import { dropStorageSchema, migrate } from './migrate';
import { createPool, type StoragePool } from './pool';
import { RegistryRepository } from './registry.repository';
import { loadSpeedZoneFeatures, loadVehicleRegistrations, loadVehicleRegistry } from './registry-snapshot';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';

describe('registry snapshot and administration reads on PostgreSQL', () => {
  const schema = `rw_registry_${randomBytes(4).toString('hex')}`;
  let pool: StoragePool;
  let registry: RegistryRepository;

  beforeAll(async () => {
    pool = createPool(DATABASE_URL, { schema, max: 2 });
    await migrate(pool, { partitioning: 'native' });
    registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'C1', name: '天津货运', regionCode: '120101' });
    await registry.upsertVehicle({
      vehicleId: 'V1',
      plate: '津A00001',
      plateColour: 2,
      vehicleClass: 'hazmat',
      companyId: 'C1',
      ownerName: '张三',
      axleCount: 3,
    });
    await registry.upsertVehicle({ vehicleId: 'V2', plate: '津A00002', plateColour: 2, vehicleClass: 'heavy_truck', regionCode: '120102' });
    await registry.upsertTerminal({ terminalId: '13800000001', vehicleId: 'V1', authCode: 'code-1' });
    await registry.upsertTerminal({ terminalId: '013800000002', vehicleId: 'V1' });
    await registry.upsertSpeedZone({
      segmentId: 'Z1',
      name: '南京路',
      roadClass: 'urban',
      postedLimitKmh: 50,
      polyline: [
        [117.18, 39.12],
        [117.22, 39.13],
      ],
    });
  });

  afterAll(async () => {
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it("reads every vehicle once per terminal, its region else its company's, without the registry-only columns", async () => {
    const registrations = await loadVehicleRegistrations(pool);
    expect(registrations.map((r) => [r.facts.vehicleId, r.terminalId])).toEqual([
      ['V1', '013800000002'],
      ['V1', '13800000001'],
      ['V2', undefined],
    ]);
    expect(registrations[0]?.facts).toEqual({
      vehicleId: 'V1',
      plate: '津A00001',
      plateColour: 2,
      vehicleClass: 'hazmat',
      companyId: 'C1',
      regionCode: '120101',
      axleCount: 3,
    });
    const loaded = await loadVehicleRegistry(pool);
    expect(loaded.byTerminal('13800000002')?.vehicleId).toBe('V1');
    expect(loaded.byVehicleId('V2')?.regionCode).toBe('120102');
  });

  it("reads the speed zones as the road index's GeoJSON, with the bbox stored from the polyline", async () => {
    const index = buildRoadIndex(await loadSpeedZoneFeatures(pool), DEFAULT_RULES_CONFIG.roads);
    expect(limitAt(index, 39.125, 117.2)).toEqual({ segmentId: 'Z1', name: '南京路', roadClass: 'urban', postedLimitKmh: 50 });
    expect((await registry.speedZone('Z1'))?.bbox).toEqual({ minLatitudeDeg: 39.12, minLongitudeDeg: 117.18, maxLatitudeDeg: 39.13, maxLongitudeDeg: 117.22 });
  });

  it('pages, filters and deletes registry rows', async () => {
    expect((await registry.terminals({ vehicleId: 'V1' }, { limit: 1, offset: 1 })).map((t) => t.terminalId)).toEqual(['13800000001']);
    expect(await registry.terminal('13800000001')).toMatchObject({ authCode: 'code-1', vehicleId: 'V1' });
    expect(await registry.delete('terminals', '13800000001')).toBe(true);
    expect(await registry.delete('terminals', '13800000001')).toBe(false);
    expect(await registry.speedZones({ roadClass: 'expressway' }, { limit: 10, offset: 0 })).toEqual([]);
  });
});
