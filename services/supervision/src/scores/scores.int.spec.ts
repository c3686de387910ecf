import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { createLogger } from '@roadwatch/runtime';
import {
  AssessmentRecomputeRequestRepository,
  AssessmentScoreReadModel,
  AssessmentSettingsRepository,
  createPool,
  dropStorageSchema,
  migrate,
} from '@roadwatch/storage';
import { runScoresJob } from './scores.part';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';
const local = (month: number, day: number, hour = 0, minute = 0) => chinaLocalToEpochMs(2026, month, day, hour, minute);
const NOV_FROM = local(11, 1);

/**
 * November 2026, region 110101. A: 10 vehicles on the list, all 入网, 9 online (A1 drifting),
 * 100 records each of which 95 valid, 1,000 m each of which 900 complete, 3 speeding episodes, 2
 * 查岗 (1 answered), 2 alerts due (1 handled in time). B: 3 vehicles, all online and clean. C:
 * nothing on the list. Figures computed by hand in the test names.
 */
describe('the scores job on PostgreSQL: a month computed after it ends, as the hand-computed figures', () => {
  const schema = `rw_scores_${randomBytes(4).toString('hex')}`;
  const pool = createPool(DATABASE_URL, { schema, max: 3 });
  const context = { pool, logger: createLogger('scores-test') };
  const scores = new AssessmentScoreReadModel(pool);
  const novemberOf = async (subjectId: string) => (await scores.list({}, { periodKind: 'month', subjectId, fromMs: NOV_FROM, toMs: NOV_FROM + 1 }))[0];

  beforeAll(async () => {
    await migrate(pool, { partitioning: 'native' });
    await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ('A', '甲', '110101'), ('B', '乙', '110101'), ('C', '丙', '110101')`);
    const fleet = [...Array.from({ length: 10 }, (_, i) => ['A', `A${i + 1}`]), ...Array.from({ length: 3 }, (_, i) => ['B', `B${i + 1}`])] as [
      string,
      string,
    ][];
    for (const [companyId, plate] of fleet) {
      await pool.query(
        `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id, region_code) VALUES ($1 || ':2', $1, 2, 'hazmat', $2, '110101')`,
        [plate, companyId],
      );
      await pool.query(`INSERT INTO terminals (terminal_id, vehicle_id) VALUES ('t-' || $1, $1 || ':2')`, [plate]);
      await pool.query(`INSERT INTO operating_vehicles (list_month, plate, plate_colour, company_id, region_code) VALUES ('2026-11-01', $1, 2, $2, '110101')`, [
        plate,
        companyId,
      ]);
      if (plate === 'A10') continue;
      const [received, valid, trackM, completeM] = companyId === 'A' ? [100, 95, 1_000, 900] : [10, 10, 100, 100];
      await pool.query(
        `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
         VALUES ($1 || ':2', '2026-11-15', $2::int, $3::int, $2::int - $3::int, $4::int, 0, 0, $5, $6, 0, 0, true, now())`,
        [plate, received, valid, plate === 'A1' ? 2 : 0, trackM, completeM],
      );
    }
    for (const [id, day] of [
      ['s1', 3],
      ['s2', 4],
      ['s3', 5],
    ] as const) {
      await pool.query(
        `INSERT INTO alerts (alert_id, started_at, revision, vehicle_id, company_id, rule, level, severity, raised_at, summary)
         VALUES ($1, to_timestamp($2 / 1000.0), 0, 'A2:2', 'A', 'speeding', 'violation', 'major', to_timestamp($2 / 1000.0), '超速')`,
        [id, local(11, day)],
      );
    }
    await pool.query(
      `INSERT INTO inspection_recipients (inspection_id, company_id, sent_at, window_ends_at, answered_at)
       VALUES ('i1', 'A', to_timestamp($1 / 1000.0), to_timestamp($1 / 1000.0) + interval '10 minutes', to_timestamp($1 / 1000.0) + interval '10 minutes'),
              ('i2', 'A', to_timestamp($1 / 1000.0), to_timestamp($1 / 1000.0) + interval '10 minutes', NULL)`,
      [local(11, 6)],
    );
    await pool.query(
      `INSERT INTO alert_handling (alert_id, vehicle_id, company_id, rule, severity, due, state, alert_started_at, first_notified_at, deadline_at, handled_at)
       VALUES ('s1', 'A2:2', 'A', 'speeding', 'major', true, 'handled', to_timestamp($1 / 1000.0), to_timestamp($1 / 1000.0), to_timestamp($1 / 1000.0) + interval '24 hours', to_timestamp($1 / 1000.0) + interval '24 hours'),
              ('s2', 'A2:2', 'A', 'speeding', 'major', true, 'notified', to_timestamp($2 / 1000.0), to_timestamp($2 / 1000.0), to_timestamp($2 / 1000.0) + interval '24 hours', NULL)`,
      [local(11, 3), local(11, 4)],
    );
    // s3: appealed in time, pending when November is first computed: kept out.
    await pool.query(
      `INSERT INTO alert_handling (alert_id, vehicle_id, company_id, rule, severity, due, state, alert_started_at, first_notified_at, deadline_at, appeal_state, appeal_filed_at)
       VALUES ('s3', 'A2:2', 'A', 'speeding', 'major', true, 'viewed', to_timestamp($1 / 1000.0), to_timestamp($1 / 1000.0), to_timestamp($1 / 1000.0) + interval '24 hours',
               'pending', to_timestamp($1 / 1000.0) + interval '1 hour')`,
      [local(11, 5)],
    );
  });
  afterAll(async () => {
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it('before November ends, November is not computed; after, it is', async () => {
    await runScoresJob(context, local(11, 30, 23, 59));
    expect(await novemberOf('A')).toBeUndefined();
    const run = await runScoresJob(context, local(12, 1, 0, 5));
    expect(run).toMatchObject({ ran: true, rolling: true });
    expect(run.months).toContain('2026-11');
  });

  it('A: 5 + 4.5 (9/10 online) + 0 (drift 11.11 %) + 13.5 (track 90 %) + 14.25 (data 95 %) + 6.67 (E 0.33 vs R 0.25) + 20 (R = 0) + 5 (查岗 50 %) = 68.92; 处理率 50 %', async () => {
    const a = await novemberOf('A');
    expect(a).toMatchObject({ assessed: true, totalScore: 68.92, anyIndicatorZero: true, handlingRatePct: 50, handling: { numerator: 1, denominator: 2 } });
    expect(a?.indicators.map((i) => [i.code, i.value, i.score])).toEqual([
      ['network_access', 100, 5],
      ['online', 90, 4.5],
      ['drift', 11.11, 0],
      ['track_completeness', 90, 13.5],
      ['data_qualified', 95, 14.25],
      ['speeding', 0.33, 6.67],
      ['fatigue', 0, 20],
      ['inspection_response', 50, 5],
    ]);
    expect(a?.indicators.find((i) => i.code === 'speeding')).toMatchObject({
      regionalAverage: 0.25,
      regionalNumerator: 3,
      regionalDenominator: 12,
      outcome: 'between_average_and_double',
    });
  });

  it('B: clean, E = 0 → 20, nothing sent → 查岗 not assessed with full marks: 100; nothing due → no 处理率', async () => {
    const b = await novemberOf('B');
    expect(b).toMatchObject({ assessed: true, totalScore: 100, anyIndicatorZero: false });
    expect(b?.handlingRatePct).toBeUndefined();
    expect(b?.indicators.find((i) => i.code === 'inspection_response')).toMatchObject({ assessed: false, score: 10 });
  });

  it('C: no operating vehicles, not assessed; the platform 110101: 5 + 9.23 + 0 + 36.13 + 28.55 = 78.91', async () => {
    expect(await novemberOf('C')).toMatchObject({ assessed: false, totalScore: undefined });
    expect(await novemberOf('110101')).toMatchObject({ subjectKind: 'platform', assessed: true, totalScore: 78.91 });
  });

  it('a second pass computes nothing; an admin request or a region override then a request recomputes the month', async () => {
    expect(await runScoresJob(context, local(12, 1, 0, 10))).toMatchObject({ months: [], rolling: false });
    await new AssessmentSettingsRepository(pool).put('1101', { enterprise: { drift: { zeroAbovePct: 20 } } }, 'admin');
    await new AssessmentRecomputeRequestRepository(pool).request('2026-11-01', 'admin');
    expect((await runScoresJob(context, local(12, 1, 0, 20))).months).toEqual(['2026-11']);
    // drift 11.11 % is no longer above the line: 10 − 10 × 1/9 = 8.89
    expect(await novemberOf('A')).toMatchObject({ totalScore: 77.81 });
  });

  it('an appeal decided after the month was computed recomputes it: rejected in time, a fresh 24 h window, handled in it → 2 of 3', async () => {
    expect((await novemberOf('A'))?.handling).toEqual({ numerator: 1, denominator: 2, pendingAppeals: 1, acceptedAppeals: 0 });
    await pool.query(
      `UPDATE alert_handling SET appeal_state = 'rejected', appeal_decided_at = to_timestamp($1 / 1000.0), handled_at = to_timestamp($1 / 1000.0) + interval '23 hours', state = 'handled'
       WHERE alert_id = 's3'`,
      [local(11, 7)],
    );
    expect((await runScoresJob(context, local(12, 1, 0, 30))).months).toEqual(['2026-11']);
    expect(await novemberOf('A')).toMatchObject({ handlingRatePct: 66.67, handling: { numerator: 2, denominator: 3, pendingAppeals: 0 } });
    expect((await runScoresJob(context, local(12, 1, 0, 40))).months).toEqual([]);
  });

  it('the rolling 7 days are computed once per local day', async () => {
    expect((await runScoresJob(context, local(12, 2, 0, 1))).rolling).toBe(true);
    expect((await runScoresJob(context, local(12, 2, 23, 59))).rolling).toBe(false);
    const rolling = await scores.list({}, { periodKind: 'rolling_7d', subjectId: 'A' });
    // the pass at Nov 30 23:59 computed the 7 days to Nov 30 as well
    expect(rolling.map((r) => r.periodEndMs)).toEqual([local(12, 2), local(12, 1), local(11, 30)]);
  });
});
