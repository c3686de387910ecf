import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type AlertV1, type PositionV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, vehicleIdOf } from '@roadwatch/domain';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, PositionRepository, RegistryRepository, type StoragePool } from '@roadwatch/storage';
import { aPosition, aWimRecord, infraEnv, uniqueName } from '@roadwatch/testing';
import { permitWeighingsPart, runAreaBansJob, runPermitHoursJob, startEnforcement, type RouteCheckJobSettings, type RunningEnforcement } from '../src/index';

const env = infraEnv();
const logger = createLogger('permits-test', process.env['LOG_LEVEL'] ?? 'warn');
const MIN = 60_000;
const PERMITTED = vehicleIdOf('冀A60001', 2);
const UNPERMITTED = vehicleIdOf('冀A60002', 2);
const HAZMAT = vehicleIdOf('冀A60003', 2);
// 12:00 local on 6 December 2026: outside the permit's night hours (22:00–06:00).
const NOON = chinaLocalToEpochMs(2026, 12, 6, 12);
const LATE = chinaLocalToEpochMs(2026, 12, 6, 23);
const SETTINGS: RouteCheckJobSettings = { windowMs: 60 * MIN, settleMs: 10 * MIN, lookbackMs: 60 * MIN };

/** Reports every 30 s, 500 m east of each other (60 km/h) along latitude 39.9 from longitude 116.35 (or along `latitudeDeg` from `fromLongitudeDeg`). */
const drive = (vehicleId: string, startMs: number, count: number, latitudeDeg = 39.9, fromLongitudeDeg = 116.35): PositionV1[] =>
  Array.from({ length: count }, (_, i) =>
    aPosition({
      vehicleId,
      plate: vehicleId.split(':')[0],
      plateColour: 2,
      deviceTimeMs: startMs + i * 30_000,
      receivedAtMs: startMs + i * 30_000 + 1_000,
      latitudeDeg,
      longitudeDeg: fromLongitudeDeg + i * 0.00585,
      speedKmh: 60,
      gnssFixed: true,
    }),
  );

describe('enforcement permit parts over real Kafka and PostgreSQL (RULES §11, §15)', () => {
  const schema = uniqueName('permits').replace(/[^a-z0-9_]/g, '_');
  const prefix = `t-${randomUUID().slice(0, 8)}-`;
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'permits-test', topicPrefix: prefix });
  const alerts: AlertV1[] = [];
  let pool: StoragePool;
  let enforcement: RunningEnforcement;
  const alertsOf = (rule: string) => alerts.filter((a) => a.rule === rule);
  const episodes = async (kind: string) =>
    (
      await pool.query<{ episode_id: string; route_id: string | null; vehicle_id: string; moving_ms: string }>(
        'SELECT * FROM permit_episodes WHERE kind = $1',
        [kind],
      )
    ).rows;

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'permits-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某大件运输公司', regionCode: '130102' });
    for (const [vehicleId, vehicleClass] of [
      [PERMITTED, 'heavy_truck'],
      [UNPERMITTED, 'heavy_truck'],
      [HAZMAT, 'hazmat'],
    ] as const)
      await registry.upsertVehicle({ vehicleId, plate: vehicleId.split(':')[0]!, plateColour: 2, vehicleClass, companyId: 'HB1', axleCount: 6 });
    await registry.upsertWimStation({ stationId: 'ST-P1', name: 'G4石家庄北治超站', regionCode: '130105', latitudeDeg: 39.9, longitudeDeg: 116.4 });
    await pool.query(
      `INSERT INTO approved_routes (route_id, kind, name, reference_no, company_id, region_code, polyline, valid_from, valid_to, allowed_hours, declared)
       VALUES ('P1', 'oversize_permit', '风电叶片运输', '冀大件2026-001', 'HB1', '130102', $1, '2026-12-01', '2026-12-10', $2, $3)`,
      [
        JSON.stringify([
          [116.3, 39.9],
          [116.6, 39.9],
        ]),
        JSON.stringify([{ from: '22:00', to: '06:00' }]),
        JSON.stringify({ grossKg: 55_000, axles: 6, heightMm: 4_500 }),
      ],
    );
    await pool.query(`INSERT INTO route_vehicles (route_id, vehicle_id) VALUES ('P1', $1)`, [PERMITTED]);
    await pool.query(
      `INSERT INTO area_bans (ban_id, name, region_code, polygon, vehicle_classes, windows) VALUES ('B1', '危化品夜间禁行区', '130102', $1, '{hazmat}', $2)`,
      [
        JSON.stringify([
          [116.3, 39.85],
          [116.5, 39.85],
          [116.5, 39.95],
          [116.3, 39.95],
        ]),
        JSON.stringify([{ from: '22:00', to: '06:00' }]),
      ],
    );
    await bus.ensureTopics([
      { topic: TOPICS.wimMeasurements, partitions: 2 },
      { topic: TOPICS.alerts, partitions: 2 },
    ]);
    await bus.subscribe({
      groupId: `${prefix}observer`,
      topics: [TOPICS.alerts],
      fromBeginning: true,
      handleBatch: async (batch) => void alerts.push(...batch.messages.map((m) => m.value)),
    });
    enforcement = await startEnforcement({
      bus,
      pool,
      logger,
      metrics: new ServiceMetrics('permits-test', { defaultMetrics: false }),
      parts: [permitWeighingsPart({ groupId: `${prefix}permit-weighings` })],
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

  it('a weighing above the permit’s declared gross is 大车小证 with the weighing and the permit; one within it, or under the §4 limit without a permit, is nothing; an overload without a permit is oversize_without_permit', async () => {
    const weighing = (plate: string, recordId: string, grossKg: number, extra = {}) => ({
      key: `${plate}:2`,
      value: aWimRecord({ stationId: 'ST-P1', stationRecordId: recordId, plate, plateColour: 2, grossKg, axleCount: 6, measuredAtMs: LATE, ...extra }),
    });
    await bus.publish(TOPICS.wimMeasurements, [
      // 57,800 kg measured on a 5% scale → 54,910 kg confirmed ≤ 55,000 declared: covered.
      weighing('冀A60001', 'W-COVERED', 57_800),
      // 58,000 kg → 55,100 kg confirmed > 55,000 declared: 大车小证.
      weighing('冀A60001', 'W-OVER', 58_000),
      weighing('冀A60002', 'W-LIGHT', 40_000),
      weighing('冀A60002', 'W-NOPERMIT', 60_000),
      // An exit scale's record is the site weighings' part, never judged here.
      weighing('冀A60002', 'W-EXIT', 60_000, { recordKind: 'site_exit' }),
    ]);
    await vi.waitFor(() => expect(alertsOf('oversize_without_permit')).toHaveLength(1), { timeout: 30_000, interval: 200 });
    await vi.waitFor(() => expect(alertsOf('permit_exceeded')).toHaveLength(1), { timeout: 30_000, interval: 200 });
    const [exceeded] = alertsOf('permit_exceeded');
    expect(exceeded).toMatchObject({
      alertId: 'permit_exceeded:ST-P1/W-OVER',
      vehicleId: PERMITTED,
      companyId: 'HB1',
      evidence: { wimMeasurementId: 'ST-P1/W-OVER' },
      details: {
        permit: { routeId: 'P1', referenceNo: '冀大件2026-001' },
        excesses: [{ figure: 'grossKg', declared: 55_000, weighed: 55_100 }],
        weighing: { measuredGrossKg: 58_000, confirmedGrossKg: 55_100 },
      },
    });
    expect(exceeded!.summary).toContain('大车小证');
    expect(alertsOf('oversize_without_permit')[0]).toMatchObject({ alertId: 'oversize_without_permit:ST-P1/W-NOPERMIT', vehicleId: UNPERMITTED });
    expect(await episodes('permit_exceeded')).toEqual([expect.objectContaining({ episode_id: 'permit_exceeded:ST-P1/W-OVER', route_id: 'P1' })]);
    expect(await episodes('oversize_without_permit')).toEqual([expect.objectContaining({ vehicle_id: UNPERMITTED, route_id: null })]);
  });

  it('a stored track in the permit’s corridor outside its hours for over 5 min is a permit_hours alert once, grown (not doubled) when the track goes on', async () => {
    const positions = new PositionRepository(pool);
    await positions.insertMany(drive(PERMITTED, NOON, 12)); // 5.5 min of moving
    await positions.insertMany(drive(UNPERMITTED, NOON, 40)); // no permit: not this rule's
    const first = await runPermitHoursJob({ pool, bus, logger, nowMs: NOON + 30 * MIN }, SETTINGS);
    expect(first).toMatchObject({ ran: true, vehicles: 1, episodes: 1 });
    await vi.waitFor(() => expect(alertsOf('permit_hours')).toHaveLength(1), { timeout: 30_000, interval: 200 });
    expect(alertsOf('permit_hours')[0]).toMatchObject({
      alertId: `permit_hours:${PERMITTED}:${NOON}`,
      revision: 0,
      startedAtMs: NOON,
      limitPassedAtMs: NOON + 5.5 * MIN,
      details: { permitIds: ['P1'], issues: ['outside_hours'], movingMs: 330_000 },
    });
    // The same period again: nothing new.
    expect(await runPermitHoursJob({ pool, bus, logger, nowMs: NOON + 35 * MIN }, SETTINGS)).toMatchObject({ episodes: 0 });
    // The track goes on (a late back-fill): the stored episode grows into revision 1.
    await positions.insertMany(drive(PERMITTED, NOON, 16).slice(12));
    expect(await runPermitHoursJob({ pool, bus, logger, nowMs: NOON + 40 * MIN }, SETTINGS)).toMatchObject({ episodes: 1 });
    await vi.waitFor(() => expect(alertsOf('permit_hours')).toHaveLength(2), { timeout: 30_000, interval: 200 });
    expect(alertsOf('permit_hours')[1]).toMatchObject({ alertId: `permit_hours:${PERMITTED}:${NOON}`, revision: 1, details: { movingMs: 450_000 } });
    expect(await episodes('permit_hours')).toHaveLength(1);
  });

  it('a hazmat truck moving inside an area ban in its window is an area_ban alert; a heavy truck there is not bound', async () => {
    const positions = new PositionRepository(pool);
    await positions.insertMany(drive(HAZMAT, LATE, 8)); // 3.5 min, ~3.5 km inside the box
    await positions.insertMany(drive(UNPERMITTED, LATE, 8));
    expect(await runAreaBansJob({ pool, bus, logger, nowMs: LATE + 30 * MIN }, SETTINGS)).toMatchObject({ ran: true, bans: 1, episodes: 1 });
    await vi.waitFor(() => expect(alertsOf('area_ban')).toHaveLength(1), { timeout: 30_000, interval: 200 });
    expect(alertsOf('area_ban')[0]).toMatchObject({
      vehicleId: HAZMAT,
      companyId: 'HB1',
      startedAtMs: LATE,
      details: { banId: 'B1', occurrence: '0@2026-12-06' },
    });
    expect(alertsOf('area_ban')[0]!.limitPassedAtMs).toBe(LATE + 1.5 * MIN); // 1 km reached before 3 min
    expect(await runAreaBansJob({ pool, bus, logger, nowMs: LATE + 31 * MIN }, SETTINGS)).toMatchObject({ episodes: 0 });
  });

  it('a ban naming road classes binds only on those roads, read from the administered speed zones', async () => {
    const HOUR = 60 * MIN;
    await pool.query(
      `INSERT INTO area_bans (ban_id, name, polygon, vehicle_classes, windows, road_classes) VALUES ('B-EXP', '高速危化品禁行', $1, '{hazmat}', $2, '{expressway}')`,
      [
        JSON.stringify([
          [116.3, 39.85],
          [116.5, 39.85],
          [116.5, 39.95],
          [116.3, 39.95],
        ]),
        JSON.stringify([{ from: '01:00', to: '05:00' }]),
      ],
    );
    const positions = new PositionRepository(pool);
    const night = chinaLocalToEpochMs(2026, 12, 7, 2);
    const expresswayEpisodes = async () =>
      (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM area_ban_episodes WHERE ban_id = 'B-EXP'`)).rows[0]!.n;
    // No road known there yet: not bound (doubt to the party); B1 (22:00–06:00, every road) is.
    await positions.insertMany(drive(HAZMAT, night, 10));
    expect(await runAreaBansJob({ pool, bus, logger, nowMs: night + 30 * MIN }, SETTINGS)).toMatchObject({ ran: true, bans: 2 });
    expect(await expresswayEpisodes()).toBe(0);
    // An expressway along the track: bound.
    await pool.query(
      `INSERT INTO road_speed_zones (segment_id, name, road_class, posted_limit_kmh, polyline, min_lat, min_lon, max_lat, max_lon)
       VALUES ('G-TEST', '测试高速', 'expressway', 100, '[[116.30, 39.9], [116.50, 39.9]]', 39.9, 116.3, 39.9, 116.5)`,
    );
    await positions.insertMany(drive(HAZMAT, night + HOUR, 10));
    await runAreaBansJob({ pool, bus, logger, nowMs: night + HOUR + 30 * MIN }, SETTINGS);
    expect(await expresswayEpisodes()).toBe(1);
    await vi.waitFor(() => expect(alertsOf('area_ban').filter((a) => (a.details as { banId?: string }).banId === 'B-EXP')).toHaveLength(1), {
      timeout: 30_000,
      interval: 200,
    });
  });

  it("a region-wide ban (no polygon) binds the hazmat trucks registered in its region wherever they drive, not another region's", async () => {
    const registry = new RegistryRepository(pool);
    const BEIJING_HAZMAT = vehicleIdOf('京A60004', 2);
    await registry.upsertCompany({ companyId: 'BJ1', name: '北京某危化品运输公司', regionCode: '110105' });
    await registry.upsertVehicle({ vehicleId: BEIJING_HAZMAT, plate: '京A60004', plateColour: 2, vehicleClass: 'hazmat', companyId: 'BJ1', axleCount: 5 });
    await pool.query(
      `INSERT INTO area_bans (ban_id, name, region_code, polygon, vehicle_classes, windows) VALUES ('B-HB', '河北省危化品车辆夜间禁行', '13', NULL, '{hazmat}', $1)`,
      [JSON.stringify([{ from: '00:00', to: '06:00' }])],
    );
    // Polygon or region, never neither (migration 0034).
    await expect(
      pool.query(`INSERT INTO area_bans (ban_id, name, polygon, vehicle_classes, windows) VALUES ('B-NONE', 'x', NULL, '{hazmat}', '[]')`),
    ).rejects.toThrow(/area_bans_polygon_or_region/);
    // 01:00 on 8 December, in Henan (far from every polygon above): the 冀 truck is bound by its registration, the 京 one is not.
    const night = chinaLocalToEpochMs(2026, 12, 8, 1);
    const positions = new PositionRepository(pool);
    await positions.insertMany(drive(HAZMAT, night, 10, 34.7, 113.6));
    await positions.insertMany(drive(BEIJING_HAZMAT, night, 10, 34.7, 113.6));
    expect(await runAreaBansJob({ pool, bus, logger, nowMs: night + 30 * MIN }, SETTINGS)).toMatchObject({ ran: true, episodes: 1 });
    const regionWide = () => alertsOf('area_ban').filter((a) => (a.details as { banId?: string }).banId === 'B-HB');
    await vi.waitFor(() => expect(regionWide()).toHaveLength(1), { timeout: 30_000, interval: 200 });
    expect(regionWide()[0]).toMatchObject({
      vehicleId: HAZMAT,
      startedAtMs: night,
      details: { banId: 'B-HB', regionWide: true, regionCode: '13', occurrence: '0@2026-12-08' },
    });
    expect(regionWide()[0]!.summary).toContain('辖区13登记车辆');
  });
});
