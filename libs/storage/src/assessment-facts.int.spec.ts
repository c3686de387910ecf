import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs, MINUTE_MS } from '@roadwatch/domain';
import { anAlert } from '@roadwatch/testing';
import type { AlertV1 } from '@roadwatch/contracts';
import { AlertRepository } from './alert.repository';
import { AssessmentFactsReadModel } from './assessment-facts.read-model';
import { AssessmentScoreReadModel, AssessmentScoreRepository, AssessmentSettingsRepository } from './assessment-score.repository';
import { OperatingVehicleRepository } from './operating-vehicle.repository';
import { dropStorageSchema, migrate } from './migrate';
import { createPool } from './pool';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';
const local = (month: number, day: number, hour = 0, minute = 0, second = 0) => chinaLocalToEpochMs(2026, month, day, hour, minute, second);
const NOV_FROM = local(11, 1);
const NOV_TO = local(12, 1);

/**
 * A hand-built November 2026 (local) of two regions. Company A (region 110101): A1, A2, A3 with
 * terminals, A4 on the list but not registered, A5 报停; company B (110101): B1; company C
 * (120101): nothing on the list. The October and December lists must not be read for November.
 */
describe('AssessmentFactsReadModel on PostgreSQL: the 考核 facts of a month (RULES §15)', () => {
  const schema = `rw_assess_${randomBytes(4).toString('hex')}`;
  const pool = createPool(DATABASE_URL, { schema, max: 3 });
  const facts = new AssessmentFactsReadModel(pool);

  const speeding = (alertId: string, vehicleId: string, startedAtMs: number, over: Partial<AlertV1> = {}): AlertV1 =>
    anAlert({
      alertId,
      vehicleId,
      plate: vehicleId.split(':')[0],
      companyId: vehicleId.startsWith('A') ? 'A' : 'B',
      startedAtMs,
      raisedAtMs: startedAtMs + 30_000,
      ...over,
    });
  const fatigue = (alertId: string, rule: AlertV1['rule'], startedAtMs: number, limitPassedAtMs: number, endedAtMs: number): AlertV1 =>
    anAlert({
      alertId,
      vehicleId: 'A1:2',
      plate: 'A1',
      companyId: 'A',
      rule,
      severity: 'serious',
      startedAtMs,
      limitPassedAtMs,
      raisedAtMs: limitPassedAtMs,
      endedAtMs,
    });

  beforeAll(async () => {
    await migrate(pool, { partitioning: 'native' });
    await pool.query(
      `INSERT INTO companies (company_id, name, region_code) VALUES ('A', '甲运输', '110101'), ('B', '乙运输', '110101'), ('C', '丙运输', '120101')`,
    );
    await pool.query(`INSERT INTO companies (company_id, name, kind, region_code) VALUES ('S', '源头', 'source_unit', '110101')`);
    await pool.query(
      `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id, region_code)
       VALUES ('A1:2', 'A1', 2, 'heavy_truck', 'A', NULL), ('A2:2', 'A2', 2, 'heavy_truck', 'A', NULL), ('A3:2', 'A3', 2, 'heavy_truck', 'A', NULL),
              ('A5:2', 'A5', 2, 'heavy_truck', 'A', NULL), ('B1:2', 'B1', 2, 'hazmat', 'B', NULL)`,
    );
    await pool.query(`INSERT INTO terminals (terminal_id, vehicle_id) VALUES ('t1', 'A1:2'), ('t2', 'A2:2'), ('t3', 'A3:2'), ('t5', 'A5:2'), ('tb', 'B1:2')`);
    const list = new OperatingVehicleRepository(pool);
    const entry = (plate: string, companyId: string, suspended = false) => ({ plate, plateColour: 2, companyId, regionCode: '110101', suspended });
    await list.replaceMonth('2026-10-01', [entry('A9', 'A')], 'test');
    await list.replaceMonth(
      '2026-11-01',
      [entry('A1', 'A'), entry('A2', 'A'), entry('A3', 'A'), entry('A4', 'A'), entry('A5', 'A', true), entry('B1', 'B')],
      'test',
    );
    await list.replaceMonth('2026-12-01', [entry('A1', 'A')], 'test');
    const day = (vehicleId: string, date: string, received: number, valid: number, drift: number, trackM: number, completeM: number) =>
      pool.query(
        `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
         VALUES ($1, $2::date, $3::int, $4::int, $3::int - $4::int, $5, 0, 0, $6, $7, 0, 0, true, now())`,
        [vehicleId, date, received, valid, drift, trackM, completeM],
      );
    await day('A1:2', '2026-10-31', 1_000, 0, 0, 99_000, 0);
    await day('A1:2', '2026-11-01', 100, 90, 1, 10_000, 9_000);
    await day('A1:2', '2026-11-30', 100, 100, 0, 10_000, 10_000);
    await day('A1:2', '2026-12-01', 1_000, 0, 0, 99_000, 0);
    await day('A2:2', '2026-11-15', 50, 0, 0, 0, 0);
    await day('A5:2', '2026-11-15', 50, 50, 5, 500, 0);
    await day('B1:2', '2026-11-10', 10, 10, 0, 1_000, 500);
    const alerts = new AlertRepository(pool);
    await alerts.upsertMany([
      // At 00:00:00 local on the 1st: November's; two revisions are one episode.
      speeding('s1', 'A1:2', NOV_FROM),
      speeding('s1', 'A1:2', NOV_FROM, { revision: 1, raisedAtMs: NOV_FROM + 90_000, endedAtMs: NOV_FROM + 90_000 }),
      speeding('s2', 'A1:2', NOV_FROM - 1_000),
      speeding('s3-withdrawn', 'A1:2', local(11, 20)),
      speeding('s4-prewarning', 'A1:2', local(11, 21), { level: 'prewarning' }),
      speeding('s5', 'A1:2', NOV_TO),
      speeding('s6', 'B1:2', local(11, 5)),
      speeding('s7-suspended', 'A5:2', local(11, 5)),
      // 12:00–13:00 and 12:30–13:30 of one vehicle: 90 min once.
      fatigue('f1', 'fatigue_continuous', local(11, 10, 8), local(11, 10, 12), local(11, 10, 13)),
      fatigue('f2', 'fatigue_daily', local(11, 9, 14), local(11, 10, 12, 30), local(11, 10, 13, 30)),
      // Over the limit from Oct 31 23:30 to Nov 1 00:20: 20 min in November.
      fatigue('f3', 'fatigue_night', local(10, 31, 21), local(10, 31, 23, 30), local(11, 1, 0, 20)),
      // Nov 30 23:50 to Dec 1 00:40: 10 min in November.
      fatigue('f4', 'fatigue_continuous', local(11, 30, 19), local(11, 30, 23, 50), local(12, 1, 0, 40)),
      fatigue('f5-withdrawn', 'fatigue_continuous', local(11, 12, 8), local(11, 12, 12), local(11, 12, 15)),
    ]);
    await pool.query(
      `INSERT INTO alert_handling (alert_id, vehicle_id, company_id, rule, severity, due, withdrawn, alert_started_at)
       VALUES ('s3-withdrawn', 'A1:2', 'A', 'speeding', 'major', true, true, now()), ('f5-withdrawn', 'A1:2', 'A', 'fatigue_continuous', 'serious', true, true, now())`,
    );
    const inspection = (id: string, companyId: string, windowEndsAtMs: number, answeredAtMs: number | null) =>
      pool.query(
        `INSERT INTO inspection_recipients (inspection_id, company_id, sent_at, window_ends_at, answered_at)
         VALUES ($1, $2, to_timestamp($3 / 1000.0) - interval '10 minutes', to_timestamp($3 / 1000.0), to_timestamp($4 / 1000.0))`,
        [id, companyId, windowEndsAtMs, answeredAtMs],
      );
    await inspection('i1', 'A', local(11, 3, 10), local(11, 3, 10));
    await inspection('i2', 'A', local(11, 4, 10), local(11, 4, 10) + 1_000);
    await inspection('i3', 'A', local(11, 5, 10), null);
    await inspection('i4', 'A', NOV_FROM, NOV_FROM - MINUTE_MS);
    await inspection('i5', 'A', NOV_TO, NOV_TO);
  });
  afterAll(async () => {
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it('per company: the November list, 入网 by bound terminal, online by valid records, pooled records and km, episodes, fatigue time, 查岗', async () => {
    const november = await facts.forPeriod(NOV_FROM, NOV_TO);
    expect(november.listMonth).toBe('2026-11-01');
    const byId = Object.fromEntries(november.companies.map((c) => [c.companyId, c]));
    expect(Object.keys(byId)).toEqual(['A', 'B', 'C']);
    expect(byId.A).toEqual({
      companyId: 'A',
      regionCode: '110101',
      facts: {
        operatingVehicles: 4,
        networkedVehicles: 3,
        onlineVehicles: 1,
        driftVehicles: 1,
        receivedRecords: 250,
        validRecords: 190,
        trackM: 20_000,
        completeTrackM: 19_000,
        speedingEpisodes: 1,
        fatigueOverLimitMs: 120 * MINUTE_MS,
        inspectionsSent: 4,
        inspectionsAnsweredInTime: 2,
      },
    });
    expect(byId.B?.facts).toMatchObject({
      operatingVehicles: 1,
      networkedVehicles: 1,
      onlineVehicles: 1,
      driftVehicles: 0,
      speedingEpisodes: 1,
      completeTrackM: 500,
    });
    expect(byId.C?.facts.operatingVehicles).toBe(0);
  });

  it('per region: every vehicle of the region pooled', async () => {
    const november = await facts.forPeriod(NOV_FROM, NOV_TO);
    expect(november.platforms).toEqual([
      {
        regionCode: '110101',
        facts: expect.objectContaining({
          operatingVehicles: 5,
          networkedVehicles: 4,
          onlineVehicles: 2,
          driftVehicles: 1,
          receivedRecords: 260,
          validRecords: 200,
          trackM: 21_000,
          completeTrackM: 19_500,
          speedingEpisodes: 2,
          fatigueOverLimitMs: 120 * MINUTE_MS,
        }) as unknown,
      },
    ]);
  });

  it('a period after the last list reads the latest list before it; before every list, none', async () => {
    expect((await facts.forPeriod(local(12, 1), local(12, 8))).listMonth).toBe('2026-12-01');
    expect((await facts.forPeriod(chinaLocalToEpochMs(2027, 2, 1), chinaLocalToEpochMs(2027, 3, 1))).listMonth).toBe('2026-12-01');
    const before = await facts.forPeriod(local(9, 1), local(10, 1));
    expect(before.listMonth).toBeUndefined();
    expect(before.companies.every((c) => c.facts.operatingVehicles === 0)).toBe(true);
  });

  it('re-importing a month replaces it; a region’s re-import keeps the other regions’ rows', async () => {
    const list = new OperatingVehicleRepository(pool);
    await list.replaceMonth(
      '2026-09-01',
      [
        { plate: 'X1', plateColour: 2, regionCode: '110101', suspended: false },
        { plate: 'Y1', plateColour: 1, regionCode: '120101', suspended: false },
      ],
      'test',
    );
    const again = await list.replaceMonth('2026-09-01', [{ plate: 'X2', plateColour: 2, regionCode: '110101', suspended: false }], 'op', '1101');
    expect(again).toEqual({ deleted: 1, inserted: 1 });
    const { rows } = await pool.query<{ plate: string }>(`SELECT plate FROM operating_vehicles WHERE list_month = '2026-09-01' ORDER BY plate`);
    expect(rows.map((r) => r.plate)).toEqual(['X2', 'Y1']);
    expect((await list.months('12')).find((m) => m.listMonth === '2026-09')).toEqual({ listMonth: '2026-09', vehicles: 1, suspended: 0 });
  });

  it('handling rows: deadlines inside the period and rejected appeals whose fresh window may land in it', async () => {
    const row = (id: string, deadlineMs: number, extra = '') =>
      pool.query(
        `INSERT INTO alert_handling (alert_id, vehicle_id, company_id, rule, severity, due, alert_started_at, first_notified_at, deadline_at ${extra ? ', appeal_state, appeal_filed_at, appeal_decided_at' : ''})
         VALUES ($1, 'B1:2', 'B', 'speeding', 'major', true, now(), to_timestamp($2 / 1000.0) - interval '30 minutes', to_timestamp($2 / 1000.0) ${extra})`,
        [id, deadlineMs],
      );
    await row('h-in', local(11, 2));
    await row('h-before', NOV_FROM - 1);
    await row('h-at-end', NOV_TO);
    await row(
      'h-rejected',
      NOV_FROM - 60 * MINUTE_MS,
      `, 'rejected', to_timestamp($2 / 1000.0) - interval '1 minute', to_timestamp($2 / 1000.0) + interval '50 minutes'`,
    );
    const rows = await facts.handlingRows(NOV_FROM, NOV_TO);
    expect((rows.get('B') ?? []).map((r) => r.alertId).sort()).toEqual(['h-in', 'h-rejected']);
  });

  it('scores are saved once per subject and period, and read by scope: a company its own only, no platform row', async () => {
    const scores = new AssessmentScoreRepository(pool);
    const read = new AssessmentScoreReadModel(pool);
    const base = {
      periodKind: 'month' as const,
      periodStartMs: NOV_FROM,
      periodEndMs: NOV_TO,
      assessed: true,
      anyIndicatorZero: false,
      indicators: [],
    };
    await scores.save([
      { ...base, subjectKind: 'company', subjectId: 'A', regionCode: '110101', totalScore: 80 },
      {
        ...base,
        subjectKind: 'company',
        subjectId: 'B',
        regionCode: '110101',
        totalScore: 90,
        handlingRatePct: 50,
        handling: { numerator: 1, denominator: 2, pendingAppeals: 0, acceptedAppeals: 0 },
      },
      { ...base, subjectKind: 'company', subjectId: 'C', regionCode: '120101', totalScore: 70 },
      { ...base, subjectKind: 'platform', subjectId: '110101', regionCode: '110101', totalScore: 95 },
    ]);
    await scores.save([{ ...base, subjectKind: 'company', subjectId: 'A', regionCode: '110101', totalScore: 81.5 }]);
    const all = await read.list({}, { periodKind: 'month' });
    expect(all.map((r) => [r.subjectKind, r.subjectId, r.totalScore])).toEqual([
      ['company', 'B', 90],
      ['company', 'A', 81.5],
      ['company', 'C', 70],
      ['platform', '110101', 95],
    ]);
    expect(all[0]).toMatchObject({ subjectName: '乙运输', handlingRatePct: 50, handling: { numerator: 1, denominator: 2 } });
    expect((await read.list({ companyId: 'A' }, { periodKind: 'month' })).map((r) => r.subjectId)).toEqual(['A']);
    // A company guessing another's id gets nothing.
    expect(await read.list({ companyId: 'A' }, { periodKind: 'month', subjectId: 'B' })).toEqual([]);
    expect((await read.list({ regionPrefix: '12' }, { periodKind: 'month' })).map((r) => r.subjectId)).toEqual(['C']);
    expect((await read.list({ regionPrefix: '1101' }, { periodKind: 'month', subjectKind: 'platform' })).map((r) => r.subjectId)).toEqual(['110101']);
    // A wildcard in a prefix is a plain character.
    expect(await read.list({ regionPrefix: '%' }, { periodKind: 'month' })).toEqual([]);
  });

  it('a region’s override is stored, replaced, and removed by an empty patch', async () => {
    const settings = new AssessmentSettingsRepository(pool);
    await settings.put('110101', { enterprise: { networkAccess: { zeroBelowPct: 95 } } }, 'admin');
    await settings.put('110101', { handlingRateListBelowPct: 85 }, 'admin');
    expect(await settings.all()).toMatchObject([{ regionCode: '110101', configPatch: { handlingRateListBelowPct: 85 }, updatedBy: 'admin' }]);
    await settings.put('110101', {}, 'admin');
    expect(await settings.all()).toEqual([]);
  });
});
