import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { fieldsOf, registryChanges, get, logger, NOW, post, seededPool, send, startTestApi, type TestApi } from './support';

describe('registry administration REST on real PostgreSQL (/v1/admin: terminals, drivers, speed zones, WIM stations, source sites)', () => {
  const schema = uniqueName('api_admin').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;

  beforeAll(async () => {
    pool = await seededPool(schema);
    testApi = await startTestApi(bus, pool, schema);
    ({ api, tokens } = testApi);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it('is admin only: operator, company and enforcement users get 403 on every resource, reading or writing', async () => {
    for (const resource of ['companies', 'vehicles', 'terminals', 'drivers', 'speed-zones', 'wim-stations', 'source-sites']) {
      for (const user of ['op-gz', 'c1', 'enf']) {
        expect((await get(api.url, `/v1/admin/${resource}`, tokens[user])).status, `${user} GET ${resource}`).toBe(403);
        expect((await post(api.url, `/v1/admin/${resource}`, {}, tokens[user])).status, `${user} POST ${resource}`).toBe(403);
      }
      expect((await get(api.url, `/v1/admin/${resource}`)).status).toBe(401);
    }
    expect((await send(api.url, 'DELETE', '/v1/admin/drivers/D1', undefined, tokens['op-gz']!)).status).toBe(403);
    expect((await send(api.url, 'PUT', '/v1/admin/speed-zones/Z1', {}, tokens['c1']!)).status).toBe(403);
    // A path naming no registry table: 404 for the admin, 403 for the others as before.
    expect((await get(api.url, '/v1/admin/bogus', tokens['admin'])).status).toBe(404);
    expect((await get(api.url, '/v1/admin/bogus', tokens['c1'])).status).toBe(403);
  });

  it('vehicles: the facts the rules read (班线里程, axles, registered mass) are written, read back, and cleared by a PUT that leaves them out', async () => {
    const bus = {
      vehicleId: 'VB1',
      plate: '粤A88888',
      plateColour: 2,
      vehicleClass: 'long_distance_bus',
      companyId: 'C1',
      regionCode: '440106',
      routeKm: 420,
      transportCertNo: '粤交运管440100012345',
      terminalId: '013900000088',
    };
    expect((await post(api.url, '/v1/admin/vehicles', bus, tokens['admin'])).status).toBe(201);
    const read = await get(api.url, '/v1/admin/vehicles/VB1', tokens['admin']);
    expect(read.body).toMatchObject({ vehicleId: 'VB1', routeKm: 420, transportCertNo: '粤交运管440100012345', terminalIds: ['013900000088'] });
    const truck = {
      vehicleId: 'VT1',
      plate: '粤A77777',
      plateColour: 1,
      vehicleClass: 'heavy_truck',
      companyId: 'C1',
      axleCount: 6,
      isCombination: true,
      hasSingleDriveAxle: true,
      registeredMaxGrossKg: 46_000,
    };
    expect((await post(api.url, '/v1/admin/vehicles', truck, tokens['admin'])).status).toBe(201);
    expect((await get(api.url, '/v1/admin/vehicles/VT1', tokens['admin'])).body).toMatchObject({
      axleCount: 6,
      isCombination: true,
      hasSingleDriveAxle: true,
      registeredMaxGrossKg: 46_000,
    });
    const { routeKm: _cleared, terminalId: _kept, ...withoutRoute } = bus;
    expect((await send(api.url, 'PUT', '/v1/admin/vehicles/VB1', withoutRoute, tokens['admin']!)).status).toBe(200);
    expect((await get(api.url, '/v1/admin/vehicles/VB1', tokens['admin'])).body).not.toHaveProperty('routeKm');
    const bad = await post(api.url, '/v1/admin/vehicles', { ...bus, vehicleId: 'VB2', routeKm: -5, regionCode: 'guangzhou' }, tokens['admin']);
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['body.regionCode', 'body.routeKm']);
    expect((await get(api.url, '/v1/admin/vehicles/NOPE', tokens['admin'])).status).toBe(404);
    expect((await get(api.url, '/v1/admin/vehicles/VB1', tokens['c1'])).status).toBe(403);
  });

  it('terminals: bound to an existing vehicle, one terminal however padded, and never with their auth code', async () => {
    const admin = tokens['admin']!;
    const before = (await registryChanges(pool)).length;
    const badVehicle = await post(api.url, '/v1/admin/terminals', { terminalId: '13800000101', vehicleId: 'NOPE' }, admin);
    expect(badVehicle.status).toBe(400);
    expect(fieldsOf(badVehicle.body)).toEqual(['body.vehicleId']);
    expect(fieldsOf((await post(api.url, '/v1/admin/terminals', { terminalId: '138-0000', model: '' }, admin)).body)).toEqual([
      'body.model',
      'body.terminalId',
    ]);

    const created = await post(api.url, '/v1/admin/terminals', { terminalId: '13800000101', vehicleId: 'V1', manufacturerId: 'M01', model: 'JT-1' }, admin);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ terminalId: '13800000101', vehicleId: 'V1', manufacturerId: 'M01', model: 'JT-1' });
    expect(await registryChanges(pool)).toHaveLength(before + 1);
    expect((await registryChanges(pool)).at(-1)).toMatchObject({ v: 1, entity: 'terminal', id: '13800000101', change: 'upsert' });
    expect((await post(api.url, '/v1/admin/terminals', { terminalId: '013800000101' }, admin)).status).toBe(409);

    // The gateway's auth code in the column: never answered, and kept by a PUT.
    await pool.query(`UPDATE terminals SET auth_code = 'secret-code', registered_at = now() WHERE terminal_id = '13800000101'`);
    const read = await get(api.url, '/v1/admin/terminals/013800000101', admin);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ terminalId: '13800000101', vehicleId: 'V1', registeredAtMs: expect.any(Number) });
    expect(JSON.stringify(read.body)).not.toContain('secret-code');
    const updated = await send(api.url, 'PUT', '/v1/admin/terminals/13800000101', { vehicleId: 'V2', model: 'JT-2' }, admin);
    expect(updated.status).toBe(200);
    expect(JSON.stringify(updated.body)).not.toContain('secret-code');
    expect((await pool.query(`SELECT auth_code, vehicle_id, manufacturer_id FROM terminals WHERE terminal_id = '13800000101'`)).rows[0]).toEqual({
      auth_code: 'secret-code',
      vehicle_id: 'V2',
      manufacturer_id: null,
    });
    const listed = await get(api.url, '/v1/admin/terminals?vehicleId=V2', admin);
    expect(listed.body.items.map((t: { terminalId: string }) => t.terminalId)).toEqual(['13800000101']);
    expect(JSON.stringify(listed.body)).not.toContain('secret-code');
    expect((await get(api.url, '/v1/admin/terminals?vehicleId=V1', admin)).body.items).toEqual([]);
    expect((await send(api.url, 'PUT', '/v1/admin/terminals/13899999999', {}, admin)).status).toBe(404);

    expect((await send(api.url, 'DELETE', '/v1/admin/terminals/13800000101', undefined, admin)).status).toBe(204);
    expect((await get(api.url, '/v1/admin/terminals/13800000101', admin)).status).toBe(404);
    expect((await send(api.url, 'DELETE', '/v1/admin/terminals/13800000101', undefined, admin)).status).toBe(404);
  });

  it('drivers: validated fields, an existing company, filtered by company', async () => {
    const admin = tokens['admin']!;
    const bad = await post(api.url, '/v1/admin/drivers', { driverId: 'D1', name: '', idCardNo: '12345', companyId: 'C1' }, admin);
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['body.idCardNo', 'body.name']);
    expect(fieldsOf((await post(api.url, '/v1/admin/drivers', { driverId: 'D1', name: '张三', companyId: 'C99' }, admin)).body)).toEqual(['body.companyId']);
    expect(
      (
        await post(
          api.url,
          '/v1/admin/drivers',
          { driverId: 'D1', name: '张三', companyId: 'C1', idCardNo: '11010519491231002X', qualificationNo: 'Q-1' },
          admin,
        )
      ).status,
    ).toBe(201);
    expect((await post(api.url, '/v1/admin/drivers', { driverId: 'D2', name: '李四', companyId: 'C2' }, admin)).status).toBe(201);
    expect((await post(api.url, '/v1/admin/drivers', { driverId: 'D2', name: '李四' }, admin)).status).toBe(409);
    expect((await get(api.url, '/v1/admin/drivers?companyId=C1', admin)).body.items).toEqual([
      { driverId: 'D1', name: '张三', companyId: 'C1', idCardNo: '11010519491231002X', qualificationNo: 'Q-1' },
    ]);
    const moved = await send(api.url, 'PUT', '/v1/admin/drivers/D1', { name: '张三', companyId: 'C2' }, admin);
    expect(moved.status).toBe(200);
    expect((await get(api.url, '/v1/admin/drivers/D1', admin)).body).toEqual({ driverId: 'D1', name: '张三', companyId: 'C2' });
    expect((await send(api.url, 'PUT', '/v1/admin/drivers/D9', { name: 'x' }, admin)).status).toBe(404);
    expect((await send(api.url, 'DELETE', '/v1/admin/drivers/D2', undefined, admin)).status).toBe(204);
    expect((await get(api.url, '/v1/admin/drivers?limit=10', admin)).body.items.map((d: { driverId: string }) => d.driverId)).toEqual(['D1']);
  });

  it("speed zones: road class, a 5–130 km/h limit, a polyline of 2–5,000 points inside China spanning ≤ 5° each way; the bbox is the server's", async () => {
    const admin = tokens['admin']!;
    const bad = await post(api.url, '/v1/admin/speed-zones', { segmentId: 'Z1', roadClass: 'highway', postedLimitKmh: 200, polyline: [[116.3, 39.9]] }, admin);
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['body.polyline', 'body.postedLimitKmh', 'body.roadClass']);
    const outside = await post(
      api.url,
      '/v1/admin/speed-zones',
      {
        segmentId: 'Z1',
        roadClass: 'urban',
        postedLimitKmh: 60,
        polyline: [
          [116.3, 39.9],
          [2.35, 48.86],
        ],
      },
      admin,
    );
    expect(fieldsOf(outside.body)).toEqual(['body.polyline.1.0']);
    // Five points across China, each inside its bounds: the road index grew by gigabytes on it (issue #10 item 9).
    const chinaWide = await post(
      api.url,
      '/v1/admin/speed-zones',
      {
        segmentId: 'Z1',
        roadClass: 'urban',
        postedLimitKmh: 60,
        polyline: [
          [73.6, 18.2],
          [134.9, 18.2],
          [134.9, 53.5],
          [73.6, 53.5],
          [73.6, 18.2],
        ],
      },
      admin,
    );
    expect(chinaWide.status).toBe(400);
    expect(chinaWide.body.issues).toEqual([
      { field: 'body.polyline', message: expect.stringMatching(/at most 5° of longitude and 5° of latitude.*61\.30° × 35\.30°/) },
    ]);
    const tooMany = await post(
      api.url,
      '/v1/admin/speed-zones',
      { segmentId: 'Z1', roadClass: 'urban', postedLimitKmh: 60, polyline: Array.from({ length: 5_001 }, (_, i) => [113 + i * 1e-4, 23]) },
      admin,
    );
    expect(fieldsOf(tooMany.body)).toEqual(['body.polyline']);
    expect((await get(api.url, '/v1/admin/speed-zones/Z1', admin)).status).toBe(404);
    const zone = {
      segmentId: 'Z1',
      name: '天河路',
      roadClass: 'urban',
      postedLimitKmh: 60,
      polyline: [
        [113.33, 23.14],
        [113.31, 23.13],
        [113.35, 23.12],
      ],
    };
    const created = await post(
      api.url,
      '/v1/admin/speed-zones',
      { ...zone, bbox: { minLatitudeDeg: 0, minLongitudeDeg: 0, maxLatitudeDeg: 0, maxLongitudeDeg: 0 } },
      admin,
    );
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ ...zone, bbox: { minLatitudeDeg: 23.12, minLongitudeDeg: 113.31, maxLatitudeDeg: 23.14, maxLongitudeDeg: 113.35 } });
    expect((await post(api.url, '/v1/admin/speed-zones', zone, admin)).status).toBe(409);
    const updated = await send(
      api.url,
      'PUT',
      '/v1/admin/speed-zones/Z1',
      {
        ...zone,
        segmentId: 'ignored',
        postedLimitKmh: 40,
        polyline: [
          [113.3, 23.1],
          [113.4, 23.2],
        ],
      },
      admin,
    );
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ segmentId: 'Z1', postedLimitKmh: 40, bbox: { minLatitudeDeg: 23.1, maxLongitudeDeg: 113.4 } });
    expect((await get(api.url, '/v1/admin/speed-zones?roadClass=expressway', admin)).body.items).toEqual([]);
    expect((await get(api.url, '/v1/admin/speed-zones?roadClass=urban', admin)).body.items).toHaveLength(1);
    expect(fieldsOf((await get(api.url, '/v1/admin/speed-zones?roadClass=lane', admin)).body)).toEqual(['query.roadClass']);
    expect((await send(api.url, 'DELETE', '/v1/admin/speed-zones/Z1', undefined, admin)).status).toBe(204);
    expect((await get(api.url, '/v1/admin/speed-zones/Z1', admin)).status).toBe(404);
  });

  it('WIM stations: a JJG 907 class, a place inside China; kept (409) while WIM records refer to it', async () => {
    const admin = tokens['admin']!;
    const bad = await post(
      api.url,
      '/v1/admin/wim-stations',
      { stationId: 'ST1', name: '站', accuracyClassPct: 3, latitudeDeg: 23.1, validSpeedMinKmh: 80, validSpeedMaxKmh: 10 },
      admin,
    );
    expect(fieldsOf(bad.body)).toEqual(['body.accuracyClassPct', 'body.longitudeDeg', 'body.validSpeedMaxKmh']);
    const station = {
      stationId: 'ST1',
      name: '广州北治超站',
      kind: 'fixed',
      accuracyClassPct: 5,
      regionCode: '440111',
      latitudeDeg: 23.3,
      longitudeDeg: 113.2,
      validSpeedMinKmh: 5,
      validSpeedMaxKmh: 100,
    };
    expect((await post(api.url, '/v1/admin/wim-stations', station, admin)).status).toBe(201);
    expect((await get(api.url, '/v1/admin/wim-stations/ST1', admin)).body).toEqual(station);
    expect((await post(api.url, '/v1/admin/wim-stations', { stationId: 'ST2', name: '空站' }, admin)).body).toEqual({
      stationId: 'ST2',
      name: '空站',
      kind: 'fixed',
    });
    await pool.query(
      `INSERT INTO wim_measurements (measurement_id, measured_at, station_id, station_record_id, lane, direction, plate, plate_colour, axle_count, axle_weights_kg, gross_kg, speed_kmh, received_at)
       VALUES ('ST1/1', to_timestamp($1 / 1000.0), 'ST1', '1', 1, 'N', '粤A10001', 2, 2, '{9000,9000}', 18000, 60, now())`,
      [NOW - 60_000],
    );
    const refused = await send(api.url, 'DELETE', '/v1/admin/wim-stations/ST1', undefined, admin);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('WIM records');
    expect((await get(api.url, '/v1/admin/wim-stations/ST1', admin)).status).toBe(200);
    expect((await send(api.url, 'DELETE', '/v1/admin/wim-stations/ST2', undefined, admin)).status).toBe(204);
    expect((await get(api.url, '/v1/admin/wim-stations?kind=fixed', admin)).body.items.map((s: { stationId: string }) => s.stationId)).toEqual(['ST1']);
  });

  it('source sites: an existing company when one is named, filtered by company', async () => {
    const admin = tokens['admin']!;
    expect(fieldsOf((await post(api.url, '/v1/admin/source-sites', { sourceSiteId: 'S1', name: '石场', companyId: 'C77' }, admin)).body)).toEqual([
      'body.companyId',
    ]);
    expect(
      (await post(api.url, '/v1/admin/source-sites', { sourceSiteId: 'S1', name: '石场', companyId: 'C1', latitudeDeg: 23.4, longitudeDeg: 113.5 }, admin))
        .status,
    ).toBe(201);
    expect((await post(api.url, '/v1/admin/source-sites', { sourceSiteId: 'S2', name: '物流园' }, admin)).status).toBe(201);
    expect((await get(api.url, '/v1/admin/source-sites?companyId=C1', admin)).body.items).toEqual([
      { sourceSiteId: 'S1', name: '石场', companyId: 'C1', latitudeDeg: 23.4, longitudeDeg: 113.5, keySite: false },
    ]);
    expect((await send(api.url, 'PUT', '/v1/admin/source-sites/S2', { name: '香河物流园', companyId: 'C2' }, admin)).status).toBe(200);
    expect((await get(api.url, '/v1/admin/source-sites/S2', admin)).body).toEqual({ sourceSiteId: 'S2', name: '香河物流园', companyId: 'C2', keySite: false });
    expect((await send(api.url, 'DELETE', '/v1/admin/source-sites/S2', undefined, admin)).status).toBe(204);
    expect((await send(api.url, 'DELETE', '/v1/admin/source-sites/S2', undefined, admin)).status).toBe(404);
  });

  it('a driver or source site named as a party of a 一超四罚 case is kept (409); without one it may go', async () => {
    const admin = tokens['admin']!;
    await pool.query(
      `INSERT INTO overload_violations (violation_id, alert_id, vehicle_id, registered, measurement_id, station_id, plate, plate_colour, measured_at, gross_kg, limit_kg,
         limit_basis, max_permissible_error_kg, confirmed_gross_kg, excess_kg, overload_ratio, raw_ratio, is_bai_dun_wang, over_weight, severity, decided_at, measurement)
       VALUES ('VIO-1', 'A-1', 'V1', true, 'ST1/1', 'ST1', '粤A10001', 2, now(), 60000, 49000, 'gb1589', 0, 60000, 11000, 0.22, 0.22, false, true, 'major', now(), '{}')`,
    );
    await pool.query(`INSERT INTO cases (case_id, violation_id, vehicle_id, opened_at) VALUES ('CASE-1', 'VIO-1', 'V1', now())`);
    await pool.query(
      `INSERT INTO case_parties (case_id, party, party_ref, named_at) VALUES ('CASE-1', 'driver', 'D1', now()), ('CASE-1', 'source_unit', 'S1', now())`,
    );
    const driver = await send(api.url, 'DELETE', '/v1/admin/drivers/D1', undefined, admin);
    expect(driver.status).toBe(409);
    expect(driver.body.message).toContain('case');
    expect((await send(api.url, 'DELETE', '/v1/admin/source-sites/S1', undefined, admin)).status).toBe(409);
    expect((await get(api.url, '/v1/admin/source-sites/S1', admin)).status).toBe(200);
    // The station's violation alone keeps it too, beside its WIM records.
    expect((await send(api.url, 'DELETE', '/v1/admin/wim-stations/ST1', undefined, admin)).body.message).toContain('overload violation');
  });

  it('documents every admin resource in the OpenAPI document', async () => {
    const doc = await get(api.url, '/openapi.json');
    for (const resource of ['terminals', 'drivers', 'speed-zones', 'wim-stations', 'source-sites'])
      expect(Object.keys(doc.body.paths)).toContain(`/v1/admin/${resource}`);
    expect(Object.keys(doc.body.paths['/v1/admin/speed-zones/{segmentId}'])).toEqual(['get', 'put', 'delete']);
    expect(doc.body.components.schemas.Terminal.properties).not.toHaveProperty('authCode');
    expect(doc.body.components.schemas.SpeedZone.properties.bbox).toBeDefined();
  });
});
