import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import { chinaDateOf, chinaMidnightMs, DAY_MS } from '@roadwatch/domain';
import type { VehicleQualityDayV1 } from '@roadwatch/contracts';
import { PositionRepository, RegistryRepository, runMaintenance, VehicleQualityRepository, type StoragePool } from '@roadwatch/storage';
import { aPosition, uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { ROLE_SCOPES } from '../src/auth/scope';
import { alert, get, insertAlert, logger, NOW, post, seededPool, startTestApi, VEHICLES, type TestApi } from './support';

describe('api REST on real PostgreSQL: scoping, acknowledge, track playback', () => {
  const schema = uniqueName('api_rest').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;
  const T0 = NOW - 3 * 3_600_000;

  beforeAll(async () => {
    pool = await seededPool(schema);
    // V1: 3,000 reports one second apart; V2, V3: one each.
    await pool.query(
      `INSERT INTO positions (vehicle_id, device_time, terminal_id, registered, latitude_deg, longitude_deg, speed_kmh, heading_deg, acc_on, gnss_fixed, source, received_at)
       SELECT 'V1', to_timestamp(($1::float8 + i * 1000) / 1000.0), 'T-V1', true, 23.13 + i * 1e-5, 113.32, 50, 90, true, true, 'realtime', now()
       FROM generate_series(0, 2999) AS i`,
      [T0],
    );
    for (const v of VEHICLES.slice(1)) {
      await pool.query(
        `INSERT INTO positions (vehicle_id, device_time, terminal_id, registered, latitude_deg, longitude_deg, speed_kmh, heading_deg, acc_on, gnss_fixed, source, received_at)
         VALUES ($1, to_timestamp($2 / 1000.0), $3, true, $4, $5, 0, 0, false, true, 'realtime', now())`,
        [v.id, NOW - 60_000, `T-${v.id}`, v.lat, v.lon],
      );
    }
    // An unregistered terminal (no vehicle bound): the gateway keeps its reports as vehicle terminal:<id>.
    await pool.query(
      `INSERT INTO positions (vehicle_id, device_time, terminal_id, registered, latitude_deg, longitude_deg, speed_kmh, heading_deg, acc_on, gnss_fixed, source, received_at)
       SELECT 'terminal:13900000042', to_timestamp(($1::float8 + i * 10000) / 1000.0), '13900000042', false, 39.9 + i * 1e-4, 116.3, 40, 0, true, true, 'realtime', now()
       FROM generate_series(0, 4) AS i`,
      [T0],
    );
    for (const v of VEHICLES) await insertAlert(pool, alert(`A-${v.id}`, v.id, T0 + 60_000));
    testApi = await startTestApi(bus, pool, schema);
    ({ api, tokens } = testApi);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it('logs in with scrypt-hashed passwords; bad credentials are 401, a bad body is 400 naming the field', async () => {
    expect((await post(api.url, '/v1/auth/login', { username: 'c1', password: 'wrong' })).status).toBe(401);
    expect((await post(api.url, '/v1/auth/login', { username: 'nobody', password: 'x' })).status).toBe(401);
    const bad = await post(api.url, '/v1/auth/login', { password: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ field: 'body.username' })]);
    const { rows } = await pool.query(`SELECT password_hash FROM users WHERE username = 'c1'`);
    expect(rows[0].password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect((await get(api.url, '/v1/vehicles')).status).toBe(401);
    expect((await get(api.url, '/v1/vehicles', 'forged.token.value')).status).toBe(401);
  });

  it("the login response carries the role's capabilities from the Scope table, and they match what the API allows", async () => {
    const capabilitiesOf = async (username: string, password: string) =>
      (await post(api.url, '/v1/auth/login', { username, password })).body.user.capabilities as string[];
    // The Scope table is the one list (the scope-matrix test holds an independent oracle of it).
    expect(await capabilitiesOf('enf', 'enf-pw')).toEqual(ROLE_SCOPES.enforcement.capabilities);
    expect(await capabilitiesOf('c1', 'c1-pw')).toEqual(ROLE_SCOPES.company.capabilities);
    expect(ROLE_SCOPES.company.capabilities).not.toContain('registry.admin');
    const admin = await capabilitiesOf('admin', 'admin-pw');
    expect(admin).toContain('registry.admin');
    // What the list says is what the endpoints do: a capability missing from it is a 403.
    const enf = tokens['enf'];
    expect((await get(api.url, '/v1/wim/stations', enf)).status).toBe(200);
    expect((await get(api.url, '/v1/alerts', enf)).status).toBe(403);
    expect((await get(api.url, '/v1/wim/stations', tokens['c1'])).status).toBe(403);
  });

  it("a company user sees only its own vehicles, alerts and tracks; another company's are 404, by id and by list", async () => {
    const t = tokens['c1'];
    const list = await get(api.url, '/v1/vehicles', t);
    expect(list.body.items.map((v: { vehicleId: string }) => v.vehicleId)).toEqual(['V1']);
    expect(list.body.items[0]).toMatchObject({ companyId: 'C1', status: 'offline', latest: expect.objectContaining({ speedKmh: 50 }) });
    // Asking for another company in the filter narrows, never widens.
    expect((await get(api.url, '/v1/vehicles?companyId=C2', t)).body.items).toEqual([]);
    expect((await get(api.url, '/v1/vehicles/V2', t)).status).toBe(404);
    expect((await get(api.url, '/v1/vehicles/NOPE', t)).status).toBe(404);
    expect((await get(api.url, `/v1/vehicles/V2/track?fromMs=${T0}&toMs=${NOW}`, t)).status).toBe(404);
    expect((await get(api.url, '/v1/alerts/A-V2', t)).status).toBe(404);
    expect((await post(api.url, '/v1/alerts/A-V2/ack', { comment: 'not mine' }, t)).status).toBe(404);
    expect((await get(api.url, '/v1/alerts', t)).body.items.map((a: { alertId: string }) => a.alertId)).toEqual(['A-V1']);
    expect((await get(api.url, '/v1/alerts?companyId=C2', t)).body.items).toEqual([]);
    expect((await get(api.url, '/v1/alerts/A-V1', t)).status).toBe(200);
    // The 404 body is the same for "exists elsewhere" and "does not exist".
    expect((await get(api.url, '/v1/vehicles/V2', t)).body.message).toBe('vehicle V2 not found');
    // Registry administration is admin only.
    expect((await post(api.url, '/v1/admin/companies', { companyId: 'C9', name: 'x', regionCode: '44' }, t)).status).toBe(403);
  });

  it('an operator sees its region prefix (4401 = 广州) and nothing else; admin sees all', async () => {
    const op = tokens['op-gz'];
    expect((await get(api.url, '/v1/vehicles', op)).body.items.map((v: { vehicleId: string }) => v.vehicleId)).toEqual(['V1']);
    expect((await get(api.url, '/v1/vehicles/V2', op)).status).toBe(404);
    expect((await get(api.url, '/v1/alerts', op)).body.items.map((a: { alertId: string }) => a.alertId)).toEqual(['A-V1']);
    expect((await get(api.url, '/v1/vehicles', tokens['admin'])).body.items).toHaveLength(3);
    expect((await get(api.url, '/v1/alerts?regionCode=44', tokens['admin'])).body.items).toHaveLength(2);
    expect((await get(api.url, '/v1/alerts?rule=speeding&severity=major,critical', tokens['admin'])).body.items).toHaveLength(3);
    const bad = await get(api.url, '/v1/alerts?rule=teleport&fromMs=yesterday', tokens['admin']);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['query.fromMs', 'query.rule.0']);
    // Enforcement: WIM and cases, not vehicles.
    expect((await get(api.url, '/v1/vehicles', tokens['enf'])).status).toBe(403);
    expect((await get(api.url, '/v1/wim', tokens['enf'])).status).toBe(200);
  });

  it("marks 百吨王 from the overload rule's details, not from the summary text", async () => {
    const t = T0 + 120_000;
    await insertAlert(pool, { ...alert('BDW-1', 'V3', t), rule: 'overload', severity: 'critical', summary: '超限 62%', details: { isBaiDunWang: true } });
    await insertAlert(pool, {
      ...alert('BDW-TEXT', 'V3', t),
      rule: 'overload',
      severity: 'minor',
      summary: '超限 5%（非百吨王）',
      details: { isBaiDunWang: false },
    });
    const admin = tokens['admin'];
    expect((await get(api.url, '/v1/alerts/BDW-1', admin)).body.isBaiDunWang).toBe(true);
    expect((await get(api.url, '/v1/alerts/BDW-TEXT', admin)).body.isBaiDunWang).toBe(false);
    expect((await get(api.url, '/v1/alerts/A-V3', admin)).body.isBaiDunWang).toBe(false);
    await pool.query(`DELETE FROM alerts WHERE alert_id LIKE 'BDW-%'`);
  });

  it('an alert carries its Chinese summary and, when stored, the English one', async () => {
    const t = T0 + 130_000;
    await insertAlert(pool, {
      ...alert('SUM-1', 'V3', t),
      summary: '超速：车速95 km/h，限速80 km/h（道路限速）',
      summaryEn: 'Speeding 95 km/h where the limit is 80 km/h (posted limit)',
    });
    const admin = tokens['admin'];
    expect((await get(api.url, '/v1/alerts/SUM-1', admin)).body).toMatchObject({
      summary: '超速：车速95 km/h，限速80 km/h（道路限速）',
      summaryEn: 'Speeding 95 km/h where the limit is 80 km/h (posted limit)',
    });
    const listed = (await get(api.url, '/v1/alerts?vehicleId=V3&limit=500', admin)).body.items.find((a: { alertId: string }) => a.alertId === 'SUM-1');
    expect(listed.summaryEn).toBe('Speeding 95 km/h where the limit is 80 km/h (posted limit)');
    // Stored before the English existed: none, not an empty string.
    expect((await get(api.url, '/v1/alerts/A-V3', admin)).body).not.toHaveProperty('summaryEn');
    await pool.query(`DELETE FROM alerts WHERE alert_id = 'SUM-1'`);
  });

  it("the vehicle carries the latest report's IC-card driver (named from the registry) and today's figures from vehicle_daily", async () => {
    await new RegistryRepository(pool).upsertDriver({ driverId: 'DRV-9', name: '王师傅', companyId: 'C2' });
    for (const [dt, speed] of [
      [-50_000, 60],
      [-40_000, 62],
    ] as const) {
      await pool.query(
        `INSERT INTO positions (vehicle_id, device_time, terminal_id, registered, driver_id, latitude_deg, longitude_deg, speed_kmh, heading_deg, acc_on, gnss_fixed, source, received_at)
         VALUES ('V2', to_timestamp($1 / 1000.0), 'T-V2', true, 'DRV-9', 22.53, 113.93, $2, 0, true, true, 'realtime', now())`,
        [NOW + dt, speed],
      );
    }
    await runMaintenance(pool, { scheduler: 'absent', refreshAll: true });
    const v2 = (await get(api.url, '/v1/vehicles/V2', tokens['c2'])).body;
    expect(v2.latest.driverId).toBe('DRV-9');
    expect(v2.driver).toEqual({ driverId: 'DRV-9', name: '王师傅' });
    if (chinaDateOf(NOW - 60_000) === chinaDateOf(Date.now())) {
      // V2's reports today: NOW−60 s stopped, NOW−50 s and NOW−40 s moving.
      expect(v2.today).toEqual({ date: chinaDateOf(Date.now()), drivingHoursEstimate: expect.any(Number), reports: 3, throughMs: NOW - 40_000 });
      expect(v2.today.drivingHoursEstimate).toBeCloseTo(((20_000 / 3_600_000) * 2) / 3, 6);
    }
    // No IC card on V1's reports: no driver, never a guess. Lists carry the same fields.
    const list = (await get(api.url, '/v1/vehicles', tokens['admin'])).body.items as Array<{ vehicleId: string; driver?: unknown }>;
    expect(list.find((v) => v.vehicleId === 'V1')?.driver).toBeUndefined();
    expect(list.find((v) => v.vehicleId === 'V2')?.driver).toEqual({ driverId: 'DRV-9', name: '王师傅' });
  });

  it('acknowledges an alert with a comment, storing who and when', async () => {
    const op = tokens['op-gz'];
    const empty = await post(api.url, '/v1/alerts/A-V1/ack', { comment: '' }, op);
    expect(empty.status).toBe(400);
    expect(empty.body.issues[0].field).toBe('body.comment');
    const before = Date.now();
    const acked = await post(api.url, '/v1/alerts/A-V1/ack', { comment: '已电话联系驾驶员减速' }, op);
    expect(acked.status).toBe(200);
    expect(acked.body.ack).toMatchObject({ byUsername: 'op-gz', comment: '已电话联系驾驶员减速' });
    expect(acked.body.ack.atMs).toBeGreaterThanOrEqual(before - 5);
    expect((await get(api.url, '/v1/alerts/A-V1', tokens['c1'])).body.ack.byUsername).toBe('op-gz');
    expect((await get(api.url, '/v1/alerts?acknowledged=false', tokens['admin'])).body.items.map((a: { alertId: string }) => a.alertId).sort()).toEqual([
      'A-V2',
      'A-V3',
    ]);
  });

  it('plays a track back raw for short ranges and downsampled (fastest report per bucket, at most maxPoints) for long ones', async () => {
    const t = tokens['c1'];
    const short = await get(api.url, `/v1/vehicles/V1/track?fromMs=${T0}&toMs=${T0 + 600_000}`, t);
    expect(short.body).toMatchObject({ downsampled: false, bucketMs: 0 });
    expect(short.body.points).toHaveLength(600);
    const long = await get(api.url, `/v1/vehicles/V1/track?fromMs=${T0}&toMs=${T0 + 3_000_000}&maxPoints=100`, t);
    expect(long.body).toMatchObject({ downsampled: true, bucketMs: 30_000 });
    expect(long.body.points).toHaveLength(100);
    const times = long.body.points.map((p: { tMs: number }) => p.tMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBe(T0);
    expect(times[1] - times[0]).toBe(30_000);
    const bad = await get(api.url, `/v1/vehicles/V1/track?fromMs=${T0}&toMs=${T0 - 1}`, t);
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('query.toMs');
  });

  it("an unregistered terminal's positions are read by admin and operators by terminal id (padded or not), not by company or enforcement users", async () => {
    const path = (id: string) => `/v1/terminals/${id}/track?fromMs=${T0}&toMs=${T0 + 600_000}`;
    const admin = await get(api.url, path('13900000042'), tokens['admin']);
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ vehicleId: 'terminal:13900000042', downsampled: false });
    expect(admin.body.points.map((p: { tMs: number }) => p.tMs)).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * 10_000));
    // An operator of a region: the terminal belongs to no region, the monitoring centre reads it anyway.
    const operator = await get(api.url, path('013900000042'), tokens['op-gz']);
    expect(operator.status).toBe(200);
    expect(operator.body.points).toHaveLength(5);
    expect((await get(api.url, `/v1/vehicles/terminal:13900000042/track?fromMs=${T0}&toMs=${T0 + 600_000}`, tokens['op-gz'])).status).toBe(404);
    expect((await get(api.url, path('13900000042'), tokens['c1'])).status).toBe(403);
    expect((await get(api.url, path('13900000042'), tokens['enf'])).status).toBe(403);
    expect((await get(api.url, path('13900000042'))).status).toBe(401);
    expect((await get(api.url, path('13900000099'), tokens['admin'])).body.points).toEqual([]);
    const bad = await get(api.url, `/v1/terminals/${encodeURIComponent('1390%')}/track?fromMs=${T0}&toMs=${T0 + 1}`, tokens['admin']);
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { field: string }) => i.field)).toEqual(['path.terminalId']);
    const capabilities = (await post(api.url, '/v1/auth/login', { username: 'op-gz', password: 'op-pw' })).body.user.capabilities as string[];
    expect(capabilities).toContain('terminals.unregistered');
    const doc = await get(api.url, '/openapi.json');
    expect(doc.body.paths['/v1/terminals/{terminalId}/track'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'terminalId',
      'fromMs',
      'toMs',
      'maxPoints',
    ]);
  });

  it('reports per company within scope, administers the registry, and serves the OpenAPI document', async () => {
    const report = await get(api.url, `/v1/reports/companies?fromMs=${T0}&toMs=${NOW + 1}`, tokens['c1']);
    expect(report.body.rows).toEqual([
      expect.objectContaining({ companyId: 'C1', vehicles: 1, vehiclesOnline: 1, onlineRate: 1, violations: 1, violationsByRule: { speeding: 1 } }),
    ]);
    const admin = tokens['admin'];
    expect((await post(api.url, '/v1/admin/companies', { companyId: 'C4', name: '佛山货运', regionCode: '440604' }, admin)).status).toBe(201);
    expect((await post(api.url, '/v1/admin/companies', { companyId: 'C4', name: '佛山货运', regionCode: '440604' }, admin)).status).toBe(409);
    const badVehicle = await post(
      api.url,
      '/v1/admin/vehicles',
      { vehicleId: 'V4', plate: '粤E40004', plateColour: 9999, vehicleClass: 'tank', companyId: 'C4' },
      admin,
    );
    expect(badVehicle.status).toBe(400);
    expect(badVehicle.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['body.plateColour', 'body.vehicleClass']);
    expect(
      (
        await post(
          api.url,
          '/v1/admin/vehicles',
          { vehicleId: 'V4', plate: '粤E40004', plateColour: 2, vehicleClass: 'hazmat', companyId: 'C4', terminalId: '013800000004' },
          admin,
        )
      ).status,
    ).toBe(201);
    expect((await get(api.url, '/v1/vehicles/V4', tokens['op-gz'])).status).toBe(404);
    const doc = await get(api.url, '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/v1/vehicles/{vehicleId}/track');
    expect(doc.body.components.schemas.Alert.properties.ack).toBeDefined();
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/wim/stations', '/v1/source-sites']));
    expect(doc.body.components.schemas.WimStation.properties.latitudeDeg).toBeDefined();
  });

  it("reports 轨迹完整率, 数据合格率 and 漂移车辆率 from the daily quality counters of the range's local days, scoped", async () => {
    const today = chinaMidnightMs(NOW);
    const date = (midnightMs: number) => chinaDateOf(midnightMs + 12 * 3_600_000);
    const day = (vehicleId: string, midnightMs: number, c: Partial<VehicleQualityDayV1>): VehicleQualityDayV1 => ({
      v: 1,
      vehicleId,
      date: date(midnightMs),
      final: false,
      computedAtMs: NOW,
      received: 0,
      valid: 0,
      invalid: 0,
      drift: 0,
      duplicate: 0,
      late: 0,
      trackM: 0,
      completeTrackM: 0,
      incompleteGaps: 0,
      movedThroughGaps: 0,
      ...c,
    });
    await new VehicleQualityRepository(pool).upsertMany([
      // C1's V1, yesterday (final) and today: 150 reports, 3 invalid, 1 drift; 15 km of track, 14 km complete.
      day('V1', today - DAY_MS, { final: true, received: 100, valid: 97, invalid: 2, drift: 1, trackM: 10_000, completeTrackM: 9_000, incompleteGaps: 1 }),
      day('V1', today, { received: 50, valid: 49, invalid: 1, trackM: 5_000, completeTrackM: 5_000 }),
      // Outside the range: the day before yesterday and tomorrow.
      day('V1', today - 2 * DAY_MS, { received: 10, invalid: 10, drift: 5, trackM: 1_000 }),
      day('V1', today + DAY_MS, { received: 10, invalid: 10, drift: 5, trackM: 1_000 }),
      // C2's V2, today: parked (no track), every report valid.
      day('V2', today, { received: 200, valid: 200 }),
    ]);
    const path = `/v1/reports/companies?fromMs=${today - DAY_MS}&toMs=${today + DAY_MS}`;
    const c1 = await get(api.url, path, tokens['c1']);
    expect(c1.body.rows).toHaveLength(1);
    expect(c1.body.rows[0]).toMatchObject({
      companyId: 'C1',
      qualityDays: 2,
      trackCompleteness: 14_000 / 15_000,
      dataQualifiedRate: (150 - 3) / 150,
      driftVehicleRate: 1,
    });

    const all = await get(api.url, path, tokens['admin']);
    const byCompany = new Map(all.body.rows.map((r: { companyId: string }) => [r.companyId, r]));
    expect(byCompany.get('C1')).toEqual(c1.body.rows[0]);
    const c2 = byCompany.get('C2') as Record<string, unknown>;
    expect(c2).toMatchObject({ qualityDays: 1, dataQualifiedRate: 1, driftVehicleRate: 0 });
    expect(c2).not.toHaveProperty('trackCompleteness');
    const c3 = byCompany.get('C3') as Record<string, unknown>;
    expect(c3).toMatchObject({ qualityDays: 0 });
    for (const field of ['trackCompleteness', 'dataQualifiedRate', 'driftVehicleRate']) expect(c3).not.toHaveProperty(field);
    // One local day: only today's counters.
    const tooLong = await get(api.url, `/v1/reports/companies?fromMs=${today - 40 * DAY_MS}&toMs=${today}`, tokens['c1']);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.issues).toEqual([{ field: 'query.toMs', message: 'at most 31 days per request' }]);
    const todayOnly = await get(api.url, `/v1/reports/companies?fromMs=${today}&toMs=${today + DAY_MS}`, tokens['c1']);
    expect(todayOnly.body.rows[0]).toMatchObject({ qualityDays: 1, trackCompleteness: 1, dataQualifiedRate: 49 / 50, driftVehicleRate: 0 });
    const doc = await get(api.url, '/openapi.json');
    expect(Object.keys(doc.body.components.schemas.CompanyReportRow.properties)).toEqual(
      expect.arrayContaining(['trackCompleteness', 'dataQualifiedRate', 'driftVehicleRate', 'qualityDays']),
    );
  });

  it('lists WIM stations and source sites for the map, scoped: region prefix for operators, own sites for companies, no stations for companies', async () => {
    const registry = new RegistryRepository(pool);
    await registry.upsertWimStation({
      stationId: 'ST-GZ',
      name: '广州北治超站',
      kind: 'fixed',
      accuracyClassPct: 5,
      regionCode: '440111',
      roadName: 'G4',
      latitudeDeg: 23.3,
      longitudeDeg: 113.27,
    });
    await registry.upsertWimStation({
      stationId: 'ST-NJ',
      name: '南京不停车检测点',
      kind: 'non_site',
      regionCode: '320115',
      latitudeDeg: 31.95,
      longitudeDeg: 118.85,
    });
    await registry.upsertWimStation({ stationId: 'ST-NOWHERE', name: '未定位站' });
    await registry.upsertSourceSite({ sourceSiteId: 'SS-GZ', name: '番禺石场', regionCode: '440113', latitudeDeg: 22.95, longitudeDeg: 113.38 });
    await registry.upsertSourceSite({
      sourceSiteId: 'SS-C1',
      name: 'C1 自营物流园',
      companyId: 'C1',
      regionCode: '440106',
      latitudeDeg: 23.12,
      longitudeDeg: 113.36,
    });
    await registry.upsertSourceSite({ sourceSiteId: 'SS-NJ', name: '江宁砂场', regionCode: '320115' });
    const ids = async (path: string, user: string, key: string) =>
      (await get(api.url, path, tokens[user])).body.items.map((x: Record<string, string>) => x[key]);

    // Admin and enforcement (no region): everything, coordinates as stored; a station without them is listed, without them.
    const all = await get(api.url, '/v1/wim/stations', tokens['admin']);
    expect(all.body.items).toEqual([
      {
        stationId: 'ST-GZ',
        name: '广州北治超站',
        kind: 'fixed',
        accuracyClassPct: 5,
        regionCode: '440111',
        roadName: 'G4',
        latitudeDeg: 23.3,
        longitudeDeg: 113.27,
      },
      { stationId: 'ST-NJ', name: '南京不停车检测点', kind: 'non_site', regionCode: '320115', latitudeDeg: 31.95, longitudeDeg: 118.85 },
      { stationId: 'ST-NOWHERE', name: '未定位站', kind: 'fixed' },
    ]);
    expect(await ids('/v1/wim/stations', 'enf', 'stationId')).toEqual(['ST-GZ', 'ST-NJ', 'ST-NOWHERE']);
    expect(await ids('/v1/source-sites', 'enf', 'sourceSiteId')).toEqual(['SS-C1', 'SS-GZ', 'SS-NJ']);
    // Operator 4401: its region only (a station without a region is not in any region).
    expect(await ids('/v1/wim/stations', 'op-gz', 'stationId')).toEqual(['ST-GZ']);
    expect(await ids('/v1/source-sites', 'op-gz', 'sourceSiteId')).toEqual(['SS-C1', 'SS-GZ']);
    // Company users: no stations (no `wim` capability), only the source sites their own company runs.
    expect((await get(api.url, '/v1/wim/stations', tokens['c1'])).status).toBe(403);
    expect(await ids('/v1/source-sites', 'c1', 'sourceSiteId')).toEqual(['SS-C1']);
    expect(await ids('/v1/source-sites', 'c2', 'sourceSiteId')).toEqual([]);
    expect((await get(api.url, '/v1/source-sites')).status).toBe(401);
    // Paging and 400s like every list.
    expect(await ids('/v1/wim/stations?limit=1&offset=1', 'admin', 'stationId')).toEqual(['ST-NJ']);
    const bad = await get(api.url, '/v1/source-sites?limit=0', tokens['admin']);
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('query.limit');
  });

  it("reports a day's mileage and driving within the range only: the day before the range is not counted", async () => {
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'C9', name: '里程测试运输', regionCode: '440106' });
    await registry.upsertVehicle({ vehicleId: 'V9', plate: '粤A99999', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'C9' });
    const today = chinaMidnightMs(NOW);
    // Yesterday 10:00–10:30 the odometer runs 1,000 → 1,030 km; today 10:00–10:30, 1,100 → 1,140 km.
    const run = (dayStartMs: number, fromKm: number) =>
      Array.from({ length: 31 }, (_, i) =>
        aPosition({
          vehicleId: 'V9',
          deviceTimeMs: dayStartMs + 10 * 3_600_000 + i * 60_000,
          speedKmh: 80,
          mileageKm: fromKm + i * (fromKm < 1_050 ? 1 : 40 / 30),
        }),
      );
    await new PositionRepository(pool).insertMany([...run(today - DAY_MS, 1_000), ...run(today, 1_100)]);
    await runMaintenance(pool, { scheduler: 'absent', refreshAll: true });
    const row = async (fromMs: number, toMs: number) =>
      (await get(api.url, `/v1/reports/companies?fromMs=${fromMs}&toMs=${toMs}`, tokens['admin'])).body.rows.find(
        (r: { companyId: string }) => r.companyId === 'C9',
      );
    expect((await row(today, today + DAY_MS)).mileageKm).toBeCloseTo(40, 6);
    expect((await row(today - DAY_MS, today + DAY_MS)).mileageKm).toBeCloseTo(70, 6);
    // Half an hour moving each day.
    expect((await row(today, today + DAY_MS)).drivingHours).toBeCloseTo(0.5, 2);
  });

  it('a NUL or control character in a query filter, a path id or a body field is a 400 naming the field, never a 500; the API keeps serving', async () => {
    const admin = tokens['admin'];
    const query = await get(api.url, '/v1/vehicles?plate=%E7%B2%A4A%0010001', admin);
    expect(query.status).toBe(400);
    expect(query.body.issues).toEqual([{ field: 'query.plate', message: 'contains a NUL character (U+0000) at index 2' }]);
    const alerts = await get(api.url, '/v1/alerts?companyId=C1%1B', admin);
    expect(alerts.status).toBe(400);
    expect(alerts.body.issues).toEqual([{ field: 'query.companyId', message: 'contains an escape character (U+001B) at index 2' }]);
    const path = await get(api.url, '/v1/vehicles/V1%00', admin);
    expect(path.status).toBe(400);
    expect(path.body).toMatchObject({ error: 'Bad Request', issues: [{ field: 'path.vehicleId', message: 'contains a NUL character (U+0000) at index 2' }] });
    const track = await get(api.url, `/v1/vehicles/%00V1/track?fromMs=${T0}&toMs=${T0 + 60_000}`, admin);
    expect(track.body.issues).toEqual([{ field: 'path.vehicleId', message: 'contains a NUL character (U+0000) at index 0' }]);
    const adminId = await get(api.url, '/v1/admin/drivers/D%0A1', admin);
    expect(adminId.status).toBe(400);
    expect(adminId.body.issues).toEqual([{ field: 'path.id', message: 'contains a line feed character (U+000A) at index 1' }]);
    // Bodies: JSON's \u0000 and \ud800 escapes are valid JSON and parse to the bad characters.
    const ack = await post(api.url, '/v1/alerts/A-V2/ack', { comment: '已联系\u0000' }, admin);
    expect(ack.status).toBe(400);
    expect(ack.body.issues).toEqual([{ field: 'body.comment', message: 'contains a NUL character (U+0000) at index 3' }]);
    const company = await post(api.url, '/v1/admin/companies', { companyId: 'C-SURROGATE', name: '公司\ud800', regionCode: '440106' }, admin);
    expect(company.status).toBe(400);
    expect(company.body.issues).toEqual([{ field: 'body.name', message: 'contains an unpaired UTF-16 surrogate (U+D800) at index 2' }]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM companies WHERE company_id = 'C-SURROGATE'`)).rows[0].n).toBe(0);
    expect((await get(api.url, '/v1/alerts/A-V2', admin)).body.ack).toBeNull();
    expect((await get(api.url, '/v1/vehicles/V1', admin)).status).toBe(200);
  });
});
