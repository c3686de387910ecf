import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseProposer, CaseUnitOfWork, OpenCaseUseCase, SourceTraceAtOpening } from '@roadwatch/case-lifecycle';
import { InProcessBus } from '@roadwatch/messaging';
import { DEFAULT_OVERLOAD_CONFIG, DEFAULT_PENALTY_CONFIG } from '@roadwatch/rules';
import { PositionRepository, type StoragePool } from '@roadwatch/storage';
import { trackArrivingAt, uniqueName, type LonLat } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { fieldsOf, get, logger, NOW, post, seededPool, send, startTestApi, violationOf, type TestApi } from './support';

const HOUR = 3_600_000;
const T_W = NOW - 2 * HOUR;
const QUARRY: LonLat = [113.3, 23.2];
const square = ([lon, lat]: LonLat, halfDeg: number): LonLat[] => [
  [lon - halfDeg, lat - halfDeg],
  [lon + halfDeg, lat - halfDeg],
  [lon + halfDeg, lat + halfDeg],
  [lon - halfDeg, lat + halfDeg],
];

describe('api: the admin keeps the 货运源头单位 site kinds; the 货源地倒查 map reads its track (real PostgreSQL)', () => {
  const schema = uniqueName('api_kinds').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;
  let caseId = '';
  let firstTrackMs = 0;

  beforeAll(async () => {
    pool = await seededPool(schema);
    await pool.query(`INSERT INTO companies (company_id, name, region_code, kind) VALUES ('S1', '甲砂石有限公司', '440106', 'source_unit')`);
    await pool.query(
      `INSERT INTO source_sites (source_site_id, name, company_id, region_code, geofence_polygon, site_kind) VALUES ('SITE-1', '甲料场', 'S1', '440106', $1::jsonb, 'mine')`,
      [JSON.stringify(square(QUARRY, 0.004))],
    );
    // V1 (company C1) drives 20 min, loads 30 min inside the quarry, drives to the scale: grade A.
    const track = trackArrivingAt({
      vehicleId: 'V1',
      start: [113.2, 23.2],
      legs: [{ to: QUARRY, speedKmh: 40 }, { forMs: 30 * 60_000 }, { to: [113.4, 23.2], speedKmh: 30 }],
      arriveAtMs: T_W,
    });
    firstTrackMs = Math.min(...track.map((p) => p.deviceTimeMs));
    await new PositionRepository(pool).insertMany(track);
    const open = new OpenCaseUseCase(
      new CaseUnitOfWork(pool),
      new CaseProposer({ penaltyConfig: DEFAULT_PENALTY_CONFIG, overloadConfig: DEFAULT_OVERLOAD_CONFIG, stationSourceSites: {} }),
      new SourceTraceAtOpening(),
    );
    caseId = (await open.execute({ violation: violationOf('V1', '粤A10001', 'C1', T_W, 'ST1'), nowMs: NOW })).caseId;
    testApi = await startTestApi(bus, pool, schema, { now: () => NOW });
    ({ api, tokens } = testApi);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it('lists the seeded kinds in order with their site counts; only the admin may (operator, enforcement, company 403; no token 401)', async () => {
    const list = await get(api.url, '/v1/source-site-kinds', tokens['admin']);
    expect(list.status).toBe(200);
    expect(list.body.items.map((k: { kindCode: string }) => k.kindCode)).toEqual(['sand_gravel', 'mine', 'cement_concrete', 'port_freight', 'logistics_park']);
    expect(list.body.items.find((k: { kindCode: string }) => k.kindCode === 'mine')).toMatchObject({ nameZh: '矿山', siteCount: 1 });
    for (const user of ['op-gz', 'enf', 'c1']) expect((await get(api.url, '/v1/source-site-kinds', tokens[user])).status).toBe(403);
    expect((await get(api.url, '/v1/source-site-kinds')).status).toBe(401);
    expect((await post(api.url, '/v1/source-site-kinds', { kindCode: 'brickworks', nameZh: '砖厂', nameEn: 'Brickworks' }, tokens['enf'])).status).toBe(403);
  });

  it('adds a kind (audited), refuses a taken code (409) and bad codes or names naming the field, writing nothing', async () => {
    const added = await post(api.url, '/v1/source-site-kinds', { kindCode: 'brickworks', nameZh: '砖厂', nameEn: 'Brickworks', sortOrder: 6 }, tokens['admin']);
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ kindCode: 'brickworks', nameZh: '砖厂', nameEn: 'Brickworks', sortOrder: 6, siteCount: 0 });
    expect((await post(api.url, '/v1/source-site-kinds', { kindCode: 'brickworks', nameZh: '又一个', nameEn: 'Again' }, tokens['admin'])).status).toBe(409);
    for (const [body, field] of [
      [{ kindCode: 'Brick Works', nameZh: '砖厂', nameEn: 'B' }, 'body.kindCode'],
      [{ kindCode: '砖厂', nameZh: '砖厂', nameEn: 'B' }, 'body.kindCode'],
      [{ kindCode: 'kiln', nameZh: '   ', nameEn: 'Kiln' }, 'body.nameZh'],
      [{ kindCode: 'kiln', nameZh: '窑\u0000', nameEn: 'Kiln' }, 'body.nameZh'],
    ] as const) {
      const refused = await post(api.url, '/v1/source-site-kinds', body, tokens['admin']);
      expect(refused.status).toBe(400);
      expect(fieldsOf(refused.body)).toContain(field);
    }
    const codes = (await get(api.url, '/v1/source-site-kinds', tokens['admin'])).body.items.map((k: { kindCode: string }) => k.kindCode);
    expect(codes).toEqual(['sand_gravel', 'mine', 'cement_concrete', 'port_freight', 'logistics_park', 'brickworks']);
    const { rows } = await pool.query(`SELECT actor, outcome FROM audit_log WHERE action = 'registry.create' AND target LIKE 'source-site-kinds/%'`);
    expect(rows).toEqual([{ actor: 'admin', outcome: 'success' }]);
  });

  it('renames a kind keeping its code (sites still name it); an unknown kind is 404', async () => {
    const renamed = await send(
      api.url,
      'PUT',
      '/v1/source-site-kinds/mine',
      { nameZh: '矿山/采石场', nameEn: 'Mine or quarry', sortOrder: 2 },
      tokens['admin'],
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ kindCode: 'mine', nameZh: '矿山/采石场', siteCount: 1 });
    expect((await send(api.url, 'PUT', '/v1/source-site-kinds/nope', { nameZh: '无', nameEn: 'None' }, tokens['admin'])).status).toBe(404);
    const site = await get(api.url, '/v1/admin/source-sites/SITE-1', tokens['admin']);
    expect(site.body.siteKind).toBe('mine');
  });

  it('retires an unused kind; a kind a site uses stays (409 saying so); an unknown one is 404', async () => {
    const inUse = await send(api.url, 'DELETE', '/v1/source-site-kinds/mine', undefined, tokens['admin']);
    expect(inUse.status).toBe(409);
    expect(inUse.body.message).toContain('1 source site');
    expect((await send(api.url, 'DELETE', '/v1/source-site-kinds/brickworks', undefined, tokens['admin'])).status).toBe(204);
    expect((await send(api.url, 'DELETE', '/v1/source-site-kinds/brickworks', undefined, tokens['admin'])).status).toBe(404);
    const codes = (await get(api.url, '/v1/source-site-kinds', tokens['admin'])).body.items.map((k: { kindCode: string }) => k.kindCode);
    expect(codes).toContain('mine');
    expect(codes).not.toContain('brickworks');
    // A retired kind can no longer be given to a site.
    const site = (await get(api.url, '/v1/admin/source-sites/SITE-1', tokens['admin'])).body;
    expect((await send(api.url, 'PUT', '/v1/admin/source-sites/SITE-1', { ...site, siteKind: 'brickworks' }, tokens['admin'])).status).toBe(400);
  });

  it("the trace's track runs from the loading stop to just after the weighing, read as the case is (another company 404)", async () => {
    const track = await get(api.url, `/v1/cases/${encodeURIComponent(caseId)}/source-trace/track`, tokens['enf']);
    expect(track.status).toBe(200);
    expect(track.body.vehicleId).toBe('V1');
    expect(track.body.toMs).toBe(T_W + 60_000);
    // The approach before the quarry is not drawn; the stop inside it and the road to the scale are.
    expect(track.body.fromMs).toBeGreaterThan(firstTrackMs);
    expect(track.body.points.length).toBeGreaterThan(10);
    const times: number[] = track.body.points.map((p: { tMs: number }) => p.tMs);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(track.body.fromMs);
    expect(Math.max(...times)).toBeLessThan(track.body.toMs);
    expect(Math.max(...times)).toBeGreaterThanOrEqual(T_W - 60_000);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const inQuarry = track.body.points.filter((p: { longitudeDeg: number }) => Math.abs(p.longitudeDeg - QUARRY[0]) < 0.004);
    expect(inQuarry.length).toBeGreaterThan(0);
    expect((await get(api.url, `/v1/cases/${encodeURIComponent(caseId)}/source-trace/track`, tokens['c1'])).status).toBe(200);
    expect((await get(api.url, `/v1/cases/${encodeURIComponent(caseId)}/source-trace/track`, tokens['c2'])).status).toBe(404);
    expect((await get(api.url, `/v1/cases/${encodeURIComponent('case:nope')}/source-trace/track`, tokens['enf'])).status).toBe(404);
  });

  it('the ranking downloads as CSV (BOM, headers in the language asked, the quarry with its trip) and XLSX, in scope; companies 403; a bad period 400', async () => {
    const period = `fromMs=${T_W - HOUR}&toMs=${T_W + HOUR}`;
    const csv = await fetch(`${api.url}/v1/source-traces/ranking.csv?${period}`, { headers: { authorization: `Bearer ${tokens['enf']}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const raw = new Uint8Array(await csv.arrayBuffer());
    expect([...raw.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, first] = new TextDecoder().decode(raw).split('\r\n');
    expect(header).toBe('排名,源头单位编号,源头单位,经营企业,行政区划,超限车次,A级认定,已确认,最近称重');
    expect(first).toMatch(/^1,SITE-1,甲料场,甲砂石有限公司,440106,1,1,0,/);
    const en = await fetch(`${api.url}/v1/source-traces/ranking.csv?${period}&lang=en`, { headers: { authorization: `Bearer ${tokens['admin']}` } });
    expect((await en.text()).split('\r\n')[0]).toMatch(/^Rank,Site id,Source site,Company/);
    const xlsx = await fetch(`${api.url}/v1/source-traces/ranking.xlsx?${period}`, { headers: { authorization: `Bearer ${tokens['enf']}` } });
    expect(xlsx.status).toBe(200);
    const bytes = new Uint8Array(await xlsx.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0x50, 0x4b]);
    expect((await fetch(`${api.url}/v1/source-traces/ranking.csv?${period}`, { headers: { authorization: `Bearer ${tokens['c1']}` } })).status).toBe(403);
    const backwards = await fetch(`${api.url}/v1/source-traces/ranking.csv?fromMs=${T_W}&toMs=${T_W - HOUR}`, {
      headers: { authorization: `Bearer ${tokens['enf']}` },
    });
    expect(backwards.status).toBe(400);
  });
});
