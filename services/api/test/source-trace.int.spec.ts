import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseProposer, CaseUnitOfWork, OpenCaseUseCase, SourceTraceAtOpening } from '@roadwatch/case-lifecycle';
import { InProcessBus } from '@roadwatch/messaging';
import { DEFAULT_OVERLOAD_CONFIG, DEFAULT_PENALTY_CONFIG } from '@roadwatch/rules';
import { PositionRepository, type StoragePool } from '@roadwatch/storage';
import { trackArrivingAt, uniqueName, type LonLat } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { fieldsOf, get, login, logger, NOW, post, seededPool, send, startTestApi, USERS, violationOf, type TestApi } from './support';

const HOUR = 3_600_000;
const T_W = NOW - 2 * HOUR;
const square = ([lon, lat]: LonLat, halfDeg: number): LonLat[] => [
  [lon - halfDeg, lat - halfDeg],
  [lon + halfDeg, lat - halfDeg],
  [lon + halfDeg, lat + halfDeg],
  [lon - halfDeg, lat + halfDeg],
];
// Two overlapping sites near 广州: a stop where both are → grade B.
const SITE_1: LonLat = [113.3, 23.2];
const SITE_2: LonLat = [113.302, 23.202];
const FIELD: LonLat = [118.7, 32.1];

describe('api 源头倒查 on real PostgreSQL: the case trace, the officer confirmation with scope, the ranking and the grade-C layer', () => {
  const schema = uniqueName('api_trace').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;
  const caseOf: Record<string, string> = {};
  const path = (vehicleId: string, tail = '') => `/v1/cases/${encodeURIComponent(caseOf[vehicleId]!)}/source-trace${tail}`;
  const period = `fromMs=${T_W - HOUR}&toMs=${T_W + HOUR}`;

  beforeAll(async () => {
    pool = await seededPool(schema);
    await pool.query(
      `INSERT INTO companies (company_id, name, region_code, kind) VALUES ('S1', '甲砂石有限公司', '440106', 'source_unit'), ('S2', '乙矿业有限公司', '440106', 'source_unit')`,
    );
    await pool.query(
      `INSERT INTO source_sites (source_site_id, name, company_id, region_code, geofence_polygon, exit_station_id) VALUES
         ('SITE-1', '甲料场', 'S1', '440106', $1::jsonb, NULL), ('SITE-2', '乙矿山', 'S2', '440106', $2::jsonb, 'ST-EXIT-2')`,
      [JSON.stringify(square(SITE_1, 0.004)), JSON.stringify(square(SITE_2, 0.004))],
    );
    const positions = new PositionRepository(pool);
    // V1 (C1, 广州): loads where both sites overlap → B. V3 (C3, 南京): a stop in a field → C. V2 (C2, 深圳): weighed at SITE-2's exit scale → A.
    await positions.insertMany(
      trackArrivingAt({
        vehicleId: 'V1',
        start: [113.25, 23.2],
        legs: [{ to: [113.301, 23.201], speedKmh: 40 }, { forMs: 30 * 60_000 }, { to: [113.4, 23.2], speedKmh: 30 }],
        arriveAtMs: T_W,
      }),
    );
    await positions.insertMany(
      trackArrivingAt({
        vehicleId: 'V3',
        start: [118.65, 32.1],
        legs: [{ to: FIELD, speedKmh: 40 }, { forMs: 40 * 60_000 }, { to: [118.8, 32.1], speedKmh: 30 }],
        arriveAtMs: T_W,
      }),
    );
    const open = new OpenCaseUseCase(
      new CaseUnitOfWork(pool),
      new CaseProposer({ penaltyConfig: DEFAULT_PENALTY_CONFIG, overloadConfig: DEFAULT_OVERLOAD_CONFIG, stationSourceSites: {} }),
      new SourceTraceAtOpening(),
    );
    for (const [vehicleId, plate, company, station] of [
      ['V1', '粤A10001', 'C1', 'ST1'],
      ['V2', '粤B20002', 'C2', 'ST-EXIT-2'],
      ['V3', '苏A30003', 'C3', 'ST1'],
    ] as const) {
      const result = await open.execute({ violation: violationOf(vehicleId, plate, company, T_W, station), nowMs: NOW });
      caseOf[vehicleId] = result.caseId;
    }
    testApi = await startTestApi(bus, pool, schema, {
      now: () => NOW,
      seedUsers: [
        ...USERS,
        { username: 'enf-gz', password: 'enf-gz-pw', role: 'enforcement', regionCode: '4401' },
        { username: 'enf-js', password: 'enf-js-pw', role: 'enforcement', regionCode: '32' },
      ],
    });
    ({ api, tokens } = testApi);
    tokens['enf-gz'] = await login(api.url, 'enf-gz', 'enf-gz-pw');
    tokens['enf-js'] = await login(api.url, 'enf-js', 'enf-js-pw');
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it("the case's trace reads with the case's scope: grade B with both candidates and their geofences; another company's is 404", async () => {
    const own = await get(api.url, path('V1'), tokens['c1']);
    expect(own.status).toBe(200);
    expect(own.body.trace).toMatchObject({ grade: 'B', status: 'to_confirm', method: 'track' });
    expect([...own.body.trace.candidateSiteIds].sort()).toEqual(['SITE-1', 'SITE-2']);
    expect(own.body.trace.candidateStop.sites).toHaveLength(2);
    expect(own.body.trace.reasons.every((r: { zh: string; en: string }) => r.zh && r.en)).toBe(true);
    expect(own.body.sites.map((s: { sourceSiteId: string; geofencePolygon: unknown[] }) => [s.sourceSiteId, s.geofencePolygon.length])).toEqual([
      ['SITE-1', 4],
      ['SITE-2', 4],
    ]);
    expect((await get(api.url, path('V2'), tokens['c1'])).status).toBe(404);
    expect((await get(api.url, path('V1'), tokens['enf-js'])).status).toBe(404);
  });

  it('a company cannot decide (403 on its own case, 404 on another); an officer of another region gets 404; bad input is 400 and changes nothing', async () => {
    const body = { decision: 'confirm', siteId: 'SITE-1', comment: '装载单核实' };
    expect((await post(api.url, path('V1', '/decision'), body, tokens['c1'])).status).toBe(403);
    expect((await post(api.url, path('V2', '/decision'), body, tokens['c1'])).status).toBe(404);
    expect((await post(api.url, path('V1', '/decision'), body, tokens['enf-js'])).status).toBe(404);
    expect((await post(api.url, path('V1', '/decision'), body, tokens['op-gz'])).status).toBe(403);
    expect((await post(api.url, `/v1/cases/${encodeURIComponent('case:nope')}/source-trace/decision`, body, tokens['enf-gz'])).status).toBe(404);
    // Two candidates: the site must be named, and be one of them; a comment is required.
    const unnamed = await post(api.url, path('V1', '/decision'), { decision: 'confirm', comment: '核实' }, tokens['enf-gz']);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.message).toContain('body.siteId');
    expect((await post(api.url, path('V1', '/decision'), { ...body, siteId: 'SITE-X' }, tokens['enf-gz'])).status).toBe(400);
    expect((await post(api.url, path('V1', '/decision'), { ...body, comment: '' }, tokens['enf-gz'])).status).toBe(400);
    expect((await post(api.url, path('V1', '/decision'), { ...body, comment: '   ' }, tokens['enf-gz'])).status).toBe(400);
    expect((await post(api.url, path('V1', '/decision'), { ...body, siteId: 'SITE-1\u0000' }, tokens['enf-gz'])).status).toBe(400);
    expect((await get(api.url, path('V1'), tokens['enf-gz'])).body.trace.status).toBe('to_confirm');
  });

  it("an officer of the case's region confirms a B candidate: the case's 货运源头单位 names its company, audited; a second decision is 409", async () => {
    const ok = await post(api.url, path('V1', '/decision'), { decision: 'confirm', siteId: 'SITE-2', comment: '装载单核实' }, tokens['enf-gz']);
    expect(ok.status).toBe(200);
    expect(ok.body.trace).toMatchObject({
      status: 'confirmed',
      sourceSiteId: 'SITE-2',
      sourceCompanyId: 'S2',
      decidedBy: 'enf-gz',
      decisionComment: '装载单核实',
    });
    const c = await get(api.url, `/v1/cases/${encodeURIComponent(caseOf['V1']!)}`, tokens['enf-gz']);
    expect(c.body.parties.find((p: { party: string }) => p.party === 'source_unit')).toMatchObject({
      identified: true,
      partyRef: 'SITE-2',
      name: '乙矿业有限公司',
    });
    const { rows } = await pool.query(`SELECT actor, outcome, reason FROM audit_log WHERE action = 'case.source_trace_decide' AND outcome = 'success'`);
    expect(rows).toEqual([{ actor: 'enf-gz', outcome: 'success', reason: '装载单核实' }]);
    expect((await post(api.url, path('V1', '/decision'), { decision: 'reject', comment: '再议' }, tokens['admin'])).status).toBe(409);
  });

  it('an exit-scale A is confirmed by the admin with its own site; a grade-C trace has nothing to confirm (409)', async () => {
    expect((await get(api.url, path('V2'), tokens['admin'])).body.trace).toMatchObject({
      grade: 'A',
      method: 'exit_scale',
      sourceSiteId: 'SITE-2',
      status: 'proposed',
    });
    const ok = await post(api.url, path('V2', '/decision'), { decision: 'confirm', comment: '出场称重记录核实' }, tokens['admin']);
    expect(ok.status).toBe(200);
    expect(ok.body.trace).toMatchObject({ status: 'confirmed', sourceSiteId: 'SITE-2' });
    const c3 = await post(api.url, path('V3', '/decision'), { decision: 'reject', comment: '无' }, tokens['admin']);
    expect(c3.status).toBe(409);
    expect(c3.body.message).toContain('grade C');
  });

  it('the ranking counts A and confirmed traces per source unit in scope; the grade-C layer lists the stops; a company may read neither', async () => {
    const all = await get(api.url, `/v1/source-traces/ranking?${period}`, tokens['admin']);
    expect(all.status).toBe(200);
    expect(all.body.rows).toEqual([expect.objectContaining({ sourceSiteId: 'SITE-2', companyName: '乙矿业有限公司', trips: 2, confirmed: 2 })]);
    // 南京's officer: V1 (广州) and V2 (深圳) are not in its region.
    expect((await get(api.url, `/v1/source-traces/ranking?${period}`, tokens['enf-js'])).body.rows).toEqual([]);
    expect((await get(api.url, `/v1/source-traces/ranking?${period}`, tokens['enf-gz'])).body.rows).toEqual([expect.objectContaining({ trips: 1 })]);
    expect((await get(api.url, `/v1/source-traces/ranking?fromMs=${T_W + HOUR}&toMs=${T_W + 2 * HOUR}`, tokens['admin'])).body.rows).toEqual([]);
    expect((await get(api.url, `/v1/source-traces/ranking?${period}`, tokens['c1'])).status).toBe(403);
    expect((await get(api.url, `/v1/source-traces/ranking?fromMs=${T_W}&toMs=${T_W - 1}`, tokens['admin'])).status).toBe(400);

    const layer = await get(api.url, `/v1/source-traces/possible-loading-points?${period}`, tokens['enf-js']);
    expect(layer.status).toBe(200);
    expect(layer.body.items).toHaveLength(1);
    expect(layer.body.items[0]).toMatchObject({ plate: '苏A30003', caseId: caseOf['V3'] });
    expect(layer.body.items[0].latitudeDeg).toBeCloseTo(FIELD[1], 4);
    expect((await get(api.url, `/v1/source-traces/possible-loading-points?${period}`, tokens['op-gz'])).body.items).toEqual([]);
    expect((await get(api.url, `/v1/source-traces/possible-loading-points?${period}`, tokens['c2'])).status).toBe(403);
  });

  it('the admin registers a site with its polygon, kind, key flag and exit scale; a crossed polygon, an unknown kind or a point outside China is 400 and stores nothing', async () => {
    const admin = tokens['admin']!;
    const site = { sourceSiteId: 'SITE-9', name: '丙料场', companyId: 'S1', siteKind: 'mine', keySite: true, exitStationId: 'ST-EXIT-9' };
    const created = await post(
      api.url,
      '/v1/admin/source-sites',
      { ...site, geofencePolygon: [...square([113.5, 23.5], 0.002), square([113.5, 23.5], 0.002)[0]] },
      admin,
    );
    expect(created.status).toBe(201);
    expect((await get(api.url, '/v1/admin/source-sites/SITE-9', admin)).body).toMatchObject({
      ...site,
      geofencePolygon: expect.arrayContaining([[113.498, 23.498]]),
    });
    const [a, b, c, d] = square([113.5, 23.5], 0.002);
    const crossed = await send(api.url, 'PUT', '/v1/admin/source-sites/SITE-9', { ...site, geofencePolygon: [a, c, b, d] }, admin);
    expect(crossed.status).toBe(400);
    expect(crossed.body.message).toContain('intersects itself');
    expect(fieldsOf(crossed.body)).toEqual(['body.geofencePolygon']);
    expect(fieldsOf((await send(api.url, 'PUT', '/v1/admin/source-sites/SITE-9', { ...site, siteKind: 'casino' }, admin)).body)).toEqual(['body.siteKind']);
    const abroad = await send(
      api.url,
      'PUT',
      '/v1/admin/source-sites/SITE-9',
      {
        ...site,
        geofencePolygon: [
          [2.35, 48.85],
          [2.36, 48.85],
          [2.36, 48.86],
        ],
      },
      admin,
    );
    expect(abroad.status).toBe(400);
    expect((await get(api.url, '/v1/admin/source-sites/SITE-9', admin)).body.geofencePolygon).toHaveLength(5);
    expect((await post(api.url, '/v1/admin/source-sites', { sourceSiteId: 'SITE-10', name: '丁' }, tokens['enf']!)).status).toBe(403);
  });
});
