import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertV1 } from '@roadwatch/contracts';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { anAlert } from '@roadwatch/testing';
import { dropStorageSchema, migrate } from './migrate';
import { createPool, type StoragePool } from './pool';
import { RegistryRepository } from './registry.repository';
import { RouteRepository, type RouteRecord } from './route.repository';
import { RouteEpisodeRepository } from './route-episode.repository';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';

const line = (over: Partial<RouteRecord> = {}): RouteRecord => ({
  routeId: 'L1',
  kind: 'scheduled_line',
  name: '京津班线 "快线" \\ 1号',
  referenceNo: '京B-0001',
  companyId: 'C1',
  polyline: [
    [116.3, 39.9],
    [116.417, 39.9],
  ],
  corridorWidthM: 200,
  depots: [],
  stops: [
    { name: '起点站', lon: 116.3, lat: 39.9 },
    { name: '中途站', lon: 116.36, lat: 39.9, radiusM: 150 },
    { name: '终点站', lon: 116.417, lat: 39.9 },
  ],
  source: 'manual',
  createdBy: 'admin',
  ...over,
});

describe('RouteRepository on PostgreSQL (approved routes, bound vehicles, detours)', () => {
  const schema = `rw_routes_${randomBytes(4).toString('hex')}`;
  let pool: StoragePool;
  let routes: RouteRepository;
  const NOON = chinaLocalToEpochMs(2026, 12, 6, 12);

  beforeAll(async () => {
    pool = createPool(DATABASE_URL, { schema, max: 2 });
    await migrate(pool, { partitioning: 'native' });
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'C1', name: '北京客运', regionCode: '110105' });
    await registry.upsertCompany({ companyId: 'C2', name: '天津客运', regionCode: '120101' });
    await registry.upsertVehicle({ vehicleId: 'V1', plate: '京A00001', plateColour: 2, vehicleClass: 'long_distance_bus', companyId: 'C1' });
    await registry.upsertVehicle({ vehicleId: 'V2', plate: '京A00002', plateColour: 2, vehicleClass: 'long_distance_bus', companyId: 'C1' });
    await registry.upsertVehicle({ vehicleId: 'V3', plate: '津A00003', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'C2' });
    routes = new RouteRepository(pool);
  });

  afterAll(async () => {
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it('stores every field of each kind and reads it back as given (quotes, backslashes, Chinese, depots of both shapes)', async () => {
    await routes.upsert(line());
    const permit = line({
      routeId: 'P1',
      kind: 'oversize_permit',
      name: '大件许可',
      referenceNo: '津大件2026-001',
      companyId: 'C2',
      regionCode: '120116',
      stops: [],
      depots: [
        { kind: 'circle', centre: { latitudeDeg: 39.1, longitudeDeg: 117.2 }, radiusM: 300 },
        {
          kind: 'polygon',
          ring: [
            [117.3, 39.1],
            [117.31, 39.1],
            [117.31, 39.11],
          ],
        },
      ],
      validFrom: '2026-12-01',
      validTo: '2026-12-06',
      allowedHours: [{ from: '22:00', to: '06:00' }],
      declared: { grossKg: 98_000, axles: 6, lengthMm: 18_000, widthMm: 3_000, heightMm: 4_200 },
      corridorWidthM: 255,
      source: 'kml',
    });
    await routes.upsert(permit);
    const { createdAtMs: _c1, updatedAtMs: _u1, ...storedLine } = (await routes.get('L1'))!;
    expect(storedLine).toEqual({ ...line(), vehicleIds: [] });
    const { createdAtMs: _c2, updatedAtMs: _u2, ...storedPermit } = (await routes.get('P1'))!;
    expect(storedPermit).toEqual({ ...permit, vehicleIds: [] });
    await expect(routes.upsert(line({ routeId: 'BAD', corridorWidthM: 256 }))).rejects.toThrow();
    expect(await routes.get('BAD')).toBeUndefined();
  });

  it('scopes reads: a company its own routes only, a region by the route’s region else its company’s; another’s route reads as absent', async () => {
    expect((await routes.list({}, { companyId: 'C1' })).map((r) => r.routeId)).toEqual(['L1']);
    expect(await routes.get('P1', { companyId: 'C1' })).toBeUndefined();
    expect((await routes.list({}, { regionPrefix: '11' })).map((r) => r.routeId)).toEqual(['L1']);
    // P1 has its own region 120116, its company 120101: the route's own wins.
    expect((await routes.list({}, { regionPrefix: '120116' })).map((r) => r.routeId)).toEqual(['P1']);
    expect(await routes.list({}, { regionPrefix: '120101' })).toEqual([]);
    expect((await routes.list({ kind: 'oversize_permit' })).map((r) => r.routeId)).toEqual(['P1']);
    expect(await routes.list({}, { regionPrefix: '%' })).toEqual([]);
  });

  it('binds exactly the vehicles given, replacing the previous set, and refuses an unknown vehicle without half-binding', async () => {
    await routes.bindVehicles('L1', ['V1', 'V2']);
    expect((await routes.get('L1'))?.vehicleIds).toEqual(['V1', 'V2']);
    await routes.bindVehicles('L1', ['V2']);
    expect((await routes.get('L1'))?.vehicleIds).toEqual(['V2']);
    await expect(routes.bindVehicles('L1', ['V1', 'NOPE'])).rejects.toThrow();
    expect((await routes.get('L1'))?.vehicleIds).toEqual(['V2']);
    await routes.bindVehicles('L1', ['V1', 'V2']);
    await routes.bindVehicles('P1', ['V3']);
    expect((await routes.list({ vehicleId: 'V3' })).map((r) => r.routeId)).toEqual(['P1']);
  });

  it('gives each vehicle its active routes and the detours that concern it and are still open', async () => {
    await routes.addDetour({ detourId: 'D-all', routeId: 'L1', fromMs: NOON, toMs: NOON + 3_600_000, comment: '修路', approvedBy: 'operator' });
    await routes.addDetour({
      detourId: 'D-v2',
      routeId: 'L1',
      vehicleId: 'V2',
      fromMs: NOON,
      toMs: NOON + 7_200_000,
      polygon: [
        [116.35, 39.905],
        [116.37, 39.905],
        [116.37, 39.92],
      ],
      comment: '封路',
      approvedBy: 'operator',
    });
    await routes.addDetour({ detourId: 'D-old', routeId: 'L1', fromMs: NOON - 7_200_000, toMs: NOON, comment: '过期', approvedBy: 'operator' });
    await expect(routes.addDetour({ detourId: 'D-bad', routeId: 'L1', fromMs: NOON, toMs: NOON, comment: '', approvedBy: 'x' })).rejects.toThrow();

    const active = await routes.activeByVehicle(NOON);
    expect([...active.keys()]).toEqual(['V1', 'V2', 'V3']);
    expect(active.get('V1')?.detours.map((d) => d.detourId)).toEqual(['D-all']);
    expect(
      active
        .get('V2')
        ?.detours.map((d) => d.detourId)
        .sort(),
    ).toEqual(['D-all', 'D-v2']);
    expect(active.get('V2')?.detours.find((d) => d.detourId === 'D-v2')?.polygon).toHaveLength(3);
    expect(active.get('V3')?.detours).toEqual([]);
    expect((await routes.detoursOf('L1')).map((d) => d.detourId)).toEqual(['D-all', 'D-v2', 'D-old']);
    expect(await routes.activeForVehicle('V9', NOON)).toEqual({ vehicleId: 'V9', routes: [], detours: [] });
  });

  it('drops a route whose last local date has passed — at local midnight, not UTC midnight', async () => {
    // P1 is valid to 2026-12-06 local: still active at 23:59 local (15:59 UTC), gone at 00:00 local on the 7th (16:00 UTC on the 6th).
    expect((await routes.activeForVehicle('V3', chinaLocalToEpochMs(2026, 12, 6, 23, 59))).routes.map((r) => r.routeId)).toEqual(['P1']);
    expect((await routes.activeForVehicle('V3', chinaLocalToEpochMs(2026, 12, 7, 0))).routes).toEqual([]);
  });

  it('retires instead of deleting: kept and readable, no longer active, retired once', async () => {
    const at = NOON + 1_000;
    expect(await routes.retire('L1', at)).toBe(true);
    expect(await routes.retire('L1', at + 1)).toBe(false);
    expect(await routes.retire('NOPE', at)).toBe(false);
    expect((await routes.get('L1'))?.retiredAtMs).toBe(at);
    expect(await routes.list({}, { companyId: 'C1' })).toEqual([]);
    expect((await routes.list({ includeRetired: true }, { companyId: 'C1' })).map((r) => r.routeId)).toEqual(['L1']);
    expect((await routes.activeForVehicle('V1', NOON)).routes).toEqual([]);
    // A rewrite of a retired route keeps it retired.
    await routes.upsert(line({ name: '改名' }));
    expect((await routes.get('L1'))?.retiredAtMs).toBe(at);
  });
});

describe('RouteEpisodeRepository on PostgreSQL (the route rules’ alerts as episodes)', () => {
  const schema = `rw_episodes_${randomBytes(4).toString('hex')}`;
  let pool: StoragePool;
  let episodes: RouteEpisodeRepository;
  const T = chinaLocalToEpochMs(2026, 12, 6, 12);
  const offRoute = (revision: number, over: Partial<AlertV1> = {}): AlertV1 =>
    anAlert({
      alertId: `off_route|violation|v:V1|${T}`,
      revision,
      vehicleId: 'V1',
      rule: 'off_route',
      startedAtMs: T,
      raisedAtMs: T + 40_000 + revision,
      limitPassedAtMs: T + 40_000,
      details: { routeId: 'L1', maxOffsetM: 300.5, offRouteKm: 1.004, closed: false, offsetsM: [300, 301] },
      evidence: {
        positions: [
          { deviceTimeMs: T, latitudeDeg: 39.905, longitudeDeg: 116.33, speedKmh: 60 },
          { deviceTimeMs: T + 10_000, latitudeDeg: 39.905, longitudeDeg: 116.333, speedKmh: 61 },
        ],
      },
      ...over,
    });

  beforeAll(async () => {
    pool = createPool(DATABASE_URL, { schema, max: 2 });
    await migrate(pool, { partitioning: 'native' });
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'C1', name: '北京客运', regionCode: '110105' });
    await registry.upsertVehicle({ vehicleId: 'V1', plate: '京A00001', plateColour: 2, vehicleClass: 'long_distance_bus', companyId: 'C1' });
    await new RouteRepository(pool).upsert(line());
    episodes = new RouteEpisodeRepository(pool);
  });

  afterAll(async () => {
    await dropStorageSchema(pool, schema);
    await pool.end();
  });

  it('stores an episode alert with its stretch, keeps the highest revision, ignores other rules and an unknown route id', async () => {
    expect(await episodes.upsertFromAlerts([offRoute(0), anAlert({ alertId: 'speeding|x', vehicleId: 'V1', rule: 'speeding' })])).toBe(1);
    expect(
      await episodes.upsertFromAlerts([
        offRoute(2, { endedAtMs: T + 10_000, details: { routeId: 'L1', maxOffsetM: 420, offRouteKm: 2.5, closed: true, offsetsM: [300, 420] } }),
      ]),
    ).toBe(1);
    // A redelivered older revision changes nothing.
    expect(await episodes.upsertFromAlerts([offRoute(1)])).toBe(0);
    const [stored] = await episodes.list({ vehicleId: 'V1' });
    expect(stored).toMatchObject({
      kind: 'off_route',
      routeId: 'L1',
      revision: 2,
      endedAtMs: T + 10_000,
      countedAtMs: T + 40_000,
      maxOffsetM: 420,
      offRouteM: 2_500,
    });
    expect(stored?.stretch).toEqual([
      [116.33, 39.905, T, 300],
      [116.333, 39.905, T + 10_000, 420],
    ]);
    expect(stored?.details).not.toHaveProperty('offsetsM');
    await episodes.upsertFromAlerts([offRoute(0, { alertId: 'other', details: { routeId: 'GONE' } })]);
    expect((await episodes.list({ vehicleId: 'V1' })).find((e) => e.episodeId === 'other')?.routeId).toBeUndefined();
  });

  it('reads in scope: the vehicle’s company, not another', async () => {
    expect((await episodes.list({}, { companyId: 'C1' })).length).toBe(2);
    expect(await episodes.list({}, { companyId: 'C2' })).toEqual([]);
    expect((await episodes.list({ routeId: 'L1' }, { regionPrefix: '11' })).map((e) => e.episodeId)).toEqual([`off_route|violation|v:V1|${T}`]);
  });
});
