import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { anAlert } from '@roadwatch/testing';
import { AlertRepository } from './alert.repository';
import { startEmbeddedTimescale, type EmbeddedTimescale } from './embedded-timescale';
import { migrate } from './migrate';
import { MonthlyNoticeReadModel } from './monthly-notice.read-model';
import { createPool, type StoragePool } from './pool';
import { ReportChartsReadModel } from './report-charts.read-model';

/**
 * The reports' read models on the embedded default (npm start's database: PGlite with
 * TimescaleDB, alerts a hypertable): the same SQL as on PostgreSQL, which services/api's
 * report-files test covers over HTTP. Local hours and days are China time on either server.
 */
const local = (y: number, mo: number, d: number, h = 0, mi = 0): number => chinaLocalToEpochMs(y, mo, d, h, mi);

describe('report read models on the embedded TimescaleDB', () => {
  let server: EmbeddedTimescale;
  let pool: StoragePool;

  beforeAll(async () => {
    server = await startEmbeddedTimescale();
    pool = createPool(server.url, { embedded: true, schema: 'rw' });
    await migrate(pool);
    await pool.query(`INSERT INTO companies (company_id, name, region_code) VALUES ('C1', '一号', '440106'), ('C2', '二号', '320102')`);
    await pool.query(
      `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id) VALUES ('V1', '粤A1', 2, 'heavy_truck', 'C1'), ('V2', '苏A2', 2, 'heavy_truck', 'C2')`,
    );
    await pool.query(
      `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
       VALUES ('V1', '2026-11-10', 100, 90, 10, 1, 0, 0, 1000, 800, 0, 0, true, now()), ('V2', '2026-11-10', 50, 50, 0, 0, 0, 0, 500, 500, 0, 0, true, now())`,
    );
    await new AlertRepository(pool).upsertMany([
      anAlert({ alertId: 'A1', vehicleId: 'V1', companyId: 'C1', rule: 'speeding', level: 'violation', startedAtMs: local(2026, 11, 10, 23, 30) }),
      anAlert({ alertId: 'A2', vehicleId: 'V2', companyId: 'C2', rule: 'speeding', level: 'violation', startedAtMs: local(2026, 11, 11, 0, 5) }),
    ]);
    await pool.query(
      `INSERT INTO assessment_scores (subject_kind, subject_id, region_code, period_kind, period_start, period_end, assessed, total_score, handling_rate_pct, indicators)
       VALUES ('company', 'C1', '440106', 'month', $1, $2, true, 88.5, 91.25, '[{"code":"online_rate","rate":0.9,"score":4.5}]')`,
      [new Date(local(2026, 11, 1)), new Date(local(2026, 12, 1))],
    );
    await pool.query(
      `INSERT INTO key_supervision_entries (entry_id, subject_kind, subject_id, company_id, region_code, listed_at, last_trigger_at, reasons)
       VALUES ('E1', 'vehicle', 'V1', 'C1', '440106', $1, $1, '[{"code":"fatigue"}]')`,
      [new Date(local(2026, 11, 3))],
    );
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });

  it('sums quality per local day and counts violations by China hour, inside the scope and filter', async () => {
    const charts = new ReportChartsReadModel(pool);
    const days = await charts.qualityTrend({ regionPrefix: '44' }, {}, local(2026, 11, 10), local(2026, 11, 12));
    expect(days).toEqual([
      { day: '2026-11-10', vehicles: 1, vehiclesOnline: 1, vehiclesDrifting: 1, received: 100, invalid: 10, trackM: 1000, completeTrackM: 800 },
      { day: '2026-11-11', vehicles: 1, vehiclesOnline: 0, vehiclesDrifting: 0, received: 0, invalid: 0, trackM: 0, completeTrackM: 0 },
    ]);
    expect(await charts.violationsByHour({}, {}, local(2026, 11, 10), local(2026, 11, 12))).toEqual([
      { rule: 'speeding', hour: 0, count: 1 },
      { rule: 'speeding', hour: 23, count: 1 },
    ]);
    expect(await charts.violationsByHour({ companyId: 'C1' }, { companyId: 'C2' }, local(2026, 11, 10), local(2026, 11, 12))).toEqual([]);
  });

  it("reads the month's scores and the 重点监管 entries open during it, by region", async () => {
    const notice = new MonthlyNoticeReadModel(pool);
    const scores = await notice.scores({ regionPrefix: '4401' }, local(2026, 11, 1), local(2026, 12, 1));
    expect(scores).toMatchObject([{ companyId: 'C1', companyName: '一号', regionCode: '440106', assessed: true, totalScore: 88.5, handlingRatePct: 91.25 }]);
    expect(await notice.scores({ regionPrefix: '32' }, local(2026, 11, 1), local(2026, 12, 1))).toEqual([]);
    expect(await notice.scores({}, local(2026, 10, 1), local(2026, 11, 1))).toEqual([]);
    const entries = await notice.keyEntries({ regionPrefix: '44' }, local(2026, 11, 1), local(2026, 12, 1));
    expect(entries).toMatchObject([{ entryId: 'E1', subjectKind: 'vehicle', plate: '粤A1', companyName: '一号', listedAtMs: local(2026, 11, 3) }]);
    expect(entries[0]!.exitedAtMs).toBeUndefined();
  });
});
