import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type CaseEventV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { CaseRepository, createPool, dropStorageSchema, migrate, RegistryRepository, type StoragePool, type VehicleRecord } from '@roadwatch/storage';
import { infraEnv, overloadViolationOf, uniqueName } from '@roadwatch/testing';
import { caseIdOf, startCases, UNIDENTIFIED, type RunningCases } from '../src/index';

const env = infraEnv();
const logger = createLogger('cases-test', process.env['LOG_LEVEL'] ?? 'warn');
const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 16, 2, 0, 0); // 2025-06-16 10:00 GMT+8, a Monday

describe('cases on real Kafka and real PostgreSQL: 一超四罚', () => {
  const name = uniqueName('cases');
  const schema = name.replace(/[^a-z0-9_]/g, '_');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'cases-test', topicPrefix: `${name}.`, logger });
  let pool: StoragePool;
  let cases: RunningCases;
  let repo: CaseRepository;
  const published: CaseEventV1[] = [];
  const truck: VehicleRecord = {
    vehicleId: '冀A88888:2',
    plate: '冀A88888',
    plateColour: 2,
    vehicleClass: 'heavy_truck',
    companyId: 'HB1',
    regionCode: '130102',
    axleCount: 6,
    isCombination: true,
    ownerName: '石家庄某物流',
    transportCertNo: '冀交运管130102000001',
  };
  const other: VehicleRecord = {
    vehicleId: '冀A77777:2',
    plate: '冀A77777',
    plateColour: 2,
    vehicleClass: 'heavy_truck',
    companyId: 'HB1',
    regionCode: '130102',
    axleCount: 6,
    isCombination: true,
  };

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'cases-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某运输有限公司', regionCode: '130102', licenceNo: '冀交运管许可130102' });
    await registry.upsertCompany({ companyId: 'SRC1', name: '某砂石料场有限公司', kind: 'source_unit' });
    await registry.upsertVehicle(truck);
    await registry.upsertVehicle(other);
    // The rest of HB1's fleet (22 in all): one or two violating trucks stay under the 10% line.
    for (let i = 0; i < 20; i += 1)
      await registry.upsertVehicle({ ...other, vehicleId: `冀A1${String(i).padStart(4, '0')}:2`, plate: `冀A1${String(i).padStart(4, '0')}` });
    await registry.upsertSourceSite({ sourceSiteId: 'SITE1', name: '某砂石料场 装载点', companyId: 'SRC1' });
    await registry.upsertWimStation({ stationId: 'ST-SRC', name: '料场出口 WIM', kind: 'source', accuracyClassPct: 5 });
    repo = new CaseRepository(pool);
    await bus.ensureTopics([TOPICS.overloadViolations, TOPICS.caseEvents].map((topic) => ({ topic, partitions: 3 })));
    await bus.subscribe({
      groupId: `${name}-observer`,
      topics: [TOPICS.caseEvents],
      fromBeginning: true,
      handleBatch: async (batch) => {
        for (const m of batch.messages) published.push(m.value);
      },
    });
    cases = await startCases({
      bus,
      pool,
      logger,
      metrics: new ServiceMetrics('cases-test', { defaultMetrics: false }),
      groupId: `${name}-cases`,
      stationSourceSites: { 'ST-SRC': 'SITE1' },
      now: () => NOW,
    });
  });

  afterAll(async () => {
    await cases?.close();
    await bus.close();
    if (pool) {
      await dropStorageSchema(pool, schema);
      await pool.end();
    }
  });

  it("a 101 t pass opens one case with four parties and RULES.md's penalties; 百吨王 is flagged for review; a redelivery opens no second case", async () => {
    // RULES.md §8: 6 axles → 49,000 kg; class 5 → error 5,050 kg; confirmed 95,950 kg; excess 46,950 kg
    // → 47 started tonnes × ¥500 = ¥23,500; driver ratio on the limit 95.8% ≥ 50% → 6 points, > 30% → ¥500–2,000.
    const v = overloadViolationOf({ stationId: 'ST-SRC', recordId: 'r1', plate: truck.plate, measuredAtMs: NOW - DAY, grossKg: 101_000, vehicle: truck });
    expect(v.confirmedGrossKg).toBe(95_950);
    expect(v.excessKg).toBe(46_950);
    await bus.publish(TOPICS.overloadViolations, [{ key: v.measurement.plate, value: v }]);
    const caseId = caseIdOf(v.violationId);
    await vi.waitUntil(async () => (await repo.get(caseId))?.penalties.length === 4, { timeout: 30_000, interval: 100 });
    const c = (await repo.get(caseId))!;
    expect(c).toMatchObject({ status: 'opened', vehicleId: truck.vehicleId, companyId: 'HB1', plate: truck.plate });

    const party = Object.fromEntries(c.parties.map((p) => [p.party, p]));
    expect(party['driver']).toMatchObject({ name: UNIDENTIFIED, details: expect.objectContaining({ identified: false }) });
    expect(party['driver']!.partyRef).toBeUndefined();
    expect(party['vehicle_owner']).toMatchObject({ partyRef: truck.vehicleId, name: '石家庄某物流', licenceNo: '冀交运管130102000001' });
    expect(party['transport_company']).toMatchObject({ partyRef: 'HB1', name: '河北某运输有限公司', licenceNo: '冀交运管许可130102' });
    expect(party['source_unit']).toMatchObject({ partyRef: 'SITE1', name: '某砂石料场有限公司', details: expect.objectContaining({ identified: true }) });

    const penalty = Object.fromEntries(c.penalties.map((p) => [p.party, p]));
    expect(penalty['vehicle_owner']).toMatchObject({ status: 'proposed', fineYuan: 23_500, warning: false, measures: [] });
    expect(penalty['vehicle_owner']!.basis).toContain('超限规定 第43条');
    expect(penalty['vehicle_owner']!.basis).toContain('47 × 1000 kg');
    expect(penalty['driver']).toMatchObject({ points: 6 });
    expect(penalty['driver']!.fineYuan).toBeUndefined();
    expect(penalty['transport_company']!.measures).toEqual(['抄告']);

    const events = c.events;
    expect(events.map((e) => e.type)).toEqual(['opened', ...Array(4).fill('party_named'), ...Array(4).fill('penalty_proposed')]);
    const opened = events[0]!.details;
    expect(opened).toMatchObject({ isBaiDunWang: true, flaggedForReview: true, blacklistCandidates: [] });
    expect((opened['reviewRecommendations'] as { reason: string }[])[0]!.reason).toContain('百吨王');
    const driverProposal = events.find((e) => e.type === 'penalty_proposed' && e.party === 'driver')!.details;
    expect(driverProposal).toMatchObject({ points: 6, minYuan: 500, maxYuan: 2_000 });
    // The record keeps both languages: Chinese shown by default, the English beside it.
    expect(driverProposal['basis']).toMatch(/记6分（记分办法），罚款¥500–2000（道交法 第92条）；罚款由执法人员在幅度内决定/);
    expect(driverProposal['basisEn']).toMatch(/6 points \(记分办法\), fine ¥500–2000 \(道交法 第92条\); fine decided by the officer within the range/);
    const ownerProposal = events.find((e) => e.type === 'penalty_proposed' && e.party === 'vehicle_owner')!.details;
    expect(ownerProposal['basisEn']).toContain('47 started × 1000 kg');

    await vi.waitUntil(() => published.filter((e) => e.caseId === caseId).length === 9, { timeout: 30_000, interval: 100 });

    // Redelivery: the same violation again (as after a crash before the commit).
    await bus.publish(TOPICS.overloadViolations, [{ key: v.measurement.plate, value: v }]);
    await vi.waitUntil(() => published.filter((e) => e.caseId === caseId).length === 18, { timeout: 30_000, interval: 100 });
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM cases WHERE violation_id = $1`, [v.violationId]);
    expect(rows[0].n).toBe(1);
    // The violation itself is stored once, by the case lifecycle alone (the archiver leaves it).
    const stored = await pool.query(
      `SELECT violation_id, measurement_id, is_bai_dun_wang, measurement->>'plate' AS plate FROM overload_violations WHERE violation_id = $1`,
      [v.violationId],
    );
    expect(stored.rows).toEqual([{ violation_id: v.violationId, measurement_id: v.measurement.measurementId, is_bai_dun_wang: true, plate: truck.plate }]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1`, [caseId])).rows[0].n).toBe(9);
    const again = published.filter((e) => e.caseId === caseId);
    expect(
      again
        .slice(9)
        .map((e) => e.eventId)
        .sort(),
    ).toEqual(
      again
        .slice(0, 9)
        .map((e) => e.eventId)
        .sort(),
    );
  });

  it('the 3rd violation of a vehicle in 12 months carries no 营运证 revocation; the 4th does, and lists the vehicle', async () => {
    // Four passes of the second truck: 54,000 kg on a class-5 scale → confirmed 51,300 kg, excess 2,300 kg → 3 started t → ¥1,500.
    const passes = [300, 200, 100, 10].map((daysAgo, i) =>
      overloadViolationOf({ stationId: 'ST-X', recordId: `o${i}`, plate: other.plate, measuredAtMs: NOW - daysAgo * DAY, grossKg: 54_000, vehicle: other }),
    );
    // One at a time, in order: the history of each is the cases before it.
    for (const v of passes) {
      await bus.publish(TOPICS.overloadViolations, [{ key: v.measurement.plate, value: v }]);
      await vi.waitUntil(async () => (await repo.get(caseIdOf(v.violationId)))?.penalties.length === 4, { timeout: 30_000, interval: 100 });
    }
    const owner = async (i: number) => (await repo.get(caseIdOf(passes[i]!.violationId)))!;
    const third = await owner(2);
    const fourth = await owner(3);
    const ownerPenalty = (c: typeof third) => c.penalties.find((p) => p.party === 'vehicle_owner')!;
    expect(ownerPenalty(third)).toMatchObject({ fineYuan: 1_500, measures: [] });
    expect(ownerPenalty(fourth).measures).toEqual(['吊销车辆营运证：12个月内违法超限4次（超过3次）']);
    expect(fourth.events.find((e) => e.type === 'penalty_proposed' && e.party === 'vehicle_owner')!.details['consequenceEn']).toBe(
      'revoke the 车辆营运证 (vehicle operating certificate): 4 超限 violations in 12 months (more than 3)',
    );
    expect(fourth.events[0]!.details['blacklistCandidates']).toEqual([expect.objectContaining({ party: 'vehicle_owner', partyId: other.vehicleId })]);
    // One violating truck of 22 is under the 10% line: the company is notified (抄告) only.
    expect(fourth.penalties.find((p) => p.party === 'transport_company')!.measures).toEqual(['抄告']);
    expect(fourth.events.find((e) => e.type === 'penalty_proposed' && e.party === 'transport_company')!.details['fleetShare']).toMatchObject({
      violatingVehicles: 1,
      fleetSize: 22,
      triggered: false,
    });
    // A station not linked to a loading site: the source unit is to be established.
    expect(fourth.parties.find((p) => p.party === 'source_unit')).toMatchObject({ name: UNIDENTIFIED });
  });
});
