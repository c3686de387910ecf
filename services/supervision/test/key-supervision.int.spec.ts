import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DAY_MS, HOUR_MS, chinaLocalToEpochMs } from '@roadwatch/domain';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { AlertRepository, KeySupervisionRepository, RegistryRepository, createPool, dropStorageSchema, migrate, type StoragePool } from '@roadwatch/storage';
import { anAlert, aVehicle, infraEnv, uniqueName } from '@roadwatch/testing';
import { keySupervisionPart, runKeySupervisionJob, startSupervision } from '../src/index';

const env = infraEnv();
const logger = createLogger('key-supervision-test', process.env['LOG_LEVEL'] ?? 'warn');

// A local afternoon in March; the fatigue violation's limit passes an hour after its period starts.
const T0 = chinaLocalToEpochMs(2026, 3, 10, 14, 0);

describe('supervision part key-supervision: the 重点监管 list over the real database, with a simulated clock', () => {
  const schema = uniqueName('keylist').replace(/[^a-z0-9_]/g, '_');
  let pool: StoragePool;
  let entries: KeySupervisionRepository;
  const bus = new InProcessBus();

  const bus1 = aVehicle({ plate: '京B10001', vehicleClass: 'long_distance_bus', companyId: 'KA', regionCode: '110105' });
  const truck = aVehicle({ plate: '京B10002', companyId: 'KA', regionCode: '110105' });
  const idle = aVehicle({ plate: '京B10003', companyId: 'KB', regionCode: '120101' });
  const patchy = aVehicle({ plate: '京B10004', companyId: 'KC', regionCode: '130102' });
  const steady = aVehicle({ plate: '京B10005', companyId: 'KC', regionCode: '130102' });

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 3, application: 'key-supervision-test' });
    await migrate(pool);
    entries = new KeySupervisionRepository(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'KA', name: '甲运输公司', regionCode: '110105' });
    await registry.upsertCompany({ companyId: 'KB', name: '乙运输公司', regionCode: '120101' });
    await registry.upsertCompany({ companyId: 'KC', name: '丙运输公司', regionCode: '130102' });
    for (const v of [bus1, truck, idle, patchy, steady]) await registry.upsertVehicle(v);
    await registry.upsertTerminal({ terminalId: '013800000003', vehicleId: idle.vehicleId });
  });

  afterAll(async () => {
    await bus.close();
    if (pool) {
      await dropStorageSchema(pool, schema);
      await pool.end();
    }
  });

  it('a fatigue violation lists its bus with the reason; 30 quiet days later (the clock moved) it leaves; the history keeps the entry, and a later trigger opens a new one', async () => {
    const limitPassedAtMs = T0 + HOUR_MS;
    await new AlertRepository(pool).upsertMany([
      anAlert({
        alertId: 'fatigue-1',
        vehicleId: bus1.vehicleId,
        plate: bus1.plate,
        companyId: 'KA',
        rule: 'fatigue_continuous',
        severity: 'serious',
        startedAtMs: T0,
        raisedAtMs: limitPassedAtMs,
        limitPassedAtMs,
      }),
      // A pre-warning never lists.
      anAlert({
        alertId: 'fatigue-pre',
        vehicleId: truck.vehicleId,
        plate: truck.plate,
        companyId: 'KA',
        rule: 'fatigue_continuous',
        level: 'prewarning',
        startedAtMs: T0,
        raisedAtMs: T0,
      }),
    ]);
    let nowMs = limitPassedAtMs - 1;
    const metrics = new ServiceMetrics('key-supervision-test', { defaultMetrics: false });
    const supervision = await startSupervision({
      bus,
      pool,
      logger,
      metrics,
      config: { KEY_SUPERVISION_INTERVAL_MS: 1_000 },
      now: () => nowMs,
      parts: [keySupervisionPart()],
    });
    try {
      // Before the limit passed, nothing is listed (the job ran at start).
      await vi.waitUntil(async () => (await metrics.render()).body.includes('outcome="ran"'), { timeout: 10_000, interval: 50 });
      expect(await entries.find({ state: 'all', limit: 10, offset: 0 })).toEqual([]);

      nowMs = limitPassedAtMs + 10 * 60_000;
      const current = await vi.waitUntil(async () => (await entries.find({ state: 'current', vehicleId: bus1.vehicleId, limit: 10, offset: 0 }))[0], {
        timeout: 10_000,
        interval: 100,
      });
      expect(current).toMatchObject({
        subjectKind: 'vehicle',
        subjectId: bus1.vehicleId,
        subjectName: bus1.plate,
        companyId: 'KA',
        regionCode: '110105',
        listedAtMs: limitPassedAtMs,
        lastTriggerAtMs: limitPassedAtMs,
      });
      expect(current.reasons).toEqual([
        { code: 'fatigue', key: 'fatigue:fatigue-1', atMs: limitPassedAtMs, detail: {}, evidence: [{ kind: 'alert', id: 'fatigue-1' }] },
      ]);
      // One of KA's two vehicles listed is ≥ 10 %: the company is listed too, the vehicle as evidence.
      const company = (await entries.find({ state: 'current', subjectKind: 'company', limit: 10, offset: 0 }))[0];
      expect(company).toMatchObject({
        subjectId: 'KA',
        reasons: [expect.objectContaining({ code: 'company_listed_share', evidence: [{ kind: 'vehicle', id: bus1.vehicleId }] })],
      });
      expect(await entries.find({ state: 'current', vehicleId: truck.vehicleId, limit: 10, offset: 0 })).toEqual([]);

      // One millisecond before 30 × 24 h: still listed.
      nowMs = limitPassedAtMs + 30 * DAY_MS - 1;
      // The part's own tick may hold the job lock at this moment: run until this pass is the one that ran.
      await vi.waitUntil(async () => (await runKeySupervisionJob({ pool }, nowMs)).ran, { timeout: 10_000, interval: 50 });
      expect((await entries.get(current.entryId))?.exitedAtMs).toBeUndefined();
      nowMs = limitPassedAtMs + 30 * DAY_MS + 5 * 60_000;
      const left = await vi.waitUntil(async () => (await entries.find({ state: 'history', vehicleId: bus1.vehicleId, limit: 10, offset: 0 }))[0], {
        timeout: 10_000,
        interval: 100,
      });
      // Dated exactly 30 × 24 h after the last trigger, not when the job noticed.
      expect(left).toMatchObject({ entryId: current.entryId, exitKind: 'quiet_30d', exitedAtMs: limitPassedAtMs + 30 * DAY_MS });
    } finally {
      await supervision.close();
    }

    // A later serious speeding episode lists the bus again in a new entry; the history shows both.
    const laterMs = limitPassedAtMs + 40 * DAY_MS;
    await new AlertRepository(pool).upsertMany([
      anAlert({ alertId: 'speed-12', vehicleId: bus1.vehicleId, plate: bus1.plate, companyId: 'KA', points: 12, severity: 'serious', startedAtMs: laterMs }),
    ]);
    await runKeySupervisionJob({ pool }, laterMs + 1_000);
    const history = await entries.find({ state: 'all', vehicleId: bus1.vehicleId, limit: 10, offset: 0 });
    expect(history.map((e) => [e.exitKind ?? 'open', e.reasons.map((r) => r.code)])).toEqual([
      ['open', ['serious_speeding']],
      ['quiet_30d', ['fatigue']],
    ]);
  });

  it('an officer’s release ends the listing: the same facts do not list again, a later trigger does; a withdrawn alert lists nothing', async () => {
    const atMs = T0 + 100 * DAY_MS;
    const alerts = new AlertRepository(pool);
    await alerts.upsertMany([
      anAlert({ alertId: 'speed-9', vehicleId: truck.vehicleId, plate: truck.plate, companyId: 'KA', points: 9, severity: 'serious', startedAtMs: atMs }),
    ]);
    await runKeySupervisionJob({ pool }, atMs + HOUR_MS);
    const [listed] = await entries.find({ state: 'current', vehicleId: truck.vehicleId, limit: 10, offset: 0 });
    expect(listed?.reasons.map((r) => r.key)).toEqual(['serious_speeding:speed-9']);
    expect(await entries.release(listed!.entryId, { byUsername: 'operator', atMs: atMs + 2 * HOUR_MS, comment: '已核实，企业已整改' })).toBe(true);
    expect(await entries.release(listed!.entryId, { byUsername: 'operator', atMs: atMs + 3 * HOUR_MS, comment: 'twice' })).toBe(false);
    await runKeySupervisionJob({ pool }, atMs + 4 * HOUR_MS);
    expect(await entries.find({ state: 'current', vehicleId: truck.vehicleId, limit: 10, offset: 0 })).toEqual([]);
    expect(await entries.get(listed!.entryId)).toMatchObject({
      exitKind: 'released',
      releasedBy: 'operator',
      releaseComment: '已核实，企业已整改',
      exitedAtMs: atMs + 2 * HOUR_MS,
    });

    await alerts.upsertMany([
      anAlert({
        alertId: 'speed-9b',
        vehicleId: truck.vehicleId,
        plate: truck.plate,
        companyId: 'KA',
        points: 9,
        severity: 'serious',
        startedAtMs: atMs + 5 * HOUR_MS,
      }),
    ]);
    await pool.query(
      `INSERT INTO alert_handling (alert_id, vehicle_id, company_id, rule, severity, due, alert_started_at, withdrawn) VALUES ('speed-9b', $1, 'KA', 'speeding', 'serious', false, now(), true)`,
      [truck.vehicleId],
    );
    await runKeySupervisionJob({ pool }, atMs + 6 * HOUR_MS);
    expect(await entries.find({ state: 'current', vehicleId: truck.vehicleId, limit: 10, offset: 0 })).toEqual([]);
    await pool.query(`UPDATE alert_handling SET withdrawn = false WHERE alert_id = 'speed-9b'`);
    await runKeySupervisionJob({ pool }, atMs + 6 * HOUR_MS);
    expect((await entries.find({ state: 'current', vehicleId: truck.vehicleId, limit: 10, offset: 0 }))[0]?.reasons.map((r) => r.key)).toEqual([
      'serious_speeding:speed-9b',
    ]);
  });

  it('3 whole local days on the operating list with a bound terminal and no valid record list the vehicle at the third day’s end, with the days as evidence', async () => {
    await pool.query(
      `INSERT INTO operating_vehicles (list_month, plate, plate_colour, company_id, region_code) VALUES ('2026-05-01', $1, $2, 'KB', '120101')`,
      [idle.plate, idle.plateColour],
    );
    // One valid record on 05-01 (a quality row); 05-02..05-04 have none at all.
    await pool.query(
      `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
       VALUES ($1, '2026-05-01', 5, 5, 0, 0, 0, 0, 1000, 1000, 0, 0, true, now())`,
      [idle.vehicleId],
    );
    const endOf0504 = chinaLocalToEpochMs(2026, 5, 5);
    await runKeySupervisionJob({ pool }, endOf0504 - 1);
    expect(await entries.find({ state: 'current', vehicleId: idle.vehicleId, limit: 10, offset: 0 })).toEqual([]);
    expect(await runKeySupervisionJob({ pool }, endOf0504)).toMatchObject({ ran: true, opened: 2 });
    // The same facts again change nothing (the stored reasons read back equal).
    expect(await runKeySupervisionJob({ pool }, endOf0504 + 1)).toEqual({ ran: true, opened: 0, extended: 0, closed: 0 });
    const [entry] = await entries.find({ state: 'current', vehicleId: idle.vehicleId, limit: 10, offset: 0 });
    expect(entry?.reasons).toEqual([
      expect.objectContaining({
        code: 'offline',
        atMs: endOf0504,
        evidence: ['2026-05-02', '2026-05-03', '2026-05-04'].map((d) => ({ kind: 'quality_day', id: `${idle.vehicleId}/${d}` })),
      }),
    ]);
    // Its company KB has one vehicle: 100 % listed.
    expect((await entries.find({ state: 'current', companyId: 'KB', subjectKind: 'company', limit: 10, offset: 0 }))[0]?.subjectId).toBe('KB');
    // Scoped reads: KA's scope sees none of KB's entries; a region prefix sees its own.
    expect(await entries.find({ state: 'all', scope: { companyId: 'KA' }, vehicleId: idle.vehicleId, limit: 10, offset: 0 })).toEqual([]);
    expect(await entries.get(entry!.entryId, { companyId: 'KA' })).toBeUndefined();
    expect(await entries.get(entry!.entryId, { regionPrefix: '12' })).toBeDefined();
    expect(await entries.listedVehicleIds({ regionPrefix: '12' })).toEqual([idle.vehicleId]);
  });

  it('轨迹完整率 pooled over the window’s days with mileage: below 70 % over 3 days lists with the days as evidence; one poor day among good ones does not', async () => {
    const qualityDay = (vehicleId: string, day: string, trackM: number, completeTrackM: number) =>
      pool.query(
        `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
         VALUES ($1, $2::date, 100, 100, 0, 0, 0, 0, $3, $4, 1, 0, true, now())`,
        [vehicleId, day, trackM, completeTrackM],
      );
    for (const day of ['2026-07-01', '2026-07-02', '2026-07-03']) await qualityDay(patchy.vehicleId, day, 10_000, 6_000);
    // 50 % one day, 95 % on two: pooled 80 %.
    await qualityDay(steady.vehicleId, '2026-07-01', 10_000, 5_000);
    for (const day of ['2026-07-02', '2026-07-03']) await qualityDay(steady.vehicleId, day, 10_000, 9_500);
    const endOf0703 = chinaLocalToEpochMs(2026, 7, 4);
    // During the third day it is not yet a quality day of the window.
    await runKeySupervisionJob({ pool }, endOf0703 - 1);
    expect(await entries.find({ state: 'current', companyId: 'KC', limit: 10, offset: 0 })).toEqual([]);
    await runKeySupervisionJob({ pool }, endOf0703);
    const listed = await entries.find({ state: 'current', companyId: 'KC', subjectKind: 'vehicle', limit: 10, offset: 0 });
    expect(listed.map((e) => e.subjectId)).toEqual([patchy.vehicleId]);
    expect(listed[0]?.reasons).toEqual([
      expect.objectContaining({
        code: 'low_track_completeness',
        atMs: endOf0703,
        detail: expect.objectContaining({ ratePct: 60, days: 3 }),
        evidence: ['2026-07-01', '2026-07-02', '2026-07-03'].map((d) => ({ kind: 'quality_day', id: `${patchy.vehicleId}/${d}` })),
      }),
    ]);
    // It leaves when the first day leaves the window (2 days are not judged).
    expect(listed[0]?.lastTriggerAtMs).toBe(chinaLocalToEpochMs(2026, 7, 2));
  });

  it('a company is listed from its last computed month in assessment_scores (total < 80, 处理率 < 90 %), dated from the month’s end, and leaves 30 days after it', async () => {
    const monthStart = chinaLocalToEpochMs(2026, 9, 1);
    const monthEnd = chinaLocalToEpochMs(2026, 10, 1);
    const score = (periodStartMs: number, periodEndMs: number, total: number, handlingPct: number | null) =>
      pool.query(
        `INSERT INTO assessment_scores (subject_kind, subject_id, region_code, period_kind, period_start, period_end, assessed, total_score, any_indicator_zero, handling_rate_pct)
         VALUES ('company', 'KC', '130102', 'month', to_timestamp($1 / 1000.0), to_timestamp($2 / 1000.0), true, $3, false, $4)`,
        [periodStartMs, periodEndMs, total, handlingPct],
      );
    // An older month that was fine, the last one computed that was not; a rolling-7-day row is not a month.
    await score(chinaLocalToEpochMs(2026, 8, 1), monthStart, 92, 95);
    await score(monthStart, monthEnd, 79.99, 89.99);
    await runKeySupervisionJob({ pool }, monthEnd + DAY_MS);
    const [entry] = await entries.find({ state: 'current', vehicleId: undefined, subjectKind: 'company', companyId: 'KC', limit: 10, offset: 0 });
    expect(entry?.reasons.map((r) => [r.code, r.atMs, r.evidence])).toEqual([
      ['company_handling_rate', monthEnd, [{ kind: 'assessment', id: 'company:KC:month:2026-09' }]],
      ['company_total_score', monthEnd, [{ kind: 'assessment', id: 'company:KC:month:2026-09' }]],
    ]);
    await runKeySupervisionJob({ pool }, monthEnd + 30 * DAY_MS);
    expect((await entries.get(entry!.entryId))?.exitedAtMs).toBe(monthEnd + 30 * DAY_MS);
  });
});
