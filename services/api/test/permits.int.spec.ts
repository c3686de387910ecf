import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { InProcessBus } from '@roadwatch/messaging';
import { PositionRepository, WimRepository, type StoragePool } from '@roadwatch/storage';
import { aPosition, aWimRecord, uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { get, logger, post, seededPool, send, startTestApi, type TestApi } from './support';

const MIN = 60_000;
// 6 December 2026, noon local: outside the permit's night hours.
const NOON = chinaLocalToEpochMs(2026, 12, 6, 12);
const DAY_FROM = chinaLocalToEpochMs(2026, 12, 6);

// Issue #16 items 3–4: the 大件 audit sheet and the administered area bans over real HTTP on real PostgreSQL.
describe('api: /v1/permits/:routeId/audit and /v1/area-bans', () => {
  const schema = uniqueName('api_permits').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;

  beforeAll(async () => {
    pool = await seededPool(schema);
    await pool.query(
      `INSERT INTO approved_routes (route_id, kind, name, reference_no, company_id, polyline, valid_from, valid_to, allowed_hours, declared)
       VALUES ('P-C1', 'oversize_permit', '变压器运输', '粤大件2026-009', 'C1', '[[113.30, 23.13], [113.50, 23.13]]', '2026-12-06', '2026-12-06',
               '[{"from": "22:00", "to": "06:00"}]', '{"grossKg": 55000, "axles": 6}')`,
    );
    await pool.query(`INSERT INTO route_vehicles (route_id, vehicle_id) VALUES ('P-C1', 'V1')`);
    // 12 reports 30 s apart, 500 m apart along the route at noon: 5.5 min of moving outside the hours; then 10 reports 2 km north of it.
    const onRoute = Array.from({ length: 12 }, (_, i) =>
      aPosition({ vehicleId: 'V1', deviceTimeMs: NOON + i * 30_000, latitudeDeg: 23.13, longitudeDeg: 113.33 + i * 0.0049, speedKmh: 60, gnssFixed: true }),
    );
    const away = Array.from({ length: 10 }, (_, i) =>
      aPosition({
        vehicleId: 'V1',
        deviceTimeMs: NOON + 20 * MIN + i * 30_000,
        latitudeDeg: 23.148,
        longitudeDeg: 113.4 + i * 0.0049,
        speedKmh: 60,
        gnssFixed: true,
      }),
    );
    await new PositionRepository(pool).insertMany([...onRoute, ...away]);
    await new WimRepository(pool).insertMany([
      aWimRecord({ stationId: 'ST-P', stationRecordId: 'R-OVER', plate: '粤A10001', plateColour: 2, grossKg: 60_000, measuredAtMs: NOON + 30 * MIN }),
      aWimRecord({ stationId: 'ST-P', stationRecordId: 'R-IN', plate: '粤A10001', plateColour: 2, grossKg: 50_000, measuredAtMs: NOON + 40 * MIN }),
    ]);
    testApi = await startTestApi(bus, pool, schema);
    ({ api, tokens } = testApi);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it('the permit’s company reads its audit sheet: share on route by distance, the stretch outside the hours, the weighings against the declared gross', async () => {
    const r = await get(api.url, '/v1/permits/P-C1/audit', tokens['c1']);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      vehicleId: 'V1',
      plate: '粤A10001',
      fromMs: DAY_FROM,
      toMs: DAY_FROM + 24 * 60 * MIN,
      reports: 22,
      permit: { routeId: 'P-C1', referenceNo: '粤大件2026-009', declared: { grossKg: 55_000, axles: 6 } },
      stretches: [{ startMs: NOON, issues: ['outside_hours'], movingMs: 330_000, counted: true }],
      outsideMovingMs: 330_000,
    });
    // 11 legs of ~500 m on route, one leg of ~3 km away and 9 legs of ~500 m off it.
    expect(r.body.shareOnRoute).toBeGreaterThan(0.4);
    expect(r.body.shareOnRoute).toBeLessThan(0.45);
    // 60,000 kg on a 5% scale → 57,000 kg confirmed > 55,000 declared; 50,000 → 47,500 within.
    expect(
      r.body.weighings.map((w: { measurementId: string; verdict: string; confirmedGrossKg: number }) => [w.measurementId, w.verdict, w.confirmedGrossKg]),
    ).toEqual([
      ['ST-P/R-OVER', 'exceeded', 57_000],
      ['ST-P/R-IN', 'within', 47_500],
    ]);
  });

  it('another company never reads it (404, as a permit that does not exist); a bad period or vehicle is a 400 naming it', async () => {
    expect((await get(api.url, '/v1/permits/P-C1/audit', tokens['c2'])).status).toBe(404);
    expect((await get(api.url, '/v1/permits/P-C1/audit.xlsx', tokens['c2'])).status).toBe(404);
    expect((await get(api.url, '/v1/permits/NOPE/audit', tokens['c1'])).status).toBe(404);
    // Operators of Guangzhou (4401) read it by C1's region; the admin too.
    expect((await get(api.url, '/v1/permits/P-C1/audit', tokens['op-gz'])).status).toBe(200);
    const tooLong = await get(api.url, `/v1/permits/P-C1/audit?fromMs=${DAY_FROM}&toMs=${DAY_FROM + 32 * 24 * 60 * MIN}`, tokens['admin']);
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('31 days');
    const backwards = await get(api.url, `/v1/permits/P-C1/audit?fromMs=${NOON}&toMs=${NOON}`, tokens['admin']);
    expect(backwards.status).toBe(400);
    expect((await get(api.url, '/v1/permits/P-C1/audit?vehicleId=V2', tokens['admin'])).status).toBe(400);
  });

  it('exports the audit sheet as XLSX: the summary, the stretch and the weighings', async () => {
    const response = await fetch(`${api.url}/v1/permits/P-C1/audit.xlsx`, { headers: { authorization: `Bearer ${tokens['c1']}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await response.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总 summary', '时段外行驶 outside hours', '称重比对 weighings']);
    const summary = JSON.stringify(wb.worksheets[0]!.getSheetValues());
    expect(summary).toContain('粤大件2026-009');
    expect(summary).toContain('大车小证');
    expect(wb.worksheets[2]!.getRow(2).getCell(7).value).toBe('大车小证 exceeded');
  });

  it('area bans: an operator writes its region’s (audited), not another’s; a company reads the bans that bind it, never writes', async () => {
    const ban = {
      banId: 'AB-GZ',
      name: '广州危化品禁行区',
      regionCode: '440106',
      polygon: [
        [113.2, 23.1],
        [113.4, 23.1],
        [113.4, 23.2],
      ],
      vehicleClasses: ['hazmat'],
      windows: [{ from: '22:00', to: '06:00', days: [5, 6] }],
    };
    const saved = await send(api.url, 'PUT', '/v1/area-bans/AB-GZ', ban, tokens['op-gz']);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ banId: 'AB-GZ', regionCode: '440106', createdBy: 'op-gz', windows: [{ from: '22:00', to: '06:00', days: [5, 6] }] });
    expect((await send(api.url, 'PUT', '/v1/area-bans/AB-SZ', { ...ban, banId: 'AB-SZ', regionCode: '440305' }, tokens['op-gz'])).status).toBe(403);
    expect((await send(api.url, 'PUT', '/v1/area-bans/AB-GZ', ban, tokens['c1'])).status).toBe(403);
    // An empty window and a polygon of two distinct points are refused with the reason.
    const empty = await send(api.url, 'PUT', '/v1/area-bans/AB-GZ', { ...ban, windows: [{ from: '22:00', to: '22:00' }] }, tokens['admin']);
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.body)).toContain('same instant');
    const flat = await send(
      api.url,
      'PUT',
      '/v1/area-bans/AB-GZ',
      {
        ...ban,
        polygon: [
          [113.2, 23.1],
          [113.4, 23.1],
          [113.2, 23.1],
        ],
      },
      tokens['admin'],
    );
    expect(flat.status).toBe(400);
    expect((await send(api.url, 'PUT', '/v1/area-bans/AB-GZ', { ...ban, windows: [{ from: '25:00', to: '06:00' }] }, tokens['admin'])).status).toBe(400);
    // C1 (440106) is bound by it; C2 (440305) is not.
    expect((await get(api.url, '/v1/area-bans', tokens['c1'])).body.items.map((b: { banId: string }) => b.banId)).toEqual(['AB-GZ']);
    expect((await get(api.url, '/v1/area-bans', tokens['c2'])).body.items).toEqual([]);
    const retired = await post(api.url, '/v1/area-bans/AB-GZ/retire', {}, tokens['op-gz']);
    expect(retired.status).toBe(200);
    expect(retired.body.retiredAtMs).toEqual(expect.any(Number));
    expect((await get(api.url, '/v1/area-bans', tokens['c1'])).body.items).toEqual([]);
    const { rows } = await pool.query<{ action: string; actor: string }>(
      `SELECT action, actor FROM audit_log WHERE target = 'area_ban/AB-GZ' ORDER BY at, audit_id`,
    );
    expect(rows).toEqual([
      { action: 'area_ban.create', actor: 'op-gz' },
      { action: 'area_ban.retire', actor: 'op-gz' },
    ]);
  });

  it('a region-wide ban (no polygon) binds the vehicles registered in its region: admin-made, refused without a region, read by the companies it binds, never sent to a terminal', async () => {
    const ban = {
      banId: 'AB-GD-NIGHT',
      name: '广东省危化品车辆高速公路夜间禁行',
      regionCode: '44',
      vehicleClasses: ['hazmat'],
      windows: [{ from: '00:00', to: '06:00' }],
      roadClasses: ['expressway'],
    };
    const saved = await send(api.url, 'PUT', '/v1/area-bans/AB-GD-NIGHT', ban, tokens['admin']);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ banId: 'AB-GD-NIGHT', regionCode: '44', roadClasses: ['expressway'] });
    expect(saved.body).not.toHaveProperty('polygon');
    // Neither a polygon nor a region: nothing it could bind — 400 saying so, nothing saved.
    const { regionCode: _, ...nowhere } = ban;
    const refused = await send(api.url, 'PUT', '/v1/area-bans/AB-NOWHERE', { ...nowhere, banId: 'AB-NOWHERE' }, tokens['admin']);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('a polygon, or a regionCode');
    expect((await get(api.url, '/v1/area-bans', tokens['admin'])).body.items.map((b: { banId: string }) => b.banId)).not.toContain('AB-NOWHERE');
    // A city operator cannot make a province-wide ban, nor change it (another region's ban is not found).
    expect((await send(api.url, 'PUT', '/v1/area-bans/AB-GD-2', { ...ban, banId: 'AB-GD-2' }, tokens['op-gz'])).status).toBe(403);
    // The Guangzhou operator reads the province's ban (it binds his region's vehicles) but neither changes nor retires it.
    expect((await get(api.url, '/v1/area-bans', tokens['op-gz'])).body.items.map((b: { banId: string }) => b.banId)).toContain('AB-GD-NIGHT');
    const overwrite = await send(api.url, 'PUT', '/v1/area-bans/AB-GD-NIGHT', { ...ban, regionCode: '440106' }, tokens['op-gz']);
    expect(overwrite.status).toBe(403);
    expect(JSON.stringify(overwrite.body)).toContain('belongs to region 44');
    expect((await post(api.url, '/v1/area-bans/AB-GD-NIGHT/retire', {}, tokens['op-gz'])).status).toBe(403);
    expect((await pool.query(`SELECT region_code, retired_at FROM area_bans WHERE ban_id = 'AB-GD-NIGHT'`)).rows).toEqual([
      { region_code: '44', retired_at: null },
    ]);
    // Both Guangdong companies are bound and read it.
    for (const company of ['c1', 'c2'])
      expect((await get(api.url, '/v1/area-bans', tokens[company])).body.items.map((b: { banId: string }) => b.banId)).toContain('AB-GD-NIGHT');
    // A region-wide ban has no area: sending it to a terminal as 0x8604 is refused, naming why.
    await pool.query(`INSERT INTO terminals (terminal_id, vehicle_id) VALUES ('013800440001', 'V1') ON CONFLICT DO NOTHING`);
    const sent = await post(api.url, '/v1/terminal-geofences', { vehicleId: 'V1', source: { kind: 'area_ban', banId: 'AB-GD-NIGHT' } }, tokens['admin']);
    expect(sent.status, JSON.stringify(sent.body)).toBe(400);
    expect(JSON.stringify(sent.body)).toContain('region-wide');
  });
});
