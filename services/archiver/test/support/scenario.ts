import { expect, vi } from 'vitest';
import { TOPICS, type AlertV1, type OverloadViolationV1, type PositionV1, type VehicleQualityDayV1, type WimMeasurementV1 } from '@roadwatch/contracts';
import type { Bus } from '@roadwatch/messaging';
import type pg from 'pg';
import type { LatestPositionStore } from '../../src/index';
import { anAlert, aPosition, aWimRecord, positionsEvery } from '@roadwatch/testing';

const DAY = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;
/**
 * Noon (China time) two days ago: inside the partitions kept behind on plain PostgreSQL
 * and inside the daily rollup's 3-day lookback, and in a local day that is over, so the
 * continuous aggregate (which refreshes whole buckets only) materialises it.
 */
export const T0 = Math.floor((Date.now() + CHINA_OFFSET_MS) / DAY) * DAY - CHINA_OFFSET_MS - 2 * DAY + 12 * 3_600_000;

/** The archiver's reports speed up by 1 km/h and 1 km each (10 s apart: see positionsEvery's callers). */
export const rising = (index: number): Partial<PositionV1> => ({ speedKmh: 40 + index, mileageKm: 1_000 + index });

export const wim = (recordId: string): WimMeasurementV1 =>
  aWimRecord({
    stationId: 'ST-JJ-007',
    stationRecordId: recordId,
    direction: '天津方向',
    measuredAtMs: T0,
    axleWeightsKg: [7_500, 18_000, 18_500, 19_000, 19_000, 19_000],
    axleSpacingsMm: [3_200, 1_350, 7_000, 1_310, 1_310],
    grossKg: 101_000,
    speedKmh: 38,
    imageRefs: ['img/1.jpg'],
  });

export const alert = (revision: number): AlertV1 =>
  anAlert({
    alertId: 'V1:speeding:episode-1',
    revision,
    vehicleId: 'V1',
    companyId: undefined,
    severity: revision > 0 ? 'serious' : 'major',
    startedAtMs: T0,
    endedAtMs: revision > 0 ? T0 + 120_000 : undefined,
    raisedAtMs: T0 + revision * 60_000,
    summary: `speeding, revision ${revision}`,
    details: { maxSpeedKmh: 110 + revision * 10 },
  });

/** V1's counters of one local day: `received` reports, 500 m apart, one stretch of them incomplete. */
export const qualityDay = (date: string, received: number, final: boolean): VehicleQualityDayV1 => ({
  v: 1,
  vehicleId: 'V1',
  date,
  final,
  computedAtMs: T0 + received * 10_000,
  received,
  valid: received,
  invalid: 0,
  drift: 0,
  duplicate: 0,
  late: 0,
  trackM: (received - 1) * 500 + 0.25,
  completeTrackM: (received - 2) * 500,
  incompleteGaps: 1,
  movedThroughGaps: 0,
});

export const violation = (): OverloadViolationV1 => ({
  v: 1,
  violationId: 'VIO-ST-JJ-007/1',
  alertId: 'V9:overload:ST-JJ-007/1',
  vehicleId: 'V9',
  registered: true,
  measurement: wim('1'),
  limitKg: 49_000,
  limitBasis: '6 axles',
  maxPermissibleErrorKg: 5_050,
  confirmedGrossKg: 95_950,
  excessKg: 46_950,
  overloadRatio: 0.958,
  rawRatio: 1.061,
  isBaiDunWang: true,
  overWeight: true,
  overDimensions: [],
  severity: 'critical',
  decidedAtMs: T0 + 2_000,
});

const count = async (pool: pg.Pool, sql: string): Promise<number> => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);

/**
 * The pipeline both tests run: positions with duplicates and a late blind-area report,
 * WIM records with a duplicate, two revisions of one alert (the newer first, then the
 * older redelivered), a violation twice (not archived: the case lifecycle stores it). Asserts every row exactly once, the alert at its
 * latest revision and the latest position not moved back.
 */
export const runArchiveScenario = async (bus: Bus, pool: pg.Pool, latest: LatestPositionStore): Promise<void> => {
  const v1 = positionsEvery(10_000, 30, { vehicleId: 'V1', deviceTimeMs: T0 }, rising);
  const v2 = positionsEvery(10_000, 20, { vehicleId: 'V2', deviceTimeMs: T0 + 5_000 }, rising);
  const duplicates = [...v1.slice(0, 10), ...v2.slice(5, 10)];
  await bus.publish(
    TOPICS.positions,
    [...v1, ...v2, ...duplicates].map((value) => ({ key: value.vehicleId, value })),
  );
  await bus.publish(
    TOPICS.wimMeasurements,
    [wim('1'), wim('2'), wim('1')].map((value) => ({ key: value.plate, value })),
  );
  await bus.publish(
    TOPICS.alerts,
    [alert(0), alert(1)].map((value) => ({ key: value.vehicleId, value })),
  );
  await bus.publish(
    TOPICS.overloadViolations,
    [violation(), violation()].map((value) => ({ key: value.vehicleId, value })),
  );
  // Two snapshots and the final of one day; another day's snapshot.
  await bus.publish(
    TOPICS.qualityDaily,
    [qualityDay('2025-03-14', 10, false), qualityDay('2025-03-14', 14, false), qualityDay('2025-03-14', 15, true), qualityDay('2025-03-15', 3, false)].map(
      (value) => ({ key: value.vehicleId, value }),
    ),
  );

  await vi.waitUntil(async () => (await count(pool, 'SELECT count(*) AS n FROM positions')) === 50, {
    timeout: 60_000,
    interval: 100,
    message: 'the first positions archived',
  });
  const newest = v1[v1.length - 1] as PositionV1;
  await vi.waitUntil(async () => (await latest.get('V1'))?.deviceTimeMs === newest.deviceTimeMs, {
    timeout: 60_000,
    interval: 100,
    message: 'the latest position of V1',
  });

  // After the newer ones are archived: a blind-area upload from two days earlier and a
  // redelivered older alert revision.
  const late = aPosition({ vehicleId: 'V1', deviceTimeMs: T0 - 2 * DAY, source: 'blind-area', speedKmh: 12 });
  await bus.publish(TOPICS.positions, [{ key: 'V1', value: late }]);
  await bus.publish(TOPICS.alerts, [{ key: 'V1', value: alert(0) }]);
  // A stale snapshot redelivered after the final (a replayed detector batch).
  await bus.publish(TOPICS.qualityDaily, [{ key: 'V1', value: qualityDay('2025-03-14', 14, false) }]);
  await vi.waitUntil(async () => (await count(pool, 'SELECT count(*) AS n FROM positions')) === 51, {
    timeout: 60_000,
    interval: 100,
    message: 'the late position archived',
  });
  await vi.waitUntil(
    async () =>
      (await count(pool, 'SELECT count(*) AS n FROM wim_measurements')) === 2 &&
      (await count(pool, 'SELECT count(*) AS n FROM alerts WHERE revision = 1')) === 1 &&
      (await count(pool, 'SELECT count(*) AS n FROM vehicle_quality_daily WHERE final')) === 1,
    { timeout: 60_000, interval: 100, message: 'everything else archived' },
  );
  // Let the redelivered alert revision 0 be consumed too (it is behind the late position's batch or beside it).
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  expect(await count(pool, `SELECT count(*) AS n FROM positions WHERE vehicle_id = 'V1'`)).toBe(31);
  expect(await count(pool, `SELECT count(*) AS n FROM positions WHERE vehicle_id = 'V2'`)).toBe(20);
  const lateRow = await pool.query(`SELECT source, speed_kmh FROM positions WHERE vehicle_id = 'V1' AND device_time = to_timestamp($1::float8 / 1000)`, [
    late.deviceTimeMs,
  ]);
  expect(lateRow.rows).toEqual([{ source: 'blind-area', speed_kmh: 12 }]);
  const first = await pool.query(
    `SELECT device_time, received_at, speed_kmh, mileage_km, acc_on FROM positions WHERE vehicle_id = 'V1' ORDER BY device_time DESC LIMIT 1`,
  );
  expect(first.rows[0]).toMatchObject({ speed_kmh: newest.speedKmh, mileage_km: newest.mileageKm, acc_on: true });
  expect((first.rows[0].device_time as Date).getTime()).toBe(newest.deviceTimeMs);
  expect((first.rows[0].received_at as Date).getTime()).toBe(newest.receivedAtMs);

  expect(await count(pool, 'SELECT count(*) AS n FROM wim_measurements')).toBe(2);
  const wimRow = await pool.query(`SELECT axle_weights_kg, gross_kg, image_refs FROM wim_measurements WHERE measurement_id = 'ST-JJ-007/1'`);
  expect(wimRow.rows[0]).toEqual({ axle_weights_kg: wim('1').axleWeightsKg, gross_kg: 101_000, image_refs: ['img/1.jpg'] });

  const alerts = await pool.query(`SELECT alert_id, revision, severity, summary, details, ended_at FROM alerts`);
  expect(alerts.rows).toHaveLength(1);
  expect(alerts.rows[0]).toMatchObject({ revision: 1, severity: 'serious', summary: 'speeding, revision 1', details: { maxSpeedKmh: 120 } });
  expect((alerts.rows[0].ended_at as Date).getTime()).toBe(T0 + 120_000);
  // Both revisions kept once each (revision 0 was delivered twice); the row keeps when the
  // alert was first raised (revision 0's raising: these messages predate firstRaisedAtMs).
  const revisions = await pool.query(`SELECT revision, alert->>'summary' AS summary FROM alert_revisions ORDER BY revision`);
  expect(revisions.rows).toEqual([
    { revision: 0, summary: 'speeding, revision 0' },
    { revision: 1, summary: 'speeding, revision 1' },
  ]);
  const firstRaised = await pool.query(`SELECT first_raised_at FROM alerts`);
  expect((firstRaised.rows[0].first_raised_at as Date).getTime()).toBe(T0);

  // The violation (delivered twice) is the case lifecycle's to store, with its case: the
  // archiver leaves overload_violations alone (services/cases' test asserts the row, once).
  expect(await count(pool, 'SELECT count(*) AS n FROM overload_violations')).toBe(0);

  const quality = await pool.query(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, received, track_m, complete_track_m, incomplete_gaps, final FROM vehicle_quality_daily ORDER BY day`,
  );
  expect(quality.rows).toEqual([
    { day: '2025-03-14', received: 15, track_m: 7_000.25, complete_track_m: 6_500, incomplete_gaps: 1, final: true },
    { day: '2025-03-15', received: 3, track_m: 1_000.25, complete_track_m: 500, incomplete_gaps: 1, final: false },
  ]);

  // The late report is archived but did not move the live map back.
  expect(await latest.get('V1')).toEqual(newest);
  expect((await latest.get('V2'))?.deviceTimeMs).toBe((v2[v2.length - 1] as PositionV1).deviceTimeMs);
  expect((await latest.all()).map((p) => p.vehicleId).sort()).toEqual(['V1', 'V2']);
};

export const vehicleDailyReports = async (pool: pg.Pool, vehicleId: string): Promise<number> =>
  Number((await pool.query<{ n: string | null }>(`SELECT sum(reports) AS n FROM vehicle_daily WHERE vehicle_id = $1`, [vehicleId])).rows[0]?.n ?? 0);
