import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompanyDto, VehicleDto } from '@roadwatch/contracts';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { seedRegistry } from '../src/registry/seed-registry';
import { RegistryCommandError } from '../src/registry/registry-command.error';
import { dropSchema, seededPool } from './support';

/**
 * Issue #12, one writer per table: the embedded default's demo registry is written through the
 * registry's own seed use case (the API's), not by the standalone host with repository calls of
 * its own. Seeding is checked like an admin's write, audited, announced on registry.changes,
 * and a re-run over the same data writes nothing.
 */
describe('seeding the registry through its use case (real PostgreSQL)', () => {
  const schema = uniqueName('seed_registry').replace(/[^a-z0-9_]/g, '_');
  let pool: StoragePool;
  const by = { actor: 'system:seed-test' };
  const companies: CompanyDto[] = [{ companyId: 'SEED-C1', name: '种子运输公司', regionCode: '130600' }];
  const vehicles: VehicleDto[] = [
    { vehicleId: 'SEED-V1', plate: '冀F10001', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'SEED-C1', axleCount: 6, terminalId: '013800009001' },
    { vehicleId: 'SEED-V2', plate: '冀F10002', plateColour: 2, vehicleClass: 'hazmat', companyId: 'SEED-C1', terminalId: '013800009002' },
  ];
  const count = async (sql: string): Promise<number> => Number((await pool.query(sql)).rows[0].n);
  const outboxRows = () => count(`SELECT count(*) AS n FROM outbox`);
  const auditRows = () => count(`SELECT count(*) AS n FROM audit_log WHERE actor = 'system:seed-test'`);

  beforeAll(async () => {
    pool = await seededPool(schema);
  }, 60_000);
  afterAll(async () => {
    await dropSchema(pool, schema);
  });

  it('creates the records, their audit entries and registry.changes events, terminals bound', async () => {
    const counts = await seedRegistry(pool, { by, companies, vehicles });
    expect(counts).toEqual({ created: 3, updated: 0, unchanged: 0 });
    // Company, two vehicles and the two terminals they bind.
    expect(await outboxRows()).toBe(5);
    expect(await auditRows()).toBe(3);
    const bound = await pool.query(`SELECT terminal_id, vehicle_id FROM terminals WHERE terminal_id LIKE '0138000090%' ORDER BY terminal_id`);
    expect(bound.rows).toEqual([
      { terminal_id: '013800009001', vehicle_id: 'SEED-V1' },
      { terminal_id: '013800009002', vehicle_id: 'SEED-V2' },
    ]);
  });

  it('writes nothing when re-run over the same data', async () => {
    const [outbox, audit] = [await outboxRows(), await auditRows()];
    expect(await seedRegistry(pool, { by, companies, vehicles })).toEqual({ created: 0, updated: 0, unchanged: 3 });
    expect(await outboxRows()).toBe(outbox);
    expect(await auditRows()).toBe(audit);
  });

  it('updates what changed: a fact, and a terminal re-bound to another vehicle', async () => {
    const changed = [
      { ...vehicles[0]!, axleCount: 5 },
      { ...vehicles[1]!, terminalId: '013800009003' },
    ];
    expect(await seedRegistry(pool, { by, companies, vehicles: changed })).toEqual({ created: 0, updated: 2, unchanged: 1 });
    const axles = await pool.query(`SELECT axle_count FROM vehicles WHERE vehicle_id = 'SEED-V1'`);
    expect(axles.rows[0].axle_count).toBe(5);
    const bound = await pool.query(`SELECT vehicle_id FROM terminals WHERE terminal_id = '013800009003'`);
    expect(bound.rows[0].vehicle_id).toBe('SEED-V2');
  });

  it('refuses a record its schema refuses, naming it, and writes nothing of the seed', async () => {
    const [outbox, audit] = [await outboxRows(), await auditRows()];
    const bad = [
      { ...vehicles[0]!, vehicleId: 'SEED-V9', plate: '冀F19999', terminalId: undefined },
      { ...vehicles[1]!, vehicleId: 'SEED-V10', plate: '冀F1\u00000' },
    ];
    const refusal = await seedRegistry(pool, { by, companies: [{ companyId: 'SEED-C2', name: '另一公司', regionCode: '130600' }], vehicles: bad }).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(RegistryCommandError);
    expect((refusal as RegistryCommandError).issue?.field).toBe('vehicles[1].plate');
    expect(await count(`SELECT count(*) AS n FROM companies WHERE company_id = 'SEED-C2'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM vehicles WHERE vehicle_id = 'SEED-V9'`)).toBe(0);
    expect(await outboxRows()).toBe(outbox);
    expect(await auditRows()).toBe(audit);
  });

  it('refuses a vehicle naming a company that is not there', async () => {
    const orphan = { ...vehicles[0]!, vehicleId: 'SEED-V11', plate: '冀F11111', companyId: 'NOPE', terminalId: undefined };
    const refusal = await seedRegistry(pool, { by, vehicles: [orphan] }).catch((error: unknown) => error);
    expect((refusal as RegistryCommandError).issue?.field).toBe('body.companyId');
  });

  it('seeds drivers (the 从业资格证 number an IC card carries names one), after the company they drive for; a bad one is named', async () => {
    const drivers = [{ driverId: 'SEED-D1', name: '张建国', companyId: 'SEED-C1', qualificationNo: '130600198001010011' }];
    expect(await seedRegistry(pool, { by, companies, drivers })).toEqual({ created: 1, updated: 0, unchanged: 1 });
    const stored = await pool.query(`SELECT driver_id, name, company_id, qualification_no FROM drivers WHERE driver_id = 'SEED-D1'`);
    expect(stored.rows).toEqual([{ driver_id: 'SEED-D1', name: '张建国', company_id: 'SEED-C1', qualification_no: '130600198001010011' }]);
    expect(await seedRegistry(pool, { by, drivers })).toEqual({ created: 0, updated: 0, unchanged: 1 });
    // An ID-card number of 17 characters: refused with its path, nothing written.
    await expect(seedRegistry(pool, { by, drivers: [{ driverId: 'SEED-D2', name: '李卫东', idCardNo: '13060019850202002' }] })).rejects.toThrow(
      /drivers\[0\]\.idCardNo/,
    );
    expect(await count(`SELECT count(*) AS n FROM drivers WHERE driver_id = 'SEED-D2'`)).toBe(0);
  });

  it('seeds the exit scale of a source site (site_exit, linked to its site) and an entrance scale (issue #15); a re-run writes nothing', async () => {
    const sourceSites = [{ sourceSiteId: 'SEED-S1', name: '种子石料厂', companyId: 'SEED-C1', latitudeDeg: 39.645, longitudeDeg: 116.045 }];
    const wimStations = [
      { stationId: 'SEED-EXIT', name: '出场地磅', kind: 'site_exit' as const, sourceSiteId: 'SEED-S1', latitudeDeg: 39.6465, longitudeDeg: 116.0475 },
      { stationId: 'SEED-ENTRY', name: '入口称重', kind: 'entrance' as const },
    ];
    expect(await seedRegistry(pool, { by, companies, wimStations, sourceSites })).toEqual({ created: 3, updated: 0, unchanged: 1 });
    const stored = await pool.query(`SELECT station_id, kind, source_site_id FROM wim_stations WHERE station_id LIKE 'SEED-%' ORDER BY station_id`);
    expect(stored.rows).toEqual([
      { station_id: 'SEED-ENTRY', kind: 'entrance', source_site_id: null },
      { station_id: 'SEED-EXIT', kind: 'site_exit', source_site_id: 'SEED-S1' },
    ]);
    expect(await seedRegistry(pool, { by, wimStations, sourceSites })).toEqual({ created: 0, updated: 0, unchanged: 3 });
    // A kind no station has is refused with its path.
    await expect(seedRegistry(pool, { by, wimStations: [{ stationId: 'SEED-X', name: 'x', kind: 'toll' as never }] })).rejects.toThrow(
      /wimStations\[0\]\.kind/,
    );
  });
});
