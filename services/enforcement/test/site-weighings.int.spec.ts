import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type PositionV1, type WimMeasurementV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, vehicleIdOf } from '@roadwatch/domain';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import {
  createPool,
  dropStorageSchema,
  migrate,
  PositionRepository,
  RegistryRepository,
  TargetingRepository,
  WimRepository,
  type StoragePool,
} from '@roadwatch/storage';
import { aPosition, aVehicle, aWimRecord, infraEnv, uniqueName } from '@roadwatch/testing';
import { SiteWeighings, siteWeighingsPart, startEnforcement, type RunningEnforcement } from '../src/index';

const env = infraEnv();
const logger = createLogger('site-weighings-test', process.env['LOG_LEVEL'] ?? 'warn');
const MIN = 60_000;
const METRES_PER_DEGREE_LAT = 111_195;
// The quarry's centre; its geofence a circle of 200 m.
const CENTRE = { latitudeDeg: 38.0, longitudeDeg: 114.5 };
const T0 = chinaLocalToEpochMs(2026, 5, 10, 6, 0);

/** Reports every 30 s: standing at the quarry, then driving north at 60 km/h (as libs/rules' test tracks). */
class Track {
  readonly positions: PositionV1[] = [];
  latitudeDeg = CENTRE.latitudeDeg;
  constructor(
    private readonly vehicleId: string,
    public timeMs: number,
    /** The plate the terminal reports; default: the one the vehicle id is made of. */
    private readonly plate = vehicleId.split(':')[0] as string,
  ) {}
  report(speedKmh: number): this {
    this.positions.push(
      aPosition({
        vehicleId: this.vehicleId,
        plate: this.plate,
        plateColour: 2,
        deviceTimeMs: this.timeMs,
        receivedAtMs: this.timeMs + 1_000,
        latitudeDeg: this.latitudeDeg,
        longitudeDeg: CENTRE.longitudeDeg,
        speedKmh,
        gnssFixed: true,
      }),
    );
    return this;
  }
  stop(durationMs: number): this {
    for (const end = this.timeMs + durationMs; this.timeMs < end;) {
      this.timeMs += 30_000;
      this.report(0);
    }
    return this;
  }
  drive(durationMs: number): this {
    for (const end = this.timeMs + durationMs; this.timeMs < end;) {
      this.timeMs += 30_000;
      this.latitudeDeg += 500 / METRES_PER_DEGREE_LAT;
      this.report(60);
    }
    return this;
  }
  /** One report `metres` north of the quarry's centre, standing. */
  at(timeMs: number, metres: number): this {
    this.timeMs = timeMs;
    this.latitudeDeg = CENTRE.latitudeDeg + metres / METRES_PER_DEGREE_LAT;
    return this.report(5);
  }
}

const exitRecord = (plate: string, recordId: string, measuredAtMs: number, grossKg: number): WimMeasurementV1 =>
  aWimRecord({
    stationId: 'EX-T1',
    stationRecordId: recordId,
    measuredAtMs,
    plate,
    plateColour: 2,
    grossKg,
    axleCount: 6,
    axleWeightsKg: [],
    lane: 0,
    direction: 'site_exit',
    speedKmh: 0,
    accuracyClassPct: 0.5,
    recordKind: 'site_exit',
    tareKg: 16_000,
    netKg: grossKg - 16_000,
    loadingSlipNo: `ZD-${recordId}`,
  });

describe('enforcement part site-weighings over real Kafka and PostgreSQL (RULES §13, §15)', () => {
  const schema = uniqueName('siteweigh').replace(/[^a-z0-9_]/g, '_');
  const prefix = `t-${randomUUID().slice(0, 8)}-`;
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'site-weighings-test', topicPrefix: prefix });
  let pool: StoragePool;
  let enforcement: RunningEnforcement;
  let nowMs = T0;

  const query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await pool.query(sql, params)).rows as T[];
  const alertsOf = (kind: string) =>
    query<{ targeting_id: string; region_code: string; evidence: Record<string, unknown>; vehicle_id: string }>(
      'SELECT * FROM targeting_alerts WHERE kind = $1 ORDER BY targeting_id',
      [kind],
    );

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'site-weighings-test' });
    await migrate(pool);
    await new RegistryRepository(pool).upsertSourceSite({ sourceSiteId: 'S1', name: '石家庄一号砂石料场', regionCode: '130102', ...CENTRE });
    await pool.query(`UPDATE source_sites SET geofence_radius_m = 200, exit_station_id = 'EX-T1', site_kind = 'sand_gravel' WHERE source_site_id = 'S1'`);
    await pool.query(
      `INSERT INTO wim_stations (station_id, name, kind, region_code, latitude_deg, longitude_deg) VALUES
        ('EX-T1', '一号料场出场称重', 'site_exit', '130102', 38.0, 114.5), ('EN-T1', '高速入口称重', 'entrance', '130104', 38.2, 114.5)`,
    );
    await bus.ensureTopics([{ topic: TOPICS.wimMeasurements, partitions: 2 }]);
    enforcement = await startEnforcement({
      bus,
      pool,
      logger,
      metrics: new ServiceMetrics('site-weighings-test', { defaultMetrics: false }),
      now: () => nowMs,
      config: { SITE_WEIGHINGS_INTERVAL_MS: 3_600_000 },
      parts: [siteWeighingsPart({ groupId: `${prefix}site-weighings` })],
    });
  });

  afterAll(async () => {
    await enforcement?.close();
    await bus.close();
    if (pool) {
      await dropStorageSchema(pool, schema);
      await pool.end();
    }
  });

  it('an entrance refusal traces the truck back to the quarry (A) and raises entrance_refusal with the trace as evidence; a passed entrance, an unrefused record and a WIM record start nothing', async () => {
    const vehicleId = vehicleIdOf('冀A70001', 2);
    const track = new Track(vehicleId, T0)
      .report(0)
      .stop(30 * MIN)
      .drive(60 * MIN);
    await new PositionRepository(pool).insertMany(track.positions);
    const tw = track.timeMs;
    const entrance = (recordId: string, entryRefused: boolean) =>
      aWimRecord({
        stationId: 'EN-T1',
        stationRecordId: recordId,
        measuredAtMs: tw,
        plate: '冀A70001',
        plateColour: 2,
        grossKg: 62_000,
        recordKind: 'entrance',
        entryRefused,
      });
    // Received 3 min after t_w: past its 2 min settle delay on the part's clock, so traced on arrival.
    nowMs = tw + 3 * MIN;
    // Same plate, same partition: in order, so once the refusal is judged the others were too.
    await bus.publish(TOPICS.wimMeasurements, [
      { key: '冀A70001:2', value: entrance('E-PASS', false) },
      { key: '冀A70001:2', value: aWimRecord({ stationRecordId: 'W-ROAD', measuredAtMs: tw, plate: '冀A70001', plateColour: 2, grossKg: 101_000 }) },
      { key: '冀A70001:2', value: entrance('E-REFUSED', true) },
    ]);
    await vi.waitFor(async () => expect(await alertsOf('entrance_refusal')).toHaveLength(1), { timeout: 30_000, interval: 200 });
    const [alert] = await alertsOf('entrance_refusal');
    expect(alert).toMatchObject({ targeting_id: 'entrance_refusal:EN-T1/E-REFUSED', region_code: '130104', vehicle_id: vehicleId });
    expect(alert!.evidence).toMatchObject({ traceId: 'entrance:EN-T1/E-REFUSED', grade: 'A', method: 'track', siteId: 'S1', grossKg: 62_000 });
    const traces = await query<{ trace_id: string; trigger_kind: string; grade: string; source_site_id: string; weighed_at: Date }>(
      'SELECT * FROM source_traces',
    );
    expect(traces).toEqual([
      expect.objectContaining({ trace_id: 'entrance:EN-T1/E-REFUSED', trigger_kind: 'entrance_refusal', grade: 'A', source_site_id: 'S1' }),
    ]);
    expect(traces[0]!.weighed_at.getTime()).toBe(tw);
    nowMs = T0;
  });

  it('an entrance refusal is traced after its settle delay: the last minutes archived late still give A (at once they read B)', async () => {
    const vehicleId = vehicleIdOf('冀A70031', 2);
    const track = new Track(vehicleId, T0 + 30 * 60 * MIN)
      .report(0)
      .stop(30 * MIN)
      .drive(60 * MIN);
    const tw = track.timeMs;
    // The archiver has stored all but the last 8 minutes when the refusal arrives.
    const late = track.positions.filter((p) => p.deviceTimeMs > tw - 8 * MIN);
    await new PositionRepository(pool).insertMany(track.positions.filter((p) => p.deviceTimeMs <= tw - 8 * MIN));
    const refusal = aWimRecord({
      stationId: 'EN-T1',
      stationRecordId: 'E-LATE',
      measuredAtMs: tw,
      receivedAtMs: tw + 1_000,
      plate: '冀A70031',
      plateColour: 2,
      grossKg: 58_000,
      recordKind: 'entrance',
      entryRefused: true,
    });
    let clockMs = tw + 1_000;
    const weighings = new SiteWeighings({ pool, logger, now: () => clockMs });
    // What judging on arrival gave: the chain ends > 5 min before t_w, B.
    const early = await new SiteWeighings({ pool, logger, now: () => clockMs, entranceSettleMs: 0 }).onMeasurement({
      ...refusal,
      measurementId: 'EN-T1/E-LATE-AT-ONCE',
    });
    expect(early.trace?.grade).toBe('B');

    expect(await weighings.onMeasurement(refusal)).toEqual({ heldUntilMs: tw + 1_000 + 2 * MIN });
    // A redelivery holds it once; before its due instant the review traces nothing.
    expect(await weighings.onMeasurement(refusal)).toEqual({ heldUntilMs: tw + 1_000 + 2 * MIN });
    clockMs = tw + 1_000 + 2 * MIN - 1;
    expect((await weighings.review()).entranceRefusalsTraced).toBe(0);
    expect((await alertsOf('entrance_refusal')).some((a) => a.targeting_id === 'entrance_refusal:EN-T1/E-LATE')).toBe(false);

    await new PositionRepository(pool).insertMany(late);
    clockMs = tw + 1_000 + 2 * MIN;
    // A new instance (enforcement restarted meanwhile): the held refusal is in storage, not in memory.
    expect((await new SiteWeighings({ pool, logger, now: () => clockMs }).review()).entranceRefusalsTraced).toBe(1);
    const alert = (await alertsOf('entrance_refusal')).find((a) => a.targeting_id === 'entrance_refusal:EN-T1/E-LATE');
    expect(alert?.evidence).toMatchObject({ traceId: 'entrance:EN-T1/E-LATE', grade: 'A', siteId: 'S1' });
    expect((await weighings.review()).entranceRefusalsTraced).toBe(0);
    await pool.query(`DELETE FROM targeting_alerts WHERE targeting_id LIKE 'entrance_refusal:EN-T1/E-LATE%'`);
    await pool.query(`DELETE FROM source_traces WHERE trace_id LIKE 'entrance:EN-T1/E-LATE%'`);
  });

  it('an over-limit exit record, then a report 40 m outside: "departure not seen", no alert; a report 60 m outside: 第71条 evidence on exit_over_limit', async () => {
    const vehicleId = vehicleIdOf('冀A70002', 2);
    const t1 = T0 + 2 * 60 * MIN;
    const positions = new PositionRepository(pool);
    const track = new Track(vehicleId, t1 - 20 * MIN)
      .report(0)
      .stop(20 * MIN)
      .at(t1 + MIN, 240);
    await positions.insertMany(track.positions);
    nowMs = t1 + 2 * MIN;
    const record = exitRecord('冀A70002', 'X-OVER', t1, 60_000);
    // The archiver's part, which these judgements read back (record kind and all).
    await new WimRepository(pool).insertMany([record]);
    expect(await new WimRepository(pool).find({ plate: '冀A70002' })).toEqual([record]);
    await bus.publish(TOPICS.wimMeasurements, [{ key: '冀A70002:2', value: record }]);
    await vi.waitFor(async () => expect(await query('SELECT 1 FROM source_traces WHERE trace_id = $1', ['exit:EX-T1/X-OVER'])).toHaveLength(1), {
      timeout: 30_000,
      interval: 200,
    });
    const [open] = await query<{ trigger_kind: string; grade: string; result: { article71Outcome: string; method: string } }>(
      'SELECT * FROM source_traces WHERE trace_id = $1',
      ['exit:EX-T1/X-OVER'],
    );
    expect(open).toMatchObject({ trigger_kind: 'exit_over_limit', grade: 'A', result: { article71Outcome: 'departure_not_seen', method: 'exit_scale' } });
    const weighings = new SiteWeighings({ pool, logger, now: () => nowMs });
    expect((await weighings.review()).article71Raised).toBe(0);
    expect(await alertsOf('exit_over_limit')).toEqual([]);

    await positions.insertMany(new Track(vehicleId, 0).at(t1 + 3 * MIN, 260).positions);
    nowMs = t1 + 5 * MIN;
    expect((await weighings.review()).article71Raised).toBe(1);
    const [alert] = await alertsOf('exit_over_limit');
    expect(alert).toMatchObject({ targeting_id: 'exit_over_limit:EX-T1/X-OVER', region_code: '130102' });
    expect(alert!.evidence).toMatchObject({
      siteId: 'S1',
      grade: 'A',
      article71: { recordId: 'EX-T1/X-OVER', outcome: 'departed', limitKg: 49_000, departure: { timeMs: t1 + 3 * MIN } },
    });
    expect((alert!.evidence['article71'] as { confirmedGrossKg: number }).confirmedGrossKg).toBeGreaterThan(49_000);
    // Judged once: a second review and a redelivered record add nothing.
    expect((await weighings.review()).article71Raised).toBe(0);
    await weighings.onMeasurement(record);
    expect(await alertsOf('exit_over_limit')).toHaveLength(1);
  });

  it("a registered vehicle's refusal is traced on its registry id's positions (not the plate's)", async () => {
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'CO-9', name: '运输公司九', regionCode: '130102' });
    await registry.upsertVehicle(aVehicle({ vehicleId: 'VEH-9', plate: '冀A70009', plateColour: 2, companyId: 'CO-9' }));
    const track = new Track('VEH-9', T0 + 12 * 60 * MIN, '冀A70009')
      .report(0)
      .stop(30 * MIN)
      .drive(60 * MIN);
    await new PositionRepository(pool).insertMany(track.positions);
    const refusal = aWimRecord({
      stationId: 'EN-T1',
      stationRecordId: 'E-9',
      measuredAtMs: track.timeMs,
      plate: '冀A70009',
      plateColour: 2,
      grossKg: 62_000,
      recordKind: 'entrance',
      entryRefused: true,
    });
    // Received well past its settle delay: traced on arrival.
    expect(await new SiteWeighings({ pool, logger, now: () => track.timeMs + 3 * MIN }).onMeasurement(refusal)).toEqual({
      trace: { traceId: 'entrance:EN-T1/E-9', grade: 'A', siteId: 'S1' },
      targetingId: 'entrance_refusal:EN-T1/E-9',
    });
    expect((await alertsOf('entrance_refusal')).find((a) => a.targeting_id === 'entrance_refusal:EN-T1/E-9')?.vehicle_id).toBe('VEH-9');
    await pool.query(`DELETE FROM targeting_alerts WHERE targeting_id = 'entrance_refusal:EN-T1/E-9'`);
  });

  it('an exit record within the limit starts no trace', async () => {
    const record = exitRecord('冀A70003', 'X-LIGHT', T0 + 3 * 60 * MIN, 40_000);
    expect(await new SiteWeighings({ pool, logger, now: () => nowMs }).onMeasurement(record)).toEqual({});
    expect(await query('SELECT 1 FROM source_traces WHERE measurement_id = $1', [record.measurementId])).toEqual([]);
  });

  it('未过磅出场: a grade-A violation trace with an exit record exactly 10 min either side of the window is weighed; 1 s outside is unweighed_exit', async () => {
    // Each truck loads 30 min at the quarry (held end T+30 min, departure T+30.5 min), then drives 60 min to a roadside scale.
    const heldEnd = (startMs: number) => startMs + 30 * MIN;
    const departure = (startMs: number) => startMs + 30.5 * MIN;
    const window = (startMs: number) => ({ fromMs: heldEnd(startMs) - 10 * MIN, toMs: departure(startMs) + 10 * MIN });
    const cases = [
      { plate: '冀A70011', exitAt: (s: number) => departure(s) + 10 * MIN },
      { plate: '冀A70012', exitAt: (s: number) => departure(s) + 10 * MIN + 1_000 },
      { plate: '冀A70013', exitAt: (s: number) => heldEnd(s) - 10 * MIN },
      { plate: '冀A70014', exitAt: (s: number) => heldEnd(s) - 10 * MIN - 1_000 },
    ];
    const start = T0 + 6 * 60 * MIN;
    let tw = 0;
    for (const c of cases) {
      const vehicleId = vehicleIdOf(c.plate, 2);
      const track = new Track(vehicleId, start)
        .report(0)
        .stop(30 * MIN)
        .drive(60 * MIN);
      tw = track.timeMs;
      await new PositionRepository(pool).insertMany(track.positions);
      // The window is [held end − 10 min, departure + 10 min], from the stored record's time.
      await new WimRepository(pool).insertMany([exitRecord(c.plate, `X-${c.plate}`, c.exitAt(start), 30_000)]);
      // The trace engineer's row, written at case opening.
      await pool.query(
        `INSERT INTO source_traces (trace_id, trigger_kind, case_id, vehicle_id, plate, plate_colour, region_code, weighed_at, grade, source_site_id, result)
         VALUES ($1, 'violation', $2, $3, $4, 2, '130102', to_timestamp($5::float8 / 1000.0), 'A', 'S1', '{}')`,
        [`trace-${c.plate}`, `case-${c.plate}`, vehicleId, c.plate, tw],
      );
    }
    const weighings = new SiteWeighings({ pool, logger, now: () => nowMs });
    // Not yet settled: the exit records of the window may still be on their way.
    nowMs = tw + 29 * MIN;
    expect(await weighings.review()).toMatchObject({ unweighedExitJudged: 0 });
    nowMs = tw + 31 * MIN;
    expect(await weighings.review()).toMatchObject({ unweighedExitJudged: 4, unweighedExitRaised: 2 });
    const alerts = await alertsOf('unweighed_exit');
    expect(alerts.map((a) => a.targeting_id)).toEqual(['unweighed_exit:trace-冀A70012', 'unweighed_exit:trace-冀A70014']);
    expect(alerts[0]!.evidence).toMatchObject({ caseId: 'case-冀A70012', siteId: 'S1', unweighedExit: { siteId: 'S1', ...window(start) } });
    const checks = await query<{ trace_id: string; unweighed: boolean }>('SELECT trace_id, unweighed FROM unweighed_exit_checks ORDER BY trace_id');
    expect(checks.map((c) => c.unweighed)).toEqual([false, true, false, true]);
    // Each trace is judged once.
    expect(await weighings.review()).toMatchObject({ unweighedExitJudged: 0 });
  });

  it('its targeting alerts are leads like every other (one writer, TargetingRepository): by kind within a region; a company scope sees none', async () => {
    const leads = new TargetingRepository(pool);
    expect((await leads.list({}, {})).map((a) => a.kind).sort()).toEqual(['entrance_refusal', 'exit_over_limit', 'unweighed_exit', 'unweighed_exit']);
    expect((await leads.list({}, { regionPrefix: '130104' })).map((a) => a.kind)).toEqual(['entrance_refusal']);
    expect((await leads.list({ kind: 'unweighed_exit' }, {})).map((a) => a.targetingId).sort()).toEqual([
      'unweighed_exit:trace-冀A70012',
      'unweighed_exit:trace-冀A70014',
    ]);
    expect(await leads.list({}, { companyId: 'S1-company' })).toEqual([]);
    expect(await leads.list({}, { regionPrefix: '13%' })).toEqual([]);
  });
});
