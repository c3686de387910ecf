import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { get, logger, NOW, seededPool, send, startTestApi, type TestApi } from './support';

/** A Google Earth style 班线 in 4401 (Guangzhou): a BOM, Folders, CDATA names, ExtendedData radii. */
const KML = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name><![CDATA[广州—佛山班线]]></name>
  <Folder><name>站点</name>
    <Placemark><name><![CDATA[广州 (天河) 客运站]]></name><ExtendedData><Data name="radiusM"><value>180</value></Data></ExtendedData>
      <Point><coordinates>113.3,23.1,0</coordinates></Point></Placemark>
    <Placemark><name>佛山站</name><Point><coordinates>113.4,23.12,0</coordinates></Point></Placemark>
  </Folder>
  <Folder><name>线路</name>
    <Placemark><name>主线</name><LineString><tessellate>1</tessellate><coordinates>113.3,23.1,0 113.35,23.11,0 113.4,23.12,0</coordinates></LineString></Placemark>
  </Folder>
</Document></kml>`;

/**
 * KML import of approved routes over real HTTP and PostgreSQL (issue #16): an operator of 4401
 * uploads a Google Earth file; a file in another encoding or not KML is refused naming what is
 * wrong in `body.kml`, and nothing is saved.
 */
describe('approved routes from KML (/v1/routes) on real PostgreSQL', () => {
  const schema = uniqueName('api_routes_kml');
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

  it('an operator imports a 班线 from a Google Earth KML: the line is the polyline, the placemarks the stops, source kml, audited', async () => {
    const created = await send(url, 'PUT', '/v1/routes/GZ-KML', { kind: 'scheduled_line', name: '广州—佛山班线', companyId: 'C1', kml: KML }, t['op-gz']);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      routeId: 'GZ-KML',
      source: 'kml',
      polyline: [
        [113.3, 23.1],
        [113.35, 23.11],
        [113.4, 23.12],
      ],
      stops: [
        { name: '广州 (天河) 客运站', lon: 113.3, lat: 23.1, radiusM: 180 },
        { name: '佛山站', lon: 113.4, lat: 23.12 },
      ],
    });
    expect((await get(url, '/v1/routes/GZ-KML', t['c1'])).body.stops[0].name).toBe('广州 (天河) 客运站');
    const { rows: audit } = await pool.query<{ action: string }>(`SELECT action FROM audit_log WHERE target = 'routes/GZ-KML'`);
    expect(audit.map((a) => a.action)).toEqual(['routes.create']);
  });

  it('refuses a GBK-declared file, a GPX file and a file given as both KML and GeoJSON with 400 naming what is wrong; nothing saved', async () => {
    const gbk = await send(
      url,
      'PUT',
      '/v1/routes/GZ-GBK',
      { kind: 'scheduled_line', name: 'GBK', companyId: 'C1', kml: KML.replace('encoding="UTF-8"', 'encoding="GBK"') },
      t['op-gz'],
    );
    expect(gbk.status).toBe(400);
    expect(JSON.stringify(gbk.body)).toMatch(/body\.kml/);
    expect(JSON.stringify(gbk.body)).toMatch(/declares encoding \\"GBK\\"/);
    const gpx = await send(url, 'PUT', '/v1/routes/GZ-GBK', { kind: 'charter', name: 'GPX', companyId: 'C1', kml: '<gpx><trk/></gpx>' }, t['op-gz']);
    expect(gpx.status).toBe(400);
    expect(JSON.stringify(gpx.body)).toMatch(/root element is <gpx>/);
    const both = await send(
      url,
      'PUT',
      '/v1/routes/GZ-GBK',
      { kind: 'charter', name: '两者', companyId: 'C1', kml: KML, geojson: '{"type":"LineString","coordinates":[[113.3,23.1],[113.4,23.1]]}' },
      t['op-gz'],
    );
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body)).toMatch(/one of the three/);
    expect((await get(url, '/v1/routes/GZ-GBK', t['admin'])).status).toBe(404);
    const { rows } = await pool.query(`SELECT 1 FROM audit_log WHERE target = 'routes/GZ-GBK'`);
    expect(rows).toEqual([]);
  });
});
