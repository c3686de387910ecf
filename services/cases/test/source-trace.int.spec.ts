import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type OverloadViolationV1, type PositionV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import {
  CaseRepository,
  createPool,
  dropStorageSchema,
  migrate,
  PositionRepository,
  RegistryRepository,
  SourceTraceRepository,
  type StoragePool,
  type VehicleRecord,
} from '@roadwatch/storage';
import { infraEnv, overloadViolationOf, trackArrivingAt, uniqueName, type LonLat, type TrackLeg } from '@roadwatch/testing';
import { caseIdOf, startCases, UNIDENTIFIED, type RunningCases } from '../src/index';

const env = infraEnv();
const logger = createLogger('cases-trace-test', process.env['LOG_LEVEL'] ?? 'warn');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2025, 5, 16, 2, 0, 0);
const T_W = NOW - 2 * HOUR;

/** A square ring of [lon, lat] around a point, open (the rule closes it). */
const square = ([lon, lat]: LonLat, halfDeg: number): LonLat[] => [
  [lon - halfDeg, lat - halfDeg],
  [lon + halfDeg, lat - halfDeg],
  [lon + halfDeg, lat + halfDeg],
  [lon - halfDeg, lat + halfDeg],
];

/** The track arriving at the scale at t_w, as storage receives it: out of time order, with a retransmitted report. */
const trackOf = (vehicleId: string, start: LonLat, legs: TrackLeg[]): PositionV1[] => {
  const out = trackArrivingAt({ vehicleId, start, legs, arriveAtMs: T_W });
  return [...out.filter((_, i) => i % 2 === 1), ...out.filter((_, i) => i % 2 === 0), out[5]!];
};

const SITE_A: LonLat = [114.5, 38.0];
const OVERLAP_B1: LonLat = [114.6, 38.1];
const OVERLAP_B2: LonLat = [114.602, 38.102];
const FIELD: LonLat = [114.8, 38.3];
const SCALE: LonLat = [114.7, 38.0];

describe('源头倒查 at case opening, on real Kafka and real PostgreSQL (RULES.md §13, §15 "Four parties")', () => {
  const name = uniqueName('cases-trace');
  const schema = name.replace(/[^a-z0-9_]/g, '_');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'cases-trace-test', topicPrefix: `${name}.`, logger });
  let pool: StoragePool;
  let cases: RunningCases;
  let repo: CaseRepository;
  let traces: SourceTraceRepository;
  const truck = (n: number): VehicleRecord => ({
    vehicleId: `冀A6000${n}:2`,
    plate: `冀A6000${n}`,
    plateColour: 2,
    vehicleClass: 'heavy_truck',
    companyId: 'HB1',
    regionCode: '130102',
    axleCount: 6,
    isCombination: true,
  });

  const open = async (v: OverloadViolationV1) => {
    await bus.publish(TOPICS.overloadViolations, [{ key: v.measurement.plate, value: v }]);
    const caseId = caseIdOf(v.violationId);
    await vi.waitUntil(async () => (await repo.get(caseId))?.penalties.length === 4, { timeout: 30_000, interval: 100 });
    const c = (await repo.get(caseId))!;
    const [trace, ...more] = await traces.byCase(caseId);
    expect(more).toEqual([]);
    return { c, trace: trace!, sourceUnit: c.parties.find((p) => p.party === 'source_unit')! };
  };
  const violationOf = (n: number, stationId = 'ST-ROAD') =>
    overloadViolationOf({ stationId, recordId: `r${n}`, plate: truck(n).plate, measuredAtMs: T_W, grossKg: 70_000, vehicle: truck(n) });

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'cases-trace-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某运输有限公司', regionCode: '130102' });
    await registry.upsertCompany({ companyId: 'SRC-A', name: '甲砂石料场有限公司', kind: 'source_unit' });
    await registry.upsertCompany({ companyId: 'SRC-B1', name: '乙矿业有限公司', kind: 'source_unit' });
    await registry.upsertCompany({ companyId: 'SRC-B2', name: '丙混凝土有限公司', kind: 'source_unit' });
    for (let n = 1; n <= 6; n += 1) await registry.upsertVehicle(truck(n));
    await registry.upsertSourceSite({ sourceSiteId: 'SITE-A', name: '甲料场', companyId: 'SRC-A', latitudeDeg: SITE_A[1], longitudeDeg: SITE_A[0] });
    await registry.upsertSourceSite({ sourceSiteId: 'SITE-B1', name: '乙矿山', companyId: 'SRC-B1' });
    await registry.upsertSourceSite({ sourceSiteId: 'SITE-B2', name: '丙搅拌站', companyId: 'SRC-B2' });
    // The geofences as migration 0021 stores them (the registry's admin writes them in production).
    const fence = (id: string, ring: LonLat[], exitStationId: string | null) =>
      pool.query(`UPDATE source_sites SET geofence_polygon = $2::jsonb, exit_station_id = $3, site_kind = 'sand_gravel' WHERE source_site_id = $1`, [
        id,
        JSON.stringify(ring),
        exitStationId,
      ]);
    await fence('SITE-A', square(SITE_A, 0.002), 'ST-EXIT-A');
    await fence('SITE-B1', square(OVERLAP_B1, 0.004), null);
    await fence('SITE-B2', square(OVERLAP_B2, 0.004), null);

    const positions = new PositionRepository(pool);
    // 1: loads 30 min inside SITE-A, then drives straight to the scale and on past it.
    await positions.insertMany(
      trackOf(truck(1).vehicleId, [114.45, 38.0], [{ to: SITE_A, speedKmh: 40 }, { forMs: 30 * MINUTE }, { to: SCALE, speedKmh: 20 }]),
    );
    // 2: loads where the two sites overlap → two candidates.
    await positions.insertMany(
      trackOf(truck(2).vehicleId, [114.55, 38.1], [{ to: [114.601, 38.101], speedKmh: 40 }, { forMs: 30 * MINUTE }, { to: SCALE, speedKmh: 18 }]),
    );
    // 3: stops 40 min in a field far from every site → C, the stop a possible loading point.
    await positions.insertMany(trackOf(truck(3).vehicleId, [114.75, 38.3], [{ to: FIELD, speedKmh: 40 }, { forMs: 40 * MINUTE }, { to: SCALE, speedKmh: 20 }]));
    // 5: the track of 1, but the weighing is in a 套牌 conflict: not traced on this track.
    await positions.insertMany(
      trackOf(truck(5).vehicleId, [114.45, 38.0], [{ to: SITE_A, speedKmh: 40 }, { forMs: 30 * MINUTE }, { to: SCALE, speedKmh: 20 }]),
    );
    await pool.query(
      `INSERT INTO targeting_alerts (targeting_id, kind, plate, plate_colour, vehicle_id, station_id, measurement_id, occurred_at)
       VALUES ('tg-5', 'cloned_plate', $1, 2, $2, 'ST-ROAD', $3, to_timestamp($4 / 1000.0))`,
      [truck(5).plate, truck(5).vehicleId, violationOf(5).measurement.measurementId, T_W],
    );

    repo = new CaseRepository(pool);
    traces = new SourceTraceRepository(pool);
    await bus.ensureTopics([TOPICS.overloadViolations, TOPICS.caseEvents].map((topic) => ({ topic, partitions: 3 })));
    cases = await startCases({
      bus,
      pool,
      logger,
      metrics: new ServiceMetrics('cases-trace-test', { defaultMetrics: false }),
      groupId: `${name}-cases`,
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

  it('a stored track that dwelt in a site polygon gives grade A: the site company is proposed with the evidence, not 待查明', async () => {
    const { trace, sourceUnit } = await open(violationOf(1));
    expect(trace).toMatchObject({
      triggerKind: 'violation',
      grade: 'A',
      status: 'proposed',
      sourceSiteId: 'SITE-A',
      sourceCompanyId: 'SRC-A',
      regionCode: '130102',
    });
    expect(trace.result['method']).toBe('track');
    // SITE-A has an exit scale and no record of the plate around the departure: 未过磅出场.
    expect(trace.unweighedExit).toBe(true);
    expect(sourceUnit).toMatchObject({ partyRef: 'SITE-A', name: '甲砂石料场有限公司' });
    expect(sourceUnit.details).toMatchObject({ identified: true, companyId: 'SRC-A', grade: 'A', traceId: trace.traceId });
    const reasons = sourceUnit.details['reasons'] as Array<{ code: string; zh: string; en: string }>;
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.every((r) => r.zh.length > 0 && r.en.length > 0)).toBe(true);
  });

  it('a stop inside two sites gives grade B: both listed for the officer, no company named', async () => {
    const { trace, sourceUnit } = await open(violationOf(2));
    expect(trace).toMatchObject({ grade: 'B', status: 'to_confirm' });
    expect([...trace.candidateSiteIds].sort()).toEqual(['SITE-B1', 'SITE-B2']);
    expect(trace.sourceCompanyId).toBeUndefined();
    expect(sourceUnit.name).toBe(UNIDENTIFIED);
    expect(sourceUnit.partyRef).toBeUndefined();
    expect(sourceUnit.details).toMatchObject({ identified: false, grade: 'B', toConfirm: true });
    const candidates = sourceUnit.details['candidates'] as Array<{ siteId: string; companyName: string }>;
    expect(candidates.map((c) => [c.siteId, c.companyName]).sort()).toEqual([
      ['SITE-B1', '乙矿业有限公司'],
      ['SITE-B2', '丙混凝土有限公司'],
    ]);
  });

  it('no stop at any site gives grade C: the stops are recorded as possible unregistered loading points', async () => {
    const { trace, sourceUnit } = await open(violationOf(3));
    expect(trace).toMatchObject({ grade: 'C', status: 'recorded', candidateSiteIds: [] });
    expect(trace.sourceSiteId).toBeUndefined();
    const points = sourceUnit.details['possibleLoadingPoints'] as Array<{ latitudeDeg: number; longitudeDeg: number; heldMs: number }>;
    expect(points).toHaveLength(1);
    expect(points[0]!.latitudeDeg).toBeCloseTo(FIELD[1], 4);
    expect(points[0]!.longitudeDeg).toBeCloseTo(FIELD[0], 4);
    expect(points[0]!.heldMs).toBeGreaterThanOrEqual(39 * MINUTE);
    expect(sourceUnit.details).toMatchObject({ identified: false, grade: 'C' });
  });

  it("a weighing at a site's own exit scale is A without any track", async () => {
    const { trace, sourceUnit } = await open(violationOf(4, 'ST-EXIT-A'));
    expect(trace).toMatchObject({ grade: 'A', sourceSiteId: 'SITE-A', sourceCompanyId: 'SRC-A' });
    expect(trace.result['method']).toBe('exit_scale');
    expect(sourceUnit).toMatchObject({ partyRef: 'SITE-A', name: '甲砂石料场有限公司' });
  });

  it('a 套牌-conflicted weighing is not traced on the registered vehicle track', async () => {
    const { trace, sourceUnit } = await open(violationOf(5));
    expect(trace.grade).not.toBe('A');
    expect(trace.result['clonedPlateConflict']).toBe(true);
    expect(sourceUnit.partyRef).toBeUndefined();
  });

  it('a redelivered violation finds its trace and does not trace again', async () => {
    const v = violationOf(1);
    const before = await pool.query(`SELECT trace_id, created_at, result FROM source_traces WHERE violation_id = $1`, [v.violationId]);
    expect(before.rows).toHaveLength(1);
    // Were it traced again, the moved geofence would make it C.
    await pool.query(`UPDATE source_sites SET geofence_polygon = $1::jsonb WHERE source_site_id = 'SITE-A'`, [JSON.stringify(square([113.0, 36.0], 0.002))]);
    // The opening's 9 events went out once; the redelivery queues them again (consumers dedupe on eventId).
    let seen = 0;
    const observer = await bus.subscribe({
      groupId: `${name}-observer`,
      topics: [TOPICS.caseEvents],
      fromBeginning: true,
      handleBatch: async (batch) => {
        seen += batch.messages.filter((m) => m.value.violationId === v.violationId).length;
      },
    });
    await bus.publish(TOPICS.overloadViolations, [{ key: v.measurement.plate, value: v }]);
    await vi.waitUntil(() => seen >= 18, { timeout: 30_000, interval: 100 });
    await observer.close();
    const after = await pool.query(`SELECT trace_id, created_at, result FROM source_traces WHERE violation_id = $1`, [v.violationId]);
    expect(after.rows).toEqual(before.rows);
    const c = (await repo.get(caseIdOf(v.violationId)))!;
    expect(c.parties.find((p) => p.party === 'source_unit')).toMatchObject({ partyRef: 'SITE-A' });
  });
});
