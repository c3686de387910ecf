import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropStorageSchema, migrate } from './migrate';
import { PermitCheckRepository } from './permit-check.repository';
import { createPool, type StoragePool } from './pool';
import { RegistryRepository } from './registry.repository';
import { RouteRepository, type RouteRecord } from './route.repository';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';

const permit = (routeId: string, over: Partial<RouteRecord> = {}): RouteRecord => ({
  routeId,
  kind: 'oversize_permit',
  name: `大件许可 "${routeId}" \\ 甲`,
  referenceNo: `粤大件-${routeId}`,
  companyId: 'C1',
  polyline: [
    [113.3, 23.1],
    [113.4, 23.12],
  ],
  corridorWidthM: 250,
  depots: [{ kind: 'circle', centre: { latitudeDeg: 23.1, longitudeDeg: 113.3 }, radiusM: 800 }],
  stops: [],
  validFrom: '2026-12-01',
  validTo: '2026-12-31',
  allowedHours: [{ from: '22:00', to: '05:00' }],
  declared: { grossKg: 98_000, axles: 6, heightMm: 4_300 },
  source: 'manual',
  createdBy: 'op-gz',
  ...over,
});

/**
 * The permit checks read their permits through the one reader of a route row
 * (`RouteRepository`'s columns and mapping): a permit is exactly the route its administrator
 * stored — depots and all — and the checks' own filters hold (kind, not retired, the vehicle
 * bound, the caller's scope).
 */
describe('PermitCheckRepository reads permits as RouteRepository maps routes (PostgreSQL)', () => {
  const schema = `rw_permit_reader_${randomBytes(4).toString('hex')}`;
  let pool: StoragePool;
  let routes: RouteRepository;
  let checks: PermitCheckRepository;

  beforeAll(async () => {
    pool = createPool(DATABASE_URL, { schema, max: 2 });
    await migrate(pool, { partitioning: 'native' });
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'C1', name: '广州大件运输', regionCode: '440106' });
    await registry.upsertCompany({ companyId: 'C2', name: '深圳大件运输', regionCode: '440305' });
    for (const [vehicleId, companyId] of [
      ['V1', 'C1'],
      ['V2', 'C2'],
    ] as const)
      await registry.upsertVehicle({ vehicleId, plate: `粤A${vehicleId}`, plateColour: 2, vehicleClass: 'heavy_truck', companyId });
    routes = new RouteRepository(pool);
    checks = new PermitCheckRepository(pool);
    await routes.upsert(permit('P1'));
    // Open-ended, no hours, no figures, no reference: absent stays absent.
    await routes.upsert(
      permit('P2', { referenceNo: undefined, validFrom: undefined, validTo: undefined, allowedHours: undefined, declared: undefined, depots: [] }),
    );
    await routes.upsert(permit('RETIRED'));
    await routes.upsert(permit('LINE', { kind: 'scheduled_line' }));
    await routes.upsert(permit('OTHER', { companyId: 'C2' }));
    for (const id of ['P1', 'P2', 'RETIRED', 'LINE']) await routes.bindVehicles(id, ['V1']);
    await routes.bindVehicles('OTHER', ['V2']);
    await routes.retire('RETIRED', Date.UTC(2026, 11, 6));
  });

  afterAll(async () => {
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it("a vehicle's permits are the routes as stored (one mapping), retired ones and other kinds left out", async () => {
    const found = await checks.permitsOf('V1');
    expect(found.map((p) => p.routeId)).toEqual(['P1', 'P2']);
    expect(found[0]).toEqual(await routes.get('P1'));
    expect(found[1]).toEqual(await routes.get('P2'));
    expect(found[0]).toMatchObject({ depots: [{ kind: 'circle', radiusM: 800 }], allowedHours: [{ from: '22:00', to: '05:00' }], vehicleIds: ['V1'] });
    expect(found[1]).not.toHaveProperty('validFrom');
    expect(found[1]).not.toHaveProperty('referenceNo');
    expect(await checks.permitsOf('V2')).toEqual([await routes.get('OTHER')]);
    expect(await checks.permitsOf('NOBODY')).toEqual([]);
  });

  it('one permit in scope: retired still readable, another company’s or another kind not found', async () => {
    expect(await checks.permitInScope('RETIRED', { companyId: 'C1' })).toEqual(await routes.get('RETIRED'));
    expect((await checks.permitInScope('RETIRED', {}))?.retiredAtMs).toBe(Date.UTC(2026, 11, 6));
    expect(await checks.permitInScope('P1', { regionPrefix: '4401' })).toEqual(await routes.get('P1'));
    expect(await checks.permitInScope('P1', { companyId: 'C2' })).toBeUndefined();
    expect(await checks.permitInScope('P1', { regionPrefix: '4403' })).toBeUndefined();
    expect(await checks.permitInScope('LINE', {})).toBeUndefined();
    expect((await checks.vehiclesWithPermits()).map((v) => v.vehicleId)).toEqual(['V1', 'V2']);
  });
});
