import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeItem } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { get, logger, NOW, post, seededPool, send, startTestApi, type TestApi } from './support';

const geojson = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const LINE = {
  type: 'Feature',
  properties: {},
  geometry: {
    type: 'LineString',
    coordinates: [
      [113.3, 23.1],
      [113.4, 23.12],
    ],
  },
};
const STOP = (name: string, lon: number) => ({ type: 'Feature', properties: { name }, geometry: { type: 'Point', coordinates: [lon, 23.11] } });

/**
 * Approved routes over real HTTP and PostgreSQL (issue #16): an operator of 4401 administers
 * the routes of its region — from a GeoJSON file, with a bad file refused naming what is wrong
 * and nothing saved — every write audited and announced as a `route` change; a company reads
 * its own routes only.
 */
describe('approved routes REST (/v1/routes) on real PostgreSQL', () => {
  const schema = uniqueName('api_routes');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let testApi: TestApi;
  let url = '';
  let t: Record<string, string> = {};

  beforeAll(async () => {
    pool = await seededPool(schema);
    testApi = await startTestApi(bus, pool, schema, { now: () => NOW });
    url = testApi.api.url;
    t = testApi.tokens;
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it('an operator imports a 班线 from GeoJSON (line → polyline, points → stops), binds its vehicle, approves a detour — each audited and announced', async () => {
    const body = {
      kind: 'scheduled_line',
      name: '广州—佛山班线',
      companyId: 'C1',
      geojson: geojson([STOP('起点', 113.3), LINE, STOP('中途', 113.35), STOP('终点', 113.4)]),
    };
    const created = await send(url, 'PUT', '/v1/routes/GZ-1', body, t['op-gz']);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      routeId: 'GZ-1',
      source: 'geojson',
      corridorWidthM: 200,
      polyline: [
        [113.3, 23.1],
        [113.4, 23.12],
      ],
    });
    expect(created.body.stops.map((s: { name: string }) => s.name)).toEqual(['起点', '中途', '终点']);
    // Every field the API answers is in the contract (the OpenAPI document forbids others): created, listed, read.
    expect(routeItem.strict().parse(created.body)).toMatchObject({ routeId: 'GZ-1', createdBy: 'op-gz' });
    const listed = await get(url, '/v1/routes', t['op-gz']);
    for (const item of listed.body.items) routeItem.strict().parse(item);
    routeItem.strict().parse((await get(url, '/v1/routes/GZ-1', t['op-gz'])).body);
    expect((await send(url, 'PUT', '/v1/routes/GZ-1/vehicles', { vehicleIds: ['V1'] }, t['op-gz'])).body.vehicleIds).toEqual(['V1']);
    const detour = await post(url, '/v1/routes/GZ-1/detours', { vehicleId: 'V1', fromMs: NOW, toMs: NOW + 3_600_000, comment: '修路绕行' }, t['op-gz']);
    expect(detour.status).toBe(201);
    expect(detour.body).toMatchObject({ routeId: 'GZ-1', vehicleId: 'V1', approvedBy: 'op-gz' });
    const { rows: audit } = await pool.query<{ action: string }>(`SELECT action FROM audit_log WHERE target = 'routes/GZ-1' ORDER BY audit_id`);
    expect(audit.map((a) => a.action)).toEqual(['routes.create', 'routes.bind', 'routes.detour']);
    const { rows: changes } = await pool.query<{ payload: { entity: string; id: string } }>(`SELECT payload FROM outbox WHERE message_key = 'route:GZ-1'`);
    expect(changes.map((c) => [c.payload.entity, c.payload.id])).toEqual([
      ['route', 'GZ-1'],
      ['route', 'GZ-1'],
      ['route', 'GZ-1'],
    ]);
  });

  it('refuses a bad file naming what is wrong and saves nothing; a route outside the operator’s region is 403 and not saved', async () => {
    const bad = await send(
      url,
      'PUT',
      '/v1/routes/GZ-2',
      {
        kind: 'charter',
        name: '坏文件',
        companyId: 'C1',
        geojson: geojson([
          {
            ...LINE,
            geometry: {
              type: 'LineString',
              coordinates: [
                [113.3, 23.1],
                [213.4, 23.12],
              ],
            },
          },
        ]),
      },
      t['op-gz'],
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/feature 0 coordinate 1 \(213.4, 23.12\) is outside/);
    expect((await get(url, '/v1/routes/GZ-2', t['admin'])).status).toBe(404);
    const both = await send(
      url,
      'PUT',
      '/v1/routes/GZ-2',
      {
        kind: 'charter',
        name: '两者',
        polyline: [
          [113.3, 23.1],
          [113.4, 23.1],
        ],
        geojson: geojson([LINE]),
      },
      t['op-gz'],
    );
    expect(both.status).toBe(400);
    // C2 is in 440305: outside 4401.
    const outside = await send(
      url,
      'PUT',
      '/v1/routes/SZ-1',
      {
        kind: 'charter',
        name: '深圳包车',
        companyId: 'C2',
        polyline: [
          [113.9, 22.5],
          [114.0, 22.5],
        ],
      },
      t['op-gz'],
    );
    expect(outside.status).toBe(403);
    expect((await get(url, '/v1/routes/SZ-1', t['admin'])).status).toBe(404);
  });

  it('a company reads its own routes, another company’s is 404; a company may not administer; retiring twice is 409', async () => {
    expect((await get(url, '/v1/routes', t['c1'])).body.items.map((r: { routeId: string }) => r.routeId)).toEqual(['GZ-1']);
    expect((await get(url, '/v1/routes/GZ-1', t['c2'])).status).toBe(404);
    expect((await get(url, '/v1/routes', t['c2'])).body.items).toEqual([]);
    expect((await post(url, '/v1/routes/GZ-1/retire', {}, t['c1'])).status).toBe(403);
    expect((await post(url, '/v1/routes/GZ-1/retire', {}, t['op-gz'])).status).toBe(200);
    expect((await post(url, '/v1/routes/GZ-1/retire', {}, t['op-gz'])).status).toBe(409);
    expect((await get(url, '/v1/routes?includeRetired=true', t['c1'])).body.items[0]).toMatchObject({ routeId: 'GZ-1', retiredAtMs: NOW });
  });
});
