import type { AlertV1, CaseEventV1, OverloadViolationV1, PositionV1, VehicleQualityDayV1, WimMeasurementV1 } from '@roadwatch/contracts';
import { anAlert, aPosition, aWimRecord, positionsEvery } from '@roadwatch/testing';
import { chinaDateOf, chinaMidnightMs, DAY_MS, HOUR_MS, MINUTE_MS } from '@roadwatch/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertRepository } from '../alert.repository';
import { CaseRepository, OverloadViolationRepository } from '../case.repository';
import { CaseReadModel } from '../case-list.read-model';
import { VehicleDailyRepository } from '../daily.repository';
import { VehicleQualityRepository } from '../quality.repository';
import { runMaintenance } from '../maintenance';
import { loadMigrations, migrate, type MigrateOptions, type StorageMode } from '../migrate';
import type { StoragePool } from '../pool';
import { PositionRepository, type PositionInsertMethod } from '../position.repository';
import { RegistryRepository } from '../registry.repository';
import { RelayRepository } from '../relay.repository';
import { appendRegistryChange, inStorageTransaction, OutboxRelay, type OutboxMessage } from '../outbox.repository';
import { WimRepository } from '../wim.repository';
import { AuditRepository } from '../audit.repository';
import { UserRepository } from '../user.repository';
import { inTransaction } from '../sql';
import { VehicleListReadModel } from '../vehicle-list.read-model';
import { CompanyReportReadModel } from '../company-report.read-model';
import { PlaceReadModel } from '../place.read-model';
import { RegistryReferences } from '../registry-references';

/** The suite's weighings: six axles of a tractor and trailer, image references with a backslash and a tab (COPY escapes them). */
export const wim = (stationId: string, recordId: string, measuredAtMs: number, plate: string, grossKg: number): WimMeasurementV1 =>
  aWimRecord({
    stationId,
    stationRecordId: recordId,
    measuredAtMs,
    plate,
    grossKg,
    axleWeightsKg: [7000, 9000, 9000, 9000, 9000, grossKg - 43000],
    axleSpacingsMm: [3200, 1350, 7000, 1310, 1310],
    speedKmh: 62,
    imageRefs: ['img://1', 'img\\with\ttab'],
  });

/** Revision `revision` of an alert of vehicle A:2, started an hour ago and raised now. */
export const alert = (alertId: string, revision: number, over: Partial<AlertV1> = {}): AlertV1 =>
  anAlert({
    alertId,
    revision,
    vehicleId: 'A:2',
    plate: 'A',
    startedAtMs: Date.now() - 3_600_000,
    raisedAtMs: Date.now(),
    summary: `rev ${revision}`,
    details: { revision },
    ...over,
  });

/** The suite's reports: a registered vehicle whose plate is its id's, its odometer at 1,000 km. */
export const reportOf = (vehicleId: string): Partial<PositionV1> => ({
  vehicleId,
  plate: vehicleId.split(':')[0],
  plateColour: 2,
  altitudeM: 50,
  mileageKm: 1_000,
});

export const violation = (violationId: string, measurement: WimMeasurementV1): OverloadViolationV1 => ({
  v: 1,
  violationId,
  alertId: `alert-${violationId}`,
  vehicleId: `${measurement.plate}:2`,
  registered: true,
  companyId: 'C1',
  measurement,
  limitKg: 49_000,
  limitBasis: '超限规定 第3条 6轴',
  maxPermissibleErrorKg: 2_450,
  confirmedGrossKg: measurement.grossKg - 2_450,
  excessKg: measurement.grossKg - 2_450 - 49_000,
  overloadRatio: (measurement.grossKg - 2_450 - 49_000) / 49_000,
  rawRatio: (measurement.grossKg - 49_000) / 49_000,
  isBaiDunWang: measurement.grossKg >= 100_000,
  overWeight: true,
  overDimensions: [],
  severity: 'serious',
  decidedAtMs: measurement.measuredAtMs + 5_000,
});

export const caseEvent = (eventId: string, caseId: string, violationId: string, type: CaseEventV1['type'], over: Partial<CaseEventV1> = {}): CaseEventV1 => ({
  v: 1,
  eventId,
  caseId,
  violationId,
  type,
  occurredAtMs: Date.now(),
  details: {},
  ...over,
});

export interface StorageHarness {
  pool: StoragePool;
  schema: string;
  expectedMode: StorageMode;
  migrateOptions?: MigrateOptions;
  insertMethods: PositionInsertMethod[];
  /** What `new PositionRepository(pool)` chooses on this server. */
  defaultInsertMethod: PositionInsertMethod;
  teardown(): Promise<void>;
}

/**
 * The repository tests, written once and run against each server: the embedded
 * TimescaleDB, and the real PostgreSQL with pg_partman and with the hand-written partitions.
 */
export function describeStorageSuite(name: string, open: () => Promise<StorageHarness>): void {
  describe(name, () => {
    let h: StorageHarness;
    const now = Date.now();

    beforeAll(async () => {
      h = await open();
      const first = await migrate(h.pool, h.migrateOptions);
      expect(first.mode).toBe(h.expectedMode);
      // Every migration of the folder, in order (0001_registry … ).
      expect(first.applied).toEqual(loadMigrations().map((m) => m.id));
    });
    afterAll(async () => {
      await h?.teardown();
    });

    it('applies each migration once', async () => {
      const again = await migrate(h.pool, h.migrateOptions);
      expect(again.applied).toEqual([]);
      const { rows } = await h.pool.query('SELECT id, mode FROM schema_migrations ORDER BY id');
      expect(rows.map((r) => r.mode)).toEqual(Array(loadMigrations().length).fill(h.expectedMode));
    });

    it('builds the time-series structure of its mode', async () => {
      if (h.expectedMode === 'timescaledb') {
        const ht = await h.pool.query(
          `SELECT hypertable_name, compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 ORDER BY 1`,
          [h.schema],
        );
        expect(ht.rows).toEqual([
          { hypertable_name: 'alert_revisions', compression_enabled: true },
          { hypertable_name: 'alerts', compression_enabled: true },
          { hypertable_name: 'positions', compression_enabled: true },
          { hypertable_name: 'wim_measurements', compression_enabled: true },
        ]);
        const cagg = await h.pool.query(`SELECT view_name FROM timescaledb_information.continuous_aggregates WHERE view_schema = $1`, [h.schema]);
        expect(cagg.rows).toEqual([{ view_name: 'vehicle_daily' }]);
        const jobs = await h.pool.query(
          `SELECT proc_name, hypertable_name FROM timescaledb_information.jobs WHERE hypertable_schema = $1 OR hypertable_schema LIKE '\\_timescaledb%'`,
          [h.schema],
        );
        expect(jobs.rows.map((r) => r.proc_name).sort()).toEqual(
          expect.arrayContaining(['policy_compression', 'policy_retention', 'policy_refresh_continuous_aggregate']),
        );
      } else {
        const parts = await h.pool.query(
          `SELECT p.relname AS parent, count(*)::int AS n, bool_or(pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT') AS has_default
           FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid
           WHERE p.relnamespace = $1::regnamespace AND p.relkind = 'p' GROUP BY 1 ORDER BY 1`,
          [h.schema],
        );
        expect(parts.rows.map((r) => r.parent)).toEqual(['alert_revisions', 'alerts', 'positions', 'wim_measurements']);
        for (const r of parts.rows) {
          expect(r.n).toBeGreaterThanOrEqual(8);
          expect(r.has_default).toBe(true);
        }
        // A partition covering tomorrow exists already (created ahead).
        const ahead = await h.pool.query(
          `SELECT count(*)::int AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'positions'::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
             AND substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamptz > now() + interval '1 day'`,
        );
        expect(ahead.rows[0].n).toBeGreaterThan(0);
        const meta = await h.pool.query('SELECT partitioner FROM storage_meta');
        expect(meta.rows[0].partitioner).toBe(h.migrateOptions?.partitioning === 'native' ? 'native' : 'partman');
      }
    });

    it('re-delivered positions never make a second row, on every insert path', async () => {
      for (const method of h.insertMethods) {
        const repo = new PositionRepository(h.pool, { insertMethod: method, batchSize: 400 });
        const vid = `IDEM-${method}:2`;
        const batch = positionsEvery(1_000, 1_000, { ...reportOf(vid), deviceTimeMs: now - HOUR_MS }, (i) => ({
          speedKmh: i % 90,
          driverId: i % 2 ? 'D1' : undefined,
        }));
        expect(await repo.insertMany(batch)).toBe(1_000);
        // The same batch again, plus duplicates inside one batch, plus 10 new reports.
        const more = [...batch, ...batch.slice(0, 50), ...positionsEvery(1_000, 10, { ...reportOf(vid), deviceTimeMs: now - HOUR_MS + 1_000 * 1_000 })];
        expect(await repo.insertMany(more)).toBe(10);
        expect(await repo.count(vid)).toBe(1_010);
      }
    });

    it('one chooser: the repository takes binary COPY on a real server and unnest on the embedded one', () => {
      expect(new PositionRepository(h.pool).insertMethod).toBe(h.defaultInsertMethod);
      expect(new PositionRepository(h.pool, { insertMethod: 'unnest' }).insertMethod).toBe('unnest');
    });

    it('every insert path stores exactly the rows: odd text, extreme numbers, nulls, in any order', async () => {
      const odd = (vid: string, t: number): PositionV1[] => [
        aPosition({
          ...reportOf(vid),
          deviceTimeMs: t + 2,
          plate: '京A·12345😀',
          terminalId: 'back\\slash "quoted" \'single\' tab\there',
          driverId: '司机-Ω-\u00e9',
          alarmFlags: 0xffff_ffff,
          statusFlags: 2 ** 53 - 1,
          latitudeDeg: -0,
          longitudeDeg: -180,
          altitudeM: -1.25e-7,
          speedKmh: 0,
          headingDeg: 360,
          mileageKm: 1.7976931348623157e308,
          recorderSpeedKmh: 61.5,
          satellites: 32_767,
          signalStrength: 255,
          plateColour: 255,
          accOn: false,
          gnssFixed: false,
          registered: false,
          source: 'batch',
        }),
        aPosition({
          ...reportOf(vid),
          deviceTimeMs: t,
          plate: undefined,
          plateColour: undefined,
          driverId: undefined,
          mileageKm: undefined,
          recorderSpeedKmh: undefined,
          satellites: undefined,
        }),
        aPosition({ ...reportOf(vid), deviceTimeMs: t + 1, plate: '', terminalId: 'x'.repeat(5_000) }),
      ];
      for (const method of h.insertMethods) {
        const repo = new PositionRepository(h.pool, { insertMethod: method });
        const vid = `ODD-${method}:2`;
        const base = now - 3 * HOUR_MS;
        const batch = odd(vid, base);
        expect(await repo.insertMany(batch)).toBe(3);
        const { rows } = await h.pool.query<{
          device_ms: number;
          plate: string | null;
          terminal_id: string;
          driver_id: string | null;
          alarm_flags: string;
          status_flags: string;
          lat: number;
          alt: number;
          mileage_km: number | null;
          rec: number | null;
          satellites: number | null;
          signal_strength: number | null;
          plate_colour: number | null;
          acc_on: boolean;
          registered: boolean;
          source: string;
        }>(
          `SELECT (extract(epoch FROM device_time) * 1000)::float8 AS device_ms, plate, terminal_id, driver_id, alarm_flags, status_flags,
                  latitude_deg AS lat, altitude_m AS alt, mileage_km, recorder_speed_kmh AS rec, satellites, signal_strength, plate_colour, acc_on, registered, source
           FROM positions WHERE vehicle_id = $1 ORDER BY device_time`,
          [vid],
        );
        expect(rows.map((r) => r.device_ms)).toEqual([base, base + 1, base + 2]);
        expect(rows[0]).toMatchObject({
          plate: null,
          driver_id: null,
          mileage_km: null,
          rec: null,
          satellites: null,
          signal_strength: null,
          plate_colour: null,
          acc_on: true,
        });
        expect(rows[1]).toMatchObject({ plate: '', terminal_id: 'x'.repeat(5_000) });
        expect(rows[2]).toMatchObject({
          plate: '京A·12345😀',
          terminal_id: 'back\\slash "quoted" \'single\' tab\there',
          driver_id: '司机-Ω-\u00e9',
          alarm_flags: String(0xffff_ffff),
          status_flags: String(2 ** 53 - 1),
          mileage_km: 1.7976931348623157e308,
          satellites: 32_767,
          signal_strength: 255,
          plate_colour: 255,
          acc_on: false,
          registered: false,
          source: 'batch',
        });
        // −0 may come back as 0 (unnest sends String(−0), "0"): the same latitude either way.
        expect(rows[2]?.lat === 0).toBe(true);
        // float4 columns keep what float4 holds, on both paths alike.
        expect(rows[2]?.alt).toBeCloseTo(-1.25e-7, 12);
        expect(rows[2]?.rec).toBe(61.5);
        // Re-delivered in reverse order, with one new report: only that one is added.
        expect(await repo.insertMany([aPosition({ ...reportOf(vid), deviceTimeMs: base + 3 }), ...[...batch].reverse()])).toBe(1);
        expect(await repo.count(vid)).toBe(4);
      }
    });

    it('a value its column cannot hold is refused (SQLSTATE 22003) on every path, and nothing of its batch is stored', async () => {
      for (const method of h.insertMethods) {
        const repo = new PositionRepository(h.pool, { insertMethod: method });
        const vid = `POISON-${method}:2`;
        const batch = positionsEvery(1_000, 20, { ...reportOf(vid), deviceTimeMs: now - 2 * HOUR_MS }, (i) => (i === 7 ? { satellites: 70_000 } : {}));
        await expect(repo.insertMany(batch)).rejects.toMatchObject({ code: '22003' });
        expect(await repo.count(vid)).toBe(0);
        // The same batch without the poisoned report goes in whole.
        expect(await repo.insertMany(batch.filter((_, i) => i !== 7))).toBe(19);
      }
    });

    it('round-trips a position, optional fields and flags intact', async () => {
      const repo = new PositionRepository(h.pool, { insertMethod: h.insertMethods.at(-1) ?? 'unnest' });
      const p = aPosition({
        ...reportOf('RT:1'),
        deviceTimeMs: now - 5 * MINUTE_MS + 123,
        alarmFlags: 0x8000_0004,
        statusFlags: 0x0000_0c03,
        registered: false,
        plate: undefined,
        plateColour: undefined,
        mileageKm: undefined,
        recorderSpeedKmh: 61.5,
        satellites: 12,
        source: 'blind-area',
        terminalId: 'tab\there',
      });
      await repo.insertMany([p]);
      const [back] = await repo.latest(['RT:1']);
      expect(back).toEqual(p);
    });

    it('returns the latest position of each vehicle', async () => {
      const repo = new PositionRepository(h.pool);
      await repo.insertMany([
        ...positionsEvery(MINUTE_MS, 30, { ...reportOf('L1:2'), deviceTimeMs: now - 30 * MINUTE_MS }),
        ...positionsEvery(MINUTE_MS, 10, { ...reportOf('L2:2'), deviceTimeMs: now - 90 * MINUTE_MS }),
      ]);
      const latest = await repo.latest(['L1:2', 'L2:2', 'NOPE:2']);
      expect(latest.map((p) => [p.vehicleId, p.deviceTimeMs])).toEqual([
        ['L1:2', now - 30 * MINUTE_MS + 29 * MINUTE_MS],
        ['L2:2', now - 90 * MINUTE_MS + 9 * MINUTE_MS],
      ]);
      const since = await repo.latestSince(now - 10 * MINUTE_MS);
      expect(since.map((p) => p.vehicleId)).toContain('L1:2');
      expect(since.map((p) => p.vehicleId)).not.toContain('L2:2');
    });

    it('a report dated 2099 is stored, but the latest stays the last report not ahead of its receipt by more than 10 min', async () => {
      const repo = new PositionRepository(h.pool);
      const y2099 = Date.UTC(2099, 0, 1);
      const valid = positionsEvery(MINUTE_MS, 5, { ...reportOf('F1:2'), deviceTimeMs: now - 10 * MINUTE_MS });
      const future = aPosition({ ...reportOf('F1:2'), deviceTimeMs: y2099, receivedAtMs: now - 7 * MINUTE_MS });
      // 9 min ahead of its receipt is within the skew: it may be the latest.
      const slightlyAhead = aPosition({ ...reportOf('F2:2'), deviceTimeMs: now + 8 * MINUTE_MS, receivedAtMs: now - MINUTE_MS });
      const beyond = aPosition({ ...reportOf('F3:2'), deviceTimeMs: now + 10 * MINUTE_MS + 1, receivedAtMs: now - MINUTE_MS + 1 });
      const before = aPosition({ ...reportOf('F3:2'), deviceTimeMs: now - MINUTE_MS });
      expect(await repo.insertMany([...valid, future, slightlyAhead, before, beyond])).toBe(9);
      expect(await repo.count('F1:2')).toBe(6);
      const latest = await repo.latest(['F1:2', 'F2:2', 'F3:2']);
      expect(latest.map((p) => [p.vehicleId, p.deviceTimeMs])).toEqual([
        ['F1:2', now - 6 * MINUTE_MS],
        ['F2:2', now + 8 * MINUTE_MS],
        ['F3:2', now - MINUTE_MS],
      ]);
      const since = (await repo.latestSince(now - 20 * MINUTE_MS)).filter((p) => p.vehicleId.startsWith('F'));
      expect(since.map((p) => [p.vehicleId, p.deviceTimeMs])).toEqual(latest.map((p) => [p.vehicleId, p.deviceTimeMs]));
      // The skew is the repository's to set.
      expect((await new PositionRepository(h.pool, { clockSkewMs: MINUTE_MS }).latest(['F2:2'])).map((p) => p.deviceTimeMs)).toEqual([]);
    });

    it('downsamples long tracks with date_bin, each bucket shown by its fastest report', async () => {
      const repo = new PositionRepository(h.pool);
      const start = chinaMidnightMs(now) - DAY_MS + 8 * HOUR_MS; // yesterday 08:00 local
      // 6 h of 10 s reports; one 118 km/h spike at report 1,000 (mid-bucket: 1,000 = 166 × 6 + 4).
      await repo.insertMany(
        positionsEvery(10_000, 2_160, { ...reportOf('TRK:2'), deviceTimeMs: start }, (i) => ({ speedKmh: i === 1_000 ? 118 : 50 + (i % 7) })),
      );
      const raw = await repo.track('TRK:2', start, start + HOUR_MS);
      expect(raw.bucketMs).toBe(0);
      expect(raw.points).toHaveLength(360);
      // No more reports than maxPoints: raw, whatever the range.
      expect((await repo.track('TRK:2', start, start + HOUR_MS, { maxPoints: 360 })).bucketMs).toBe(0);
      const perMinute = await repo.track('TRK:2', start, start + 6 * HOUR_MS, { bucketMs: MINUTE_MS });
      expect(perMinute.points).toHaveLength(360);
      expect(perMinute.points.every((p) => p.bucketReports === 6)).toBe(true);
      expect(perMinute.points[0]?.bucketStartMs).toBe(start);
      // Bucket 0 holds speeds 50..55: its point is the 55 km/h report, the sixth.
      expect(perMinute.points[0]).toMatchObject({ deviceTimeMs: start + 5 * 10_000, speedKmh: 55, bucketMaxSpeedKmh: 55 });
      const spikeBucket = perMinute.points.find((p) => p.bucketStartMs === start + Math.floor(1_000 / 6) * MINUTE_MS);
      // The spike is a real point of the track, at its own time, not only a bucket figure.
      expect(spikeBucket).toMatchObject({ deviceTimeMs: start + 1_000 * 10_000, speedKmh: 118, bucketMaxSpeedKmh: 118 });
      const auto = await repo.track('TRK:2', start, start + 6 * HOUR_MS, { maxPoints: 100 });
      expect(auto.bucketMs).toBe(216_000);
      expect(auto.points).toHaveLength(100);
      expect(Math.max(...auto.points.map((p) => p.speedKmh))).toBe(118);
      // An uneven ratio rounds the bucket up to whole seconds: never more than maxPoints, evenly spaced.
      const uneven = await repo.track('TRK:2', start, start + 6 * HOUR_MS, { maxPoints: 7 });
      expect(uneven.bucketMs).toBe(3_086_000);
      expect(uneven.points.length).toBeLessThanOrEqual(7);
      expect(uneven.points.map((p) => p.bucketStartMs)).toEqual(uneven.points.map((_, i) => start + i * 3_086_000));
    });

    it('applies a later alert revision and ignores earlier or equal ones', async () => {
      const repo = new AlertRepository(h.pool);
      const startedAtMs = now - 2 * HOUR_MS;
      expect(await repo.upsertMany([alert('al-1', 0, { startedAtMs })])).toBe(1);
      expect(await repo.upsertMany([alert('al-1', 2, { startedAtMs, severity: 'serious', endedAtMs: startedAtMs + 90_000 })])).toBe(1);
      expect(await repo.upsertMany([alert('al-1', 1, { startedAtMs, severity: 'minor' })])).toBe(0);
      expect(await repo.upsertMany([alert('al-1', 2, { startedAtMs, severity: 'minor' })])).toBe(0);
      // Several revisions in one batch: the highest wins.
      expect(
        await repo.upsertMany([alert('al-1', 3, { startedAtMs }), alert('al-1', 5, { startedAtMs, summary: 'five' }), alert('al-1', 4, { startedAtMs })]),
      ).toBe(1);
      const stored = await repo.get('al-1');
      expect(stored).toMatchObject({ revision: 5, summary: 'five', details: { revision: 5 } });
      const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM alerts WHERE alert_id = 'al-1'`);
      expect(rows[0].n).toBe(1);
    });

    it('keeps every revision once, the latest as the alert, its first-raised time whatever the order, its limit instant', async () => {
      const repo = new AlertRepository(h.pool);
      const startedAtMs = now - 5 * HOUR_MS;
      const limitPassedAtMs = startedAtMs + 4 * HOUR_MS;
      const raised = (revision: number) => startedAtMs + 4 * HOUR_MS + 30_000 + revision * 600_000;
      // As the detector publishes them: every revision says when the alert was first raised.
      const rev = (revision: number, over: Partial<AlertV1> = {}) =>
        alert('hist-1', revision, {
          rule: 'fatigue_continuous',
          startedAtMs,
          raisedAtMs: raised(revision),
          firstRaisedAtMs: raised(0),
          limitPassedAtMs,
          ...over,
        });
      // Out of order (2 before 1), then a redelivery of all three.
      expect(await repo.upsertMany([rev(0)])).toBe(1);
      expect(await repo.upsertMany([rev(2, { endedAtMs: raised(2), summary: 'closed' })])).toBe(1);
      expect(await repo.upsertMany([rev(1)])).toBe(0);
      expect(await repo.upsertMany([rev(0), rev(1), rev(2, { endedAtMs: raised(2), summary: 'closed' })])).toBe(0);
      expect(await repo.get('hist-1')).toMatchObject({ revision: 2, summary: 'closed', raisedAtMs: raised(2), firstRaisedAtMs: raised(0), limitPassedAtMs });
      const history = await repo.revisions('hist-1');
      expect(history.map((a) => [a.revision, a.raisedAtMs, a.firstRaisedAtMs, a.limitPassedAtMs])).toEqual([
        [0, raised(0), raised(0), limitPassedAtMs],
        [1, raised(1), raised(0), limitPassedAtMs],
        [2, raised(2), raised(0), limitPassedAtMs],
      ]);
      expect(history[2]).toEqual(rev(2, { endedAtMs: raised(2), summary: 'closed' }));

      // Messages from before firstRaisedAtMs existed: the earliest raising seen is kept, even
      // when revision 0 arrives last, and when a batch holds several revisions.
      const old = (revision: number) => alert('hist-old', revision, { startedAtMs, raisedAtMs: raised(revision) });
      await repo.upsertMany([old(2)]);
      expect((await repo.get('hist-old'))?.firstRaisedAtMs).toBe(raised(2));
      await repo.upsertMany([old(1), old(3)]);
      expect(await repo.get('hist-old')).toMatchObject({ revision: 3, firstRaisedAtMs: raised(1) });
      expect(await repo.upsertMany([old(0)])).toBe(1);
      expect(await repo.get('hist-old')).toMatchObject({ revision: 3, firstRaisedAtMs: raised(0) });
      expect((await repo.revisions('hist-old')).map((a) => a.revision)).toEqual([0, 1, 2, 3]);
      // A revision without the limit instant (an older producer) does not erase it.
      await repo.upsertMany([alert('hist-1', 3, { startedAtMs, raisedAtMs: raised(3) })]);
      expect(await repo.get('hist-1')).toMatchObject({ revision: 3, firstRaisedAtMs: raised(0), limitPassedAtMs });
      expect(await repo.revisions('no-such-alert')).toEqual([]);
    });

    it('reads revisions in the scope that reads the alert', async () => {
      const repo = new AlertRepository(h.pool);
      const t = now - 9 * HOUR_MS;
      await new RegistryRepository(h.pool).upsertCompany({ companyId: 'RV-C', name: '甲公司', regionCode: '120101' });
      await new RegistryRepository(h.pool).upsertVehicle({
        vehicleId: 'RV-V1',
        plate: '津A22222',
        plateColour: 2,
        vehicleClass: 'heavy_truck',
        companyId: 'RV-C',
      });
      await repo.upsertMany([
        alert('rv-1', 0, { startedAtMs: t, vehicleId: 'RV-V1', companyId: 'RV-C' }),
        alert('rv-1', 1, { startedAtMs: t, vehicleId: 'RV-V1', companyId: 'RV-C' }),
      ]);
      expect((await repo.revisions('rv-1', { companyId: 'RV-C' })).map((a) => a.revision)).toEqual([0, 1]);
      expect((await repo.revisions('rv-1', { regionPrefix: '12' })).map((a) => a.revision)).toEqual([0, 1]);
      expect(await repo.revisions('rv-1', { companyId: 'OTHER' })).toEqual([]);
      expect(await repo.revisions('rv-1', { regionPrefix: '11' })).toEqual([]);
    });

    it('keeps the Chinese summary and its English; an alert without English reads back without it', async () => {
      const repo = new AlertRepository(h.pool);
      const startedAtMs = now - 2 * HOUR_MS;
      await repo.upsertMany([
        alert('al-zh', 0, { startedAtMs, summary: '超速：车速95 km/h，限速80 km/h', summaryEn: 'Speeding 95 km/h where the limit is 80 km/h' }),
        alert('al-old', 0, { startedAtMs }),
      ]);
      expect(await repo.get('al-zh')).toMatchObject({ summary: '超速：车速95 km/h，限速80 km/h', summaryEn: 'Speeding 95 km/h where the limit is 80 km/h' });
      // A later revision replaces the English too.
      await repo.upsertMany([alert('al-zh', 1, { startedAtMs, summary: '超速（已结束）', summaryEn: 'Speeding (ended)' })]);
      expect(await repo.get('al-zh')).toMatchObject({ revision: 1, summary: '超速（已结束）', summaryEn: 'Speeding (ended)' });
      const old = await repo.get('al-old');
      expect(old).toBeDefined();
      expect(old).not.toHaveProperty('summaryEn');
      const found = await repo.find({ fromMs: startedAtMs - 1, toMs: now + HOUR_MS });
      expect(found.find((x) => x.alertId === 'al-zh')?.summaryEn).toBe('Speeding (ended)');
    });

    it("keeps how late an alert's data was received (receivedLateByMs); a live alert reads back without it", async () => {
      const repo = new AlertRepository(h.pool);
      const startedAtMs = now - 3 * HOUR_MS;
      const weeksMs = 21 * DAY_MS;
      await repo.upsertMany([alert('al-late', 0, { startedAtMs, receivedLateByMs: weeksMs }), alert('al-live', 0, { startedAtMs })]);
      expect((await repo.get('al-late'))?.receivedLateByMs).toBe(weeksMs);
      expect(await repo.get('al-live')).not.toHaveProperty('receivedLateByMs');
      const found = await repo.find({ fromMs: startedAtMs - 1, toMs: startedAtMs + 1 });
      expect(found.find((x) => x.alertId === 'al-late')?.receivedLateByMs).toBe(weeksMs);
    });

    it('finds alerts by rule, severity, company and time', async () => {
      const repo = new AlertRepository(h.pool);
      const t = now - 5 * HOUR_MS;
      await repo.upsertMany([
        alert('f-1', 0, { startedAtMs: t, rule: 'fatigue_continuous', severity: 'serious', companyId: 'CF' }),
        alert('f-2', 0, { startedAtMs: t + MINUTE_MS, rule: 'fatigue_continuous', severity: 'minor', companyId: 'CF' }),
        alert('f-3', 0, { startedAtMs: t + 2 * MINUTE_MS, rule: 'night_ban_2_5', severity: 'serious', companyId: 'CF' }),
        alert('f-4', 0, { startedAtMs: t + 3 * MINUTE_MS, rule: 'fatigue_continuous', severity: 'serious', companyId: 'OTHER' }),
        alert('f-5', 0, { startedAtMs: t - DAY_MS, rule: 'fatigue_continuous', severity: 'serious', companyId: 'CF' }),
      ]);
      const found = await repo.find({ fromMs: t - HOUR_MS, toMs: now, rules: ['fatigue_continuous'], severities: ['serious'], companyId: 'CF' });
      expect(found.map((a) => a.alertId)).toEqual(['f-1']);
      const all = await repo.find({ fromMs: t - HOUR_MS, toMs: now, companyId: 'CF' });
      expect(all.map((a) => a.alertId)).toEqual(['f-3', 'f-2', 'f-1']);
    });

    it('finds alerts within a scope on their owner (registry first) and by acknowledgement, newest acknowledgement winning', async () => {
      const repo = new AlertRepository(h.pool);
      const t = now - 7 * HOUR_MS;
      // The alert says company OLD, the registry now says the vehicle belongs to CS-NEW in region 4401.
      await new RegistryRepository(h.pool).upsertCompany({ companyId: 'CS-NEW', name: '新公司', regionCode: '440106' });
      await new RegistryRepository(h.pool).upsertVehicle({
        vehicleId: 'SC-V1',
        plate: '粤A11111',
        plateColour: 2,
        vehicleClass: 'heavy_truck',
        companyId: 'CS-NEW',
      });
      await repo.upsertMany([
        alert('sc-1', 0, { startedAtMs: t, vehicleId: 'SC-V1', companyId: 'OLD', regionCode: '110000' }),
        alert('sc-2', 0, { startedAtMs: t + MINUTE_MS, vehicleId: 'SC-UNREG', companyId: 'OLD', regionCode: '110105' }),
      ]);
      const ids = (found: { alertId: string }[]) => found.map((a) => a.alertId);
      expect(ids(await repo.find({ fromMs: t, toMs: t + HOUR_MS, scope: { companyId: 'CS-NEW' } }))).toEqual(['sc-1']);
      expect(ids(await repo.find({ fromMs: t, toMs: t + HOUR_MS, scope: { companyId: 'OLD' } }))).toEqual(['sc-2']);
      expect(ids(await repo.find({ fromMs: t, toMs: t + HOUR_MS, scope: { regionPrefix: '4401' } }))).toEqual(['sc-1']);
      expect(ids(await repo.find({ fromMs: t, toMs: t + HOUR_MS, regionCode: '11' }))).toEqual(['sc-2']);
      expect(await repo.get('sc-1', { companyId: 'OLD' })).toBeUndefined();
      expect((await repo.get('sc-1', { companyId: 'CS-NEW' }))?.owner).toEqual({ companyId: 'CS-NEW', regionCode: '440106' });

      await repo.acknowledge('sc-1', { byUsername: 'op1', atMs: t + 2 * MINUTE_MS, comment: '已电话提醒' });
      await repo.acknowledge('sc-1', { byUsername: 'op2', atMs: t + 3 * MINUTE_MS, comment: '司机已停车休息' });
      expect((await repo.get('sc-1'))?.ack).toEqual({ byUsername: 'op2', atMs: t + 3 * MINUTE_MS, comment: '司机已停车休息' });
      expect(ids(await repo.find({ fromMs: t, toMs: t + HOUR_MS, acknowledged: true }))).toEqual(['sc-1']);
      expect(ids(await repo.find({ fromMs: t, toMs: t + HOUR_MS, acknowledged: false }))).toEqual(['sc-2']);
    });

    it('stores WIM records once and finds them by plate and time', async () => {
      const repo = new WimRepository(h.pool);
      const t = now - 3 * HOUR_MS;
      const records = [wim('S1', 'r1', t, '冀A12345', 55_000), wim('S1', 'r2', t + MINUTE_MS, '冀A12345', 101_000), wim('S2', 'r1', t, '京B1', 30_000)];
      expect(await repo.insertMany(records)).toBe(3);
      expect(await repo.insertMany(records)).toBe(0);
      const found = await repo.find({ plate: '冀A12345', fromMs: t, toMs: now });
      expect(found.map((m) => m.measurementId)).toEqual(['S1/r2', 'S1/r1']);
      expect(found[0]).toEqual(records[1]);
      expect(await repo.find({ plate: '冀A12345', fromMs: t + 1, toMs: now })).toHaveLength(1);
      expect((await repo.find({ stationId: 'S2', fromMs: t, toMs: now })).map((m) => m.measurementId)).toEqual(['S2/r1']);
      // Pagination: newest first, ties by measurement id.
      const page = (offset: number) => repo.find({ fromMs: t, toMs: t + 2 * MINUTE_MS, limit: 1, offset }).then((ms) => ms.map((m) => m.measurementId));
      expect([...(await page(0)), ...(await page(1)), ...(await page(2)), ...(await page(3))]).toEqual(['S1/r2', 'S1/r1', 'S2/r1']);
    });

    it('after a refused WIM or violation insert, the next one on the same connection is stored (the embedded server keeps a failed named statement)', async () => {
      const repo = new WimRepository(h.pool);
      const violations = new OverloadViolationRepository(h.pool);
      const t = now - 5 * HOUR_MS;
      // lane is a smallint: 70,000 is refused (22003) after the statement was parsed.
      await expect(repo.insertMany([{ ...wim('SR', 'bad', t, '冀R1', 40_000), lane: 70_000 }])).rejects.toMatchObject({ code: '22003' });
      expect(await repo.insertMany([wim('SR', 'good', t, '冀R1', 40_000)])).toBe(1);
      await expect(violations.insertMany([{ ...violation('v-bad', wim('SR', 'b2', t, '冀R1', 104_000)), decidedAtMs: 1e17 }])).rejects.toHaveProperty(
        'code',
        '22008',
      );
      expect(await violations.insertMany([violation('v-good', wim('SR', 'g2', t, '冀R1', 104_000))])).toBe(1);
    });

    it('scopes WIM records by company (registered plate + colour) and by region prefix (station, vehicle, company)', async () => {
      const repo = new WimRepository(h.pool);
      const registry = new RegistryRepository(h.pool);
      const t = now - 4 * HOUR_MS;
      await registry.upsertCompany({ companyId: 'CW', name: '唐山货运', regionCode: '130200' });
      await registry.upsertVehicle({ vehicleId: '冀B7:2', plate: '冀B7', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'CW' });
      await registry.upsertWimStation({ stationId: 'SW-BJ', name: '京开 K10', regionCode: '110105' });
      await repo.insertMany([
        wim('SW-HB', 'r1', t, '冀B7', 40_000),
        wim('SW-BJ', 'r1', t + MINUTE_MS, '冀B7', 41_000),
        wim('SW-BJ', 'r2', t + 2 * MINUTE_MS, '京C8', 30_000),
      ]);
      const ids = (scope: { companyId?: string; regionPrefix?: string }) =>
        repo.find({ fromMs: t, toMs: t + HOUR_MS, scope }).then((ms) => ms.map((m) => m.measurementId));
      expect(await ids({ companyId: 'CW' })).toEqual(['SW-BJ/r1', 'SW-HB/r1']);
      expect(await ids({ companyId: 'OTHER' })).toEqual([]);
      // The station's region first: both weighings at the Beijing station, whoever was weighed.
      expect(await ids({ regionPrefix: '11' })).toEqual(['SW-BJ/r2', 'SW-BJ/r1']);
      // A station without a region falls back to the vehicle's company.
      expect(await ids({ regionPrefix: '1302' })).toEqual(['SW-HB/r1']);
      // LIKE wildcards in a prefix are literal.
      expect(await ids({ regionPrefix: '%' })).toEqual([]);
      expect(await ids({})).toHaveLength(3);
    });

    it('keeps violations once and projects 一超四罚 case events idempotently', async () => {
      const violations = new OverloadViolationRepository(h.pool);
      const cases = new CaseRepository(h.pool);
      const v = violation('v-1', wim('S9', 'r1', now - HOUR_MS, '冀B99999', 104_000));
      expect(await violations.insert(v)).toBe(true);
      expect(await violations.insert(v)).toBe(false);
      // The archiver's bulk path: one statement, duplicates inside the list and known ids skipped.
      const more = [
        violation('v-2', wim('S9', 'r2', now - HOUR_MS + 60_000, '冀B99998', 103_000)),
        violation('v-3', wim('S9', 'r3', now - HOUR_MS + 120_000, '冀B99997', 102_000)),
      ];
      expect(await violations.insertMany([...more, v, ...more])).toBe(2);
      expect(await violations.insertMany(more)).toBe(0);
      expect(await violations.countForVehicle(v.vehicleId, now - 2 * HOUR_MS, now)).toBe(1);
      const events = [
        caseEvent('e1', 'case-1', 'v-1', 'opened'),
        caseEvent('e2', 'case-1', 'v-1', 'party_named', { party: 'driver', details: { partyRef: 'D7', name: '张三', licenceNo: 'QC-1' } }),
        caseEvent('e3', 'case-1', 'v-1', 'party_named', { party: 'vehicle_owner', details: { name: '某物流' } }),
        caseEvent('e4', 'case-1', 'v-1', 'party_named', { party: 'transport_company', details: { partyRef: 'C1' } }),
        caseEvent('e5', 'case-1', 'v-1', 'party_named', { party: 'source_unit', details: { partyRef: 'SITE-1' } }),
        caseEvent('e6', 'case-1', 'v-1', 'penalty_proposed', { party: 'vehicle_owner', details: { fineYuan: 26_000, basis: '第43条' } }),
        caseEvent('e7', 'case-1', 'v-1', 'decided'),
      ];
      for (const e of events) expect(await cases.apply(e)).toBe(true);
      for (const e of events) expect(await cases.apply(e)).toBe(false);
      const record = await cases.get('case-1');
      expect(record).toMatchObject({ status: 'decided', vehicleId: '冀B99999:2', companyId: 'C1' });
      expect(record?.parties.map((p) => p.party)).toEqual(['driver', 'source_unit', 'transport_company', 'vehicle_owner']);
      expect(record?.penalties).toEqual([
        { party: 'vehicle_owner', status: 'decided', fineYuan: 26_000, points: undefined, warning: false, measures: [], basis: '第43条' },
      ]);
      expect(record?.events).toHaveLength(7);
      await expect(cases.apply(caseEvent('e-x', 'case-2', 'no-such-violation', 'opened'))).rejects.toThrow(/unknown violation/);
      expect(await cases.get('case-2')).toBeUndefined();
      // The API's read model of the case: its weighing, its owner (the case's copy: the vehicle is not registered), scoped.
      const read = new CaseReadModel(h.pool);
      expect(await read.get({}, 'case-1')).toMatchObject({
        caseId: 'case-1',
        violationId: 'v-1',
        status: 'decided',
        ownerCompanyId: 'C1',
        stationId: 'S9',
        vehicleOwnerFineYuan: 26_000,
        flaggedForReview: false,
      });
      expect(await read.get({ companyId: 'OTHER' }, 'case-1')).toBeUndefined();
      expect((await read.list({ companyId: 'C1' }, { status: ['decided'], party: 'D7', limit: 10, offset: 0 })).map((c) => c.caseId)).toEqual(['case-1']);
      expect(await read.list({ companyId: 'C1' }, { status: ['opened'], limit: 10, offset: 0 })).toEqual([]);
    });

    it('maps terminals to vehicles through the registry', async () => {
      const registry = new RegistryRepository(h.pool);
      await registry.upsertCompany({ companyId: 'CR', name: '某运输公司', regionCode: '130100' });
      await registry.upsertVehicle({
        vehicleId: '冀A1:2',
        plate: '冀A1',
        plateColour: 2,
        vehicleClass: 'heavy_truck',
        companyId: 'CR',
        axleCount: 6,
        isCombination: true,
        registeredMaxGrossKg: 49_000,
      });
      await registry.upsertTerminal({ terminalId: '013800000001', vehicleId: '冀A1:2', authCode: 'AUTH' });
      await registry.upsertWimStation({ stationId: 'S1', name: '京港澳 K200', kind: 'non_site', accuracyClassPct: 5 });
      await registry.upsertSpeedZone({
        segmentId: 'G4-1',
        roadClass: 'expressway',
        postedLimitKmh: 100,
        polyline: [
          [116.3, 39.8],
          [116.5, 40.0],
        ],
      });
      const found = await registry.byTerminal('013800000001');
      expect(found?.terminal.authCode).toBe('AUTH');
      expect(found?.vehicle).toMatchObject({ vehicleClass: 'heavy_truck', axleCount: 6, isCombination: true, companyId: 'CR' });
      expect(await registry.byTerminal('unknown')).toBeUndefined();
      expect(await registry.company('CR')).toEqual({ companyId: 'CR', name: '某运输公司', kind: 'transport', regionCode: '130100' });
      expect(await registry.company('nobody')).toBeUndefined();
      expect((await registry.wimStation('S1'))?.accuracyClassPct).toBe(5);
      expect((await registry.speedZonesNear(39.9, 116.4)).map((z) => z.segmentId)).toEqual(['G4-1']);
    });

    it("keeps one 接驳运输 relay per vehicle and night, scoped by the vehicle's owner; the detector reads the nights from a date on", async () => {
      const registry = new RegistryRepository(h.pool);
      const relays = new RelayRepository(h.pool);
      await registry.upsertCompany({ companyId: 'CB1', name: '石家庄客运', regionCode: '130100' });
      await registry.upsertCompany({ companyId: 'CB2', name: '保定客运', regionCode: '130600' });
      await registry.upsertVehicle({ vehicleId: '冀A9:1', plate: '冀A9', plateColour: 1, vehicleClass: 'long_distance_bus', companyId: 'CB1', routeKm: 420 });
      await registry.upsertVehicle({ vehicleId: '冀F9:1', plate: '冀F9', plateColour: 1, vehicleClass: 'tour_coach', companyId: 'CB2', regionCode: '130602' });
      const night = { relayPoint: '石家庄北服务区', handingOverDriver: 'D-1', takingOverDriver: '李四', registeredBy: 'cb1' };
      const first = await relays.upsert({ vehicleId: '冀A9:1', nightDate: '2031-05-01', ...night, latitudeDeg: 38.1, longitudeDeg: 114.5 });
      expect(first).toMatchObject({ vehicleId: '冀A9:1', nightDate: '2031-05-01', companyId: 'CB1', latitudeDeg: 38.1, longitudeDeg: 114.5 });
      // The same night again replaces it under the same id; a place can be taken away.
      const again = await relays.upsert({ vehicleId: '冀A9:1', nightDate: '2031-05-01', ...night, takingOverDriver: '王五' });
      expect(again).toMatchObject({ relayId: first.relayId, takingOverDriver: '王五' });
      expect(again).not.toHaveProperty('latitudeDeg');
      await relays.upsert({ vehicleId: '冀A9:1', nightDate: '2031-05-03', ...night });
      await relays.upsert({ vehicleId: '冀F9:1', nightDate: '2031-05-02', ...night, registeredBy: 'cb2' });
      await expect(relays.upsert({ vehicleId: 'nope:1', nightDate: '2031-05-02', ...night })).rejects.toThrow(/no vehicle/);
      const nights = (q: Parameters<RelayRepository['find']>[0]) => relays.find(q).then((rs) => rs.map((r) => `${r.vehicleId}@${r.nightDate}`));
      expect(await nights({ fromDate: '2031-05-01', toDate: '2031-05-03' })).toEqual(['冀A9:1@2031-05-01', '冀F9:1@2031-05-02', '冀A9:1@2031-05-03']);
      expect(await nights({ scope: { companyId: 'CB1' }, fromDate: '2031-05-01' })).toEqual(['冀A9:1@2031-05-01', '冀A9:1@2031-05-03']);
      expect(await nights({ scope: { regionPrefix: '1306' }, fromDate: '2031-05-01' })).toEqual(['冀F9:1@2031-05-02']);
      expect(await nights({ vehicleId: '冀A9:1', fromDate: '2031-05-02', toDate: '2031-05-02' })).toEqual([]);
      expect((await relays.nightsFrom('2031-05-02')).map((r) => r.nightDate)).toEqual(['2031-05-02', '2031-05-03']);
      // Another company can neither read nor delete it.
      expect(await relays.get(first.relayId, { companyId: 'CB2' })).toBeUndefined();
      expect(await relays.delete(first.relayId, { companyId: 'CB2' })).toBe(false);
      expect(await relays.delete(first.relayId, { companyId: 'CB1' })).toBe(true);
      expect(await relays.delete(first.relayId)).toBe(false);
      expect(await nights({ vehicleId: '冀A9:1', fromDate: '2031-05-01' })).toEqual(['冀A9:1@2031-05-03']);
    });

    it('computes daily figures per local day once maintenance has run', async () => {
      const repo = new PositionRepository(h.pool);
      const daily = new VehicleDailyRepository(h.pool);
      const d2 = chinaMidnightMs(now) - 2 * DAY_MS; // local midnight two days ago
      const d1 = d2 + DAY_MS;
      const vid = 'DAY:2';
      // Day D-2: 08:00–10:00 every minute (121 reports), the first 11 standing still, 1 km per minute after,
      // a 97 km/h peak; plus one at 23:59:30 local, which still belongs to D-2.
      const morning = positionsEvery(MINUTE_MS, 121, { ...reportOf(vid), deviceTimeMs: d2 + 8 * HOUR_MS }, (i) => ({
        speedKmh: i <= 10 ? 0 : i === 60 ? 97 : 60,
        mileageKm: 5_000 + Math.max(0, i - 10),
      }));
      const lateNight = aPosition({ ...reportOf(vid), deviceTimeMs: d1 - 30_000, speedKmh: 40, mileageKm: 5_112 });
      // Day D-1: 00:00:30 local and 29 more, stationary.
      const nextDay = positionsEvery(MINUTE_MS, 30, { ...reportOf(vid), deviceTimeMs: d1 + 30_000 }, () => ({ speedKmh: 0, mileageKm: 5_112 }));
      await repo.insertMany([...morning, lateNight, ...nextDay]);

      expect(await daily.forVehicle(vid, chinaDateOf(d2), chinaDateOf(d1))).toEqual([]); // not refreshed yet
      const report = await runMaintenance(h.pool);
      expect(report.refreshedDaily).toBe(true);
      expect(report.schedulerRunning).toBe(false);

      const days = await daily.forVehicle(vid, chinaDateOf(d2), chinaDateOf(d1));
      expect(days).toHaveLength(2);
      expect(days[0]).toMatchObject({
        date: chinaDateOf(d2),
        dayStartMs: d2,
        reports: 122,
        movingReports: 111,
        maxSpeedKmh: 97,
        mileageKm: 112,
        firstReportMs: d2 + 8 * HOUR_MS,
        lastReportMs: d1 - 30_000,
      });
      expect(days[1]).toMatchObject({ date: chinaDateOf(d1), dayStartMs: d1, reports: 30, movingReports: 0, maxSpeedKmh: 0, mileageKm: 0 });
      expect(await daily.forVehicles([vid, 'nobody'], chinaDateOf(d1), chinaDateOf(d1))).toHaveLength(1);
    });

    it("keeps each vehicle-day's most advanced quality counters: a stale snapshot or a snapshot after the final changes nothing", async () => {
      const repo = new VehicleQualityRepository(h.pool);
      const day = (date: string, received: number, final: boolean, extra: Partial<VehicleQualityDayV1> = {}): VehicleQualityDayV1 => ({
        v: 1,
        vehicleId: 'Q:1',
        date,
        final,
        computedAtMs: now + received,
        received,
        valid: received - 1,
        invalid: 1,
        drift: 0,
        duplicate: 0,
        late: 0,
        trackM: received * 500,
        completeTrackM: received * 400,
        incompleteGaps: 1,
        movedThroughGaps: 0,
        ...extra,
      });
      expect(await repo.upsertMany([day('2026-11-22', 10, false), day('2026-11-23', 5, false)])).toBe(2);
      // Newer snapshot moves the day on; the same again and an older one do not.
      expect(await repo.upsertMany([day('2026-11-22', 12, false)])).toBe(1);
      expect(await repo.upsertMany([day('2026-11-22', 12, false), day('2026-11-22', 11, false)])).toBe(0);
      // Same received, one more retransmission counted: still forward.
      expect(await repo.upsertMany([day('2026-11-22', 12, false, { duplicate: 1 })])).toBe(1);
      // The final wins, even with the counts of the last snapshot; no snapshot replaces it after.
      expect(await repo.upsertMany([day('2026-11-22', 12, true, { duplicate: 1, trackM: 6_500.25 })])).toBe(1);
      expect(await repo.upsertMany([day('2026-11-22', 13, false)])).toBe(0);
      // Within one batch the most advanced message of a day is the one kept, whatever its place.
      expect(await repo.upsertMany([day('2026-11-23', 8, false), day('2026-11-23', 7, false)])).toBe(1);

      const stored = await repo.forVehicles(['Q:1', 'Q:none'], '2026-11-22', '2026-11-23');
      expect(stored.map(({ updatedAtMs: _u, ...d }) => d)).toEqual([
        day('2026-11-22', 12, true, { duplicate: 1, trackM: 6_500.25 }),
        day('2026-11-23', 8, false),
      ]);
      expect(await repo.forVehicles(['Q:1'], '2026-11-23', '2026-11-30')).toHaveLength(1);
    });

    it('deletes daily quality counters past qualityDailyRetention, on every server (runMaintenance)', async () => {
      const repo = new VehicleQualityRepository(h.pool);
      const dayOf = (daysAgo: number): VehicleQualityDayV1 => ({
        v: 1,
        vehicleId: 'QR:2',
        date: chinaDateOf(now - daysAgo * DAY_MS),
        final: true,
        computedAtMs: now,
        received: 10,
        valid: 10,
        invalid: 0,
        drift: 0,
        duplicate: 0,
        late: 0,
        trackM: 0,
        completeTrackM: 0,
        incompleteGaps: 0,
        movedThroughGaps: 0,
      });
      await repo.upsertMany([dayOf(40), dayOf(20)]);
      await migrate(h.pool, { ...h.migrateOptions, settings: { qualityDailyRetention: '30 days' } });
      const report = await runMaintenance(h.pool, { scheduler: 'present' }); // even where a scheduler runs the rest
      expect(report.droppedQualityDays).toBe(1);
      const kept = await repo.forVehicles(['QR:2'], chinaDateOf(now - 60 * DAY_MS), chinaDateOf(now));
      expect(kept.map((d) => d.date)).toEqual([chinaDateOf(now - 20 * DAY_MS)]);
      await migrate(h.pool, { ...h.migrateOptions, settings: { qualityDailyRetention: '1095 days' } });
    });

    it('compresses and drops by the configured intervals (runMaintenance)', async () => {
      const repo = new PositionRepository(h.pool);
      // Six days back, so that its 100 minutes never reach a 1-day chunk that is still inside the
      // 4-day retention (from five days back they did between 22:20 and 24:00 UTC).
      const old = positionsEvery(MINUTE_MS, 100, { ...reportOf('OLD:2'), deviceTimeMs: now - 6 * DAY_MS });
      expect(await repo.insertMany(old)).toBe(100);

      await migrate(h.pool, { ...h.migrateOptions, settings: { positions: { compressAfter: '2 days' } } });
      const first = await runMaintenance(h.pool);
      if (h.expectedMode === 'timescaledb') {
        expect(first.compressedChunks).toBeGreaterThan(0);
        const chunks = await h.pool.query(
          `SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_schema = $1 AND hypertable_name = 'positions' AND is_compressed`,
          [h.schema],
        );
        expect(chunks.rows[0].n).toBeGreaterThan(0);
      }
      // Re-delivery into an old (compressed, on TimescaleDB) chunk is still idempotent.
      expect(await repo.insertMany(old)).toBe(0);
      expect(await repo.count('OLD:2')).toBe(100);

      await migrate(h.pool, { ...h.migrateOptions, settings: { positions: { retention: '4 days' } } });
      const second = await runMaintenance(h.pool);
      if (h.expectedMode === 'timescaledb') expect(second.droppedChunks).toBeGreaterThan(0);
      else expect(second.droppedPartitions).toBeGreaterThan(0);
      expect(await repo.count('OLD:2')).toBe(0);
      expect(await repo.count('DAY:2')).toBe(152); // two days old: kept
    });

    it('commits a registry write and its registry.changes event together (outbox), or neither; the relay sends them in id order once', async () => {
      const registry = (db: StoragePool) => new RegistryRepository(db);
      const changedAtMs = 1_764_000_000_000;
      const written = await inStorageTransaction(h.pool, async (tx) => {
        await registry(tx).upsertDriver({ driverId: 'OUTBOX-D1', name: '张三' });
        const first = await appendRegistryChange(tx, { entity: 'driver', id: 'OUTBOX-D1', change: 'upsert', changedAtMs });
        const second = await appendRegistryChange(tx, { entity: 'driver', id: 'OUTBOX-D1', change: 'delete', changedAtMs: changedAtMs + 1 });
        // A second connection inside the transaction would wait forever on the embedded server: refused.
        await expect(tx.connect()).rejects.toThrow(/transaction/);
        return [first, second];
      });
      expect(written[1]!.revision).toBeGreaterThan(written[0]!.revision);
      await expect(
        inStorageTransaction(h.pool, async (tx) => {
          await registry(tx).upsertDriver({ driverId: 'OUTBOX-D2', name: '李四' });
          await appendRegistryChange(tx, { entity: 'driver', id: 'OUTBOX-D2', change: 'upsert', changedAtMs });
          throw new Error('refused after the write');
        }),
      ).rejects.toThrow('refused after the write');
      expect(await registry(h.pool).driver('OUTBOX-D2')).toBeUndefined();

      const sent: Array<{ topic: string } & OutboxMessage> = [];
      const quiet = { warn: () => undefined, error: () => undefined };
      let failures = 0;
      const down = new OutboxRelay({
        pool: h.pool,
        publish: () => {
          failures += 1;
          return Promise.reject(new Error('broker down'));
        },
        logger: quiet,
        intervalMs: 0,
      });
      expect(await down.kick()).toBe(0);
      expect(failures).toBe(1);
      const relay = new OutboxRelay({
        pool: h.pool,
        publish: async (topic, messages) => void sent.push(...messages.map((m) => ({ topic, ...m }))),
        logger: quiet,
        intervalMs: 0,
        batchSize: 1,
      });
      expect(await relay.kick()).toBe(2);
      expect(sent).toEqual(written.map((change) => ({ topic: 'registry.changes', key: 'driver:OUTBOX-D1', value: change })));
      expect(await relay.kick()).toBe(0);
      await relay.close();
      // Sent rows are kept for a while, then deleted by a later run.
      const pruning = new OutboxRelay({ pool: h.pool, publish: async () => undefined, logger: quiet, intervalMs: 0, keepSentMs: 0 });
      await pruning.kick();
      expect(Number((await h.pool.query('SELECT count(*) AS n FROM outbox')).rows[0].n)).toBe(0);
    });

    it('keeps users (a taken name refused, session-ending changes bump the token version, a disabled user keeps its password) and their audit entries', async () => {
      const users = new UserRepository(h.pool);
      const audit = new AuditRepository(h.pool);
      expect(await users.insertNew({ username: 'u-张三', passwordHash: 'h1', role: 'company', companyId: 'C-U', displayName: '张三' })).toMatchObject({
        username: 'u-张三',
        must_change_password: true,
        token_version: 0,
      });
      expect(await users.insertNew({ username: 'u-张三', passwordHash: 'other', role: 'admin' })).toBeUndefined();
      expect((await users.get('u-张三'))?.password_hash).toBe('h1');
      // Profile edits end sessions only when told; disabling always does.
      expect((await users.updateProfile('u-张三', { role: 'company', companyId: 'C-U', displayName: '张三丰' }, false))?.token_version).toBe(0);
      expect(await users.updateProfile('u-张三', { role: 'operator', regionCode: '11' }, true)).toMatchObject({
        token_version: 1,
        company_id: null,
        region_code: '11',
        display_name: null,
      });
      expect((await users.setDisabled('u-张三', true))?.token_version).toBe(2);
      expect(await users.sessionState('u-张三')).toEqual({ token_version: 2, disabled: true, must_change_password: true });
      expect(await users.sessionState('nobody')).toBeUndefined();
      expect(await users.setPassword('u-张三', 'h2', { mustChange: false, onlyEnabled: true })).toBeUndefined();
      expect((await users.get('u-张三'))?.password_hash).toBe('h1');
      expect(await users.setPassword('u-张三', 'h3', { mustChange: true, onlyEnabled: false })).toMatchObject({
        password_hash: 'h3',
        must_change_password: true,
        token_version: 3,
      });
      expect(await users.updateProfile('nobody', { role: 'admin' }, true)).toBeUndefined();
      // The table's own checks: a company user needs a company, a region is digits.
      await expect(users.upsert({ username: 'u-bad', passwordHash: 'h', role: 'company' })).rejects.toThrow();
      await expect(users.upsert({ username: 'u-bad', passwordHash: 'h', role: 'operator', regionCode: '11%' })).rejects.toThrow();
      await users.upsert({ username: 'u-李四', passwordHash: 'h', role: 'operator', regionCode: '13' });
      expect((await users.list({ role: 'operator', limit: 10, offset: 0 })).map((u) => u.username).filter((n) => n.startsWith('u-'))).toEqual(
        ['u-张三', 'u-李四'].sort(),
      );
      expect((await users.list({ disabled: true, limit: 10, offset: 0 })).map((u) => u.username)).toContain('u-张三');
      expect((await users.list({ disabled: false, limit: 10, offset: 0 })).map((u) => u.username)).not.toContain('u-张三');

      // An entry written in a transaction that rolls back is gone with the change it recorded.
      await expect(
        inTransaction(h.pool, async (tx) => {
          await new UserRepository(tx).recordSignIn('u-李四');
          await new AuditRepository(tx).record({ actor: 'u-李四', action: 'auth.sign_in', target: 'u-rollback', outcome: 'success' });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await audit.list({ target: 'u-rollback', limit: 10, offset: 0 })).toEqual([]);
      expect((await users.get('u-李四'))?.last_sign_in_at).toBeNull();

      const t0 = Date.now();
      await audit.record({
        actor: 'admin',
        action: 'user.create',
        target: 'u-李四',
        outcome: 'success',
        clientAddress: '::1',
        changes: { role: { after: 'operator' }, displayName: { after: '李四\u{1F69A}' } },
      });
      await audit.record({ actor: 'u-李四', action: 'auth.sign_in', target: 'u-李四', outcome: 'failure', reason: 'wrong_password' });
      const newestFirst = await audit.list({ target: 'u-李四', limit: 10, offset: 0 });
      expect(newestFirst.map((a) => [a.action, a.outcome])).toEqual([
        ['auth.sign_in', 'failure'],
        ['user.create', 'success'],
      ]);
      expect(newestFirst[1]).toMatchObject({
        actor: 'admin',
        clientAddress: '::1',
        changes: { role: { after: 'operator' }, displayName: { after: '李四\u{1F69A}' } },
      });
      expect(newestFirst[0]).not.toHaveProperty('clientAddress');
      expect(typeof newestFirst[0]?.auditId).toBe('string');
      expect((await audit.export({ target: 'u-李四' })).map((a) => a.action)).toEqual(['user.create', 'auth.sign_in']);
      expect(await audit.list({ target: 'u-李四', fromMs: t0 + 3_600_000, limit: 10, offset: 0 })).toEqual([]);
      expect((await audit.list({ target: 'u-李四', actor: 'admin', toMs: t0 + 3_600_000, limit: 10, offset: 0 })).map((a) => a.action)).toEqual([
        'user.create',
      ]);
      await expect(h.pool.query(`UPDATE audit_log SET actor = 'x' WHERE target = 'u-李四'`)).rejects.toThrow(/append-only/);
      await expect(h.pool.query(`DELETE FROM audit_log WHERE target = 'u-李四'`)).rejects.toThrow(/kept 3 years/);
    });

    it("reads the API's read models in scope: vehicle list, companies, places, the company report, registry references", async () => {
      const registry = new RegistryRepository(h.pool);
      await registry.upsertCompany({ companyId: 'RM-C1', name: '读模型公司', regionCode: '320100' });
      await registry.upsertCompany({ companyId: 'RM-C2', name: '别的公司', regionCode: '330100' });
      await registry.upsertVehicle({ vehicleId: 'RM-V1', plate: '苏A_%1', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'RM-C1', axleCount: 6 });
      await registry.upsertVehicle({
        vehicleId: 'RM-V2',
        plate: '苏AX91',
        plateColour: 2,
        vehicleClass: 'heavy_truck',
        companyId: 'RM-C1',
        regionCode: '330200',
      });
      await registry.upsertVehicle({ vehicleId: 'RM-V3', plate: '浙B1', plateColour: 1, vehicleClass: 'tour_coach', companyId: 'RM-C2' });
      await registry.upsertDriver({ driverId: 'RM-D1', name: '司机甲', companyId: 'RM-C1' });
      const vehicles = new VehicleListReadModel(h.pool);
      const page = { limit: 100, offset: 0 };
      // The owner's region is the vehicle's own, else its company's.
      expect((await vehicles.list({ regionPrefix: '3201' }, page)).map((v) => v.vehicleId)).toEqual(['RM-V1']);
      expect(await vehicles.get({ regionPrefix: '3302' }, 'RM-V2')).toEqual({
        vehicleId: 'RM-V2',
        plate: '苏AX91',
        plateColour: 2,
        vehicleClass: 'heavy_truck',
        companyId: 'RM-C1',
        companyName: '读模型公司',
        regionCode: '330200',
        axleCount: undefined,
      });
      expect(await vehicles.get({ regionPrefix: '3201' }, 'RM-V2')).toBeUndefined();
      // A plate's LIKE wildcards are plain characters.
      expect((await vehicles.list({}, { ...page, plate: '_%' })).map((v) => v.vehicleId)).toEqual(['RM-V1']);
      expect((await vehicles.list({ companyId: 'RM-C1' }, { ...page, vehicleClass: 'heavy_truck' })).map((v) => v.vehicleId)).toEqual(['RM-V1', 'RM-V2']);
      expect((await vehicles.owners()).find((v) => v.vehicleId === 'RM-V3')).toMatchObject({ companyId: 'RM-C2', regionCode: '330100' });
      expect((await vehicles.companies({ regionPrefix: '33' })).filter((c) => c.companyId.startsWith('RM-'))).toEqual([
        { companyId: 'RM-C2', name: '别的公司', regionCode: '330100', licenceNo: undefined },
      ]);
      expect([...(await vehicles.driverNames(['RM-D1', 'RM-none']))]).toEqual([['RM-D1', '司机甲']]);

      const report = new CompanyReportReadModel(h.pool);
      const dayMs = chinaMidnightMs(now) - 2 * DAY_MS;
      await new PositionRepository(h.pool).insertMany(
        positionsEvery(MINUTE_MS, 3, { ...reportOf('RM-V1'), deviceTimeMs: dayMs + HOUR_MS }, () => ({ speedKmh: 60 })),
      );
      await new AlertRepository(h.pool).upsertMany([
        alert('RM-A1', 1, { vehicleId: 'RM-V1', rule: 'speeding', level: 'violation', startedAtMs: dayMs + HOUR_MS }),
      ]);
      const rows = await report.companies({ regionPrefix: '32' }, dayMs, dayMs + DAY_MS);
      // RM-C1 by its own region: only its vehicle in scope (RM-V2 is registered in 3302).
      expect(rows.filter((r) => r.companyId.startsWith('RM-'))).toEqual([
        expect.objectContaining({
          companyId: 'RM-C1',
          companyName: '读模型公司',
          vehicles: 1,
          vehiclesOnline: 1,
          violationsByRule: { speeding: 1 },
          qualityDays: 0,
          received: 0,
        }),
      ]);
      expect(await report.companies({ companyId: 'RM-C2' }, dayMs, dayMs + DAY_MS)).toEqual([
        expect.objectContaining({ companyId: 'RM-C2', vehicles: 1, vehiclesOnline: 0, violationsByRule: {}, mileageKm: 0, drivingHours: 0 }),
      ]);

      await registry.upsertWimStation({ stationId: 'RM-S1', name: '站一', kind: 'fixed', accuracyClassPct: 0.5, regionCode: '320100', latitudeDeg: 32.1 });
      await registry.upsertSourceSite({ sourceSiteId: 'RM-SS1', name: '源头一', companyId: 'RM-C1', regionCode: '320100' });
      const places = new PlaceReadModel(h.pool);
      expect(await places.wimStations({ regionPrefix: '3201' }, page)).toEqual([
        {
          stationId: 'RM-S1',
          name: '站一',
          kind: 'fixed',
          accuracyClassPct: 0.5,
          regionCode: '320100',
          roadName: undefined,
          latitudeDeg: 32.1,
          longitudeDeg: undefined,
        },
      ]);
      // No company runs a station: a company scope sees none.
      expect(await places.wimStations({ companyId: 'RM-C1' }, page)).toEqual([]);
      expect((await places.sourceSites({ companyId: 'RM-C1' }, page)).map((s) => s.sourceSiteId)).toEqual(['RM-SS1']);
      expect(await places.sourceSites({ companyId: 'RM-C2' }, page)).toEqual([]);

      const references = new RegistryReferences(h.pool);
      await registry.upsertTerminal({ terminalId: '013900000077', vehicleId: 'RM-V1' });
      expect(await references.storedTerminalId('13900000077')).toBe('013900000077');
      expect(await references.storedTerminalId('013900000077')).toBe('013900000077');
      expect(await references.storedTerminalId('0000')).toBeUndefined();
      expect(await references.ofWimStation('RM-S1')).toEqual({ hasWimMeasurements: false, overloadViolations: 0, caseParties: 0 });
      await new WimRepository(h.pool).insertMany([wim('RM-S1', 'RM-W1', dayMs + HOUR_MS, '苏A_%1', 60_000)]);
      expect((await references.ofWimStation('RM-S1')).hasWimMeasurements).toBe(true);
      expect((await references.asCaseParty('driver', 'RM-D1')).caseParties).toBe(0);
    });
  });
}
