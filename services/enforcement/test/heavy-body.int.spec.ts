import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type WimMeasurementV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, RegistryRepository, TargetingRepository, WimRepository, type StoragePool } from '@roadwatch/storage';
import { aWimRecord, infraEnv, uniqueName } from '@roadwatch/testing';
import { heavyBodyPart, startEnforcement, type RunningEnforcement } from '../src/index';

const env = infraEnv();
const logger = createLogger('enforcement-heavy-body-test', process.env['LOG_LEVEL'] ?? 'warn');
const DAY = 24 * 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);
// Every record under one key: one partition, judged in publish order, so the last one found proves the earlier were judged.
const KEY = 'heavy-body-test';

// Class 5 % (the factory's): 22,000 kg measured → 20,900 kg confirmed, exactly 10 % above a 19,000 kg curb mass.
const weighing = (plate: string, recordId: string, measuredAtMs: number, grossKg: number): WimMeasurementV1 =>
  aWimRecord({ stationId: 'ST-G4-01', stationRecordId: recordId, plate, plateColour: 2, measuredAtMs, grossKg, axleCount: 3 });

interface Evidence {
  emptyKg: number;
  curbKg: number;
  excessPct: number;
  emptyWeighingId: string;
  weighings: Array<{ weighingId: string }>;
}

/** 大吨小标 on real Kafka and PostgreSQL (RULES.md §14, §15): the lowest confirmed gross of 90 days against the curb mass. */
describe('enforcement 大吨小标 part: weighings of 90 days against the registry’s curb masses', () => {
  const name = uniqueName('heavy_body');
  const schema = name.replace(/[^a-z0-9_]/g, '_');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'heavy-body-test', topicPrefix: `${name}.`, logger });
  let pool: StoragePool;
  let enforcement: RunningEnforcement;
  let targeting: TargetingRepository;
  const publish = (records: WimMeasurementV1[]) =>
    bus.publish(
      TOPICS.wimMeasurements,
      records.map((value) => ({ key: KEY, value })),
    );
  const leadsOf = async (vehicleId: string) => (await targeting.ofVehicle(vehicleId)).filter((l) => l.kind === 'heavy_body');

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'heavy-body-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某运输公司', regionCode: '130102' });
    const truck = { plateColour: 2, vehicleClass: 'heavy_truck' as const, companyId: 'HB1', axleCount: 3 };
    await registry.upsertVehicle({ ...truck, vehicleId: '冀C10001:2', plate: '冀C10001', curbMassKg: 19_000 });
    await registry.upsertVehicle({ ...truck, vehicleId: '冀C20002:2', plate: '冀C20002', curbMassKg: 19_000 });
    // A combination without its trailer's curb mass cannot be assessed.
    await registry.upsertVehicle({ ...truck, vehicleId: '冀C30003:2', plate: '冀C30003', curbMassKg: 9_000, isCombination: true });
    // No curb mass at all.
    await registry.upsertVehicle({ ...truck, vehicleId: '冀C40004:2', plate: '冀C40004' });
    await registry.upsertWimStation({ stationId: 'ST-G4-01', name: 'G4石家庄北治超站', regionCode: '130105', latitudeDeg: 38, longitudeDeg: 114.5 });
    // What the archiver stored before: A's exactly-10 % weighing; B's light one 95 days back (out of the window) and one 20 days back.
    await new WimRepository(pool).insertMany([
      weighing('冀C10001', 'A-old', T0 - 10 * DAY, 22_000),
      weighing('冀C20002', 'B-95d', T0 - 95 * DAY, 20_000),
      weighing('冀C20002', 'B-20d', T0 - 20 * DAY, 23_000),
    ]);
    targeting = new TargetingRepository(pool);
    await bus.ensureTopics([{ topic: TOPICS.wimMeasurements, partitions: 3 }]);
    enforcement = await startEnforcement({
      bus,
      pool,
      logger,
      metrics: new ServiceMetrics('heavy-body-test', { defaultMetrics: false }),
      parts: [heavyBodyPart({ groupId: `${name}-heavy-body` })],
    });
    await publish([
      weighing('冀C10001', 'A-1', T0, 50_000),
      weighing('冀C30003', 'C-1', T0, 12_000),
      weighing('冀C40004', 'D-1', T0, 8_000),
      weighing('冀C20002', 'B-1', T0, 45_000),
      // Lighter than before: the open lead is rewritten with it, not doubled.
      weighing('冀C20002', 'B-2', T0 + DAY, 22_500),
      // Redelivered: changes nothing.
      weighing('冀C20002', 'B-2', T0 + DAY, 22_500),
    ]);
    await vi.waitFor(async () => expect((await leadsOf('冀C20002:2'))[0]?.evidence['emptyWeighingId']).toBe('ST-G4-01/B-2'), {
      timeout: 30_000,
      interval: 200,
    });
  }, 60_000);

  afterAll(async () => {
    await enforcement?.close();
    await bus.close();
    if (pool) await dropStorageSchema(pool, schema);
    await pool?.end();
  });

  it('exactly 10 % above the curb mass, a combination without its trailer’s curb mass, no curb mass → no lead', async () => {
    expect(await leadsOf('冀C10001:2')).toEqual([]);
    expect(await leadsOf('冀C30003:2')).toEqual([]);
    expect(await leadsOf('冀C40004:2')).toEqual([]);
  });

  it('above 10 % → one open heavy_body lead, rewritten with the weighings behind it (the 95-day-old one left out)', async () => {
    const leads = await leadsOf('冀C20002:2');
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ kind: 'heavy_body', plate: '冀C20002', status: 'open', regionCode: '130102', occurredAtMs: T0 });
    const evidence = leads[0]?.evidence as unknown as Evidence;
    // 22,500 − 5 % = 21,375 kg against 19,000 kg: 12.5 %.
    expect(evidence).toMatchObject({ emptyKg: 21_375, curbKg: 19_000, emptyWeighingId: 'ST-G4-01/B-2' });
    expect(evidence.excessPct).toBeCloseTo(12.5, 6);
    expect(evidence.weighings.map((w) => w.weighingId)).toEqual(['ST-G4-01/B-20d', 'ST-G4-01/B-1', 'ST-G4-01/B-2']);
  });

  it('once an officer has closed the lead, a later suspicion opens a new one', async () => {
    const [first] = await leadsOf('冀C20002:2');
    await pool.query(`UPDATE targeting_alerts SET status = 'dismissed' WHERE targeting_id = $1`, [first?.targetingId]);
    await publish([weighing('冀C20002', 'B-3', T0 + 2 * DAY, 40_000)]);
    await vi.waitFor(async () => expect(await leadsOf('冀C20002:2')).toHaveLength(2), { timeout: 30_000, interval: 200 });
    const leads = await leadsOf('冀C20002:2');
    expect(leads.map((l) => l.status).sort()).toEqual(['dismissed', 'open']);
    expect(leads.find((l) => l.status === 'open')?.targetingId).toBe('heavy_body:冀C20002:2:ST-G4-01/B-3');
  });
});
