import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XLSX_MEDIA_TYPE } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { chinaMonthOf, monthPeriod, previousMonth } from '@roadwatch/rules';
import { AssessmentScoreRepository, type AssessmentScoreRow, type StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { fieldsOf, get, logger, NOW, post, seededPool, send, startTestApi, type TestApi } from './support';

const LAST_MONTH = previousMonth(chinaMonthOf(NOW));
const period = monthPeriod(LAST_MONTH);

/** The scores of last month as the scores job would leave them: C1 (广州 440106), C2 (深圳 440305), C3 (南京 320102), platform 440106. */
const score = (
  subjectKind: 'company' | 'platform',
  subjectId: string,
  regionCode: string,
  totalScore: number | undefined,
  handlingRatePct?: number,
): AssessmentScoreRow => ({
  subjectKind,
  subjectId,
  regionCode,
  periodKind: 'month',
  periodStartMs: period.startMs,
  periodEndMs: period.endMs,
  assessed: totalScore !== undefined,
  totalScore,
  anyIndicatorZero: false,
  handlingRatePct,
  indicators: [
    {
      code: 'network_access',
      numerator: 9,
      denominator: 10,
      value: 90,
      thresholdPct: 90,
      outcome: 'weighted',
      assessed: true,
      thresholdHit: false,
      weight: 5,
      score: 4.5,
    },
  ],
});

describe('考核 REST on real PostgreSQL (/v1/assessment, /v1/admin/assessment)', () => {
  const schema = uniqueName('api_assessment').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;

  const upload = async (month: string, body: Uint8Array | string, contentType: string, token: string | undefined) => {
    const response = await fetch(`${api.url}/v1/assessment/operating-vehicles?month=${month}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    return {
      status: response.status,
      body: (await response.json().catch(() => null)) as { accepted: number; replaced: number; rejected: { row: number; reason: string }[]; message?: string },
    };
  };
  const listed = async (month: string) =>
    (
      await pool.query<{ plate: string; plate_colour: number; suspended: boolean; region_code: string | null }>(
        `SELECT plate, plate_colour, suspended, region_code FROM operating_vehicles WHERE list_month = $1::date ORDER BY plate`,
        [`${month}-01`],
      )
    ).rows;

  beforeAll(async () => {
    pool = await seededPool(schema);
    await new AssessmentScoreRepository(pool).save([
      score('company', 'C1', '440106', 82.5, 85),
      score('company', 'C2', '440305', 91),
      score('company', 'C3', '320102', undefined),
      score('platform', '440106', '440106', 77),
    ]);
    testApi = await startTestApi(bus, pool, schema, { now: () => NOW });
    ({ api, tokens } = testApi);
  });
  afterAll(async () => {
    await testApi?.close();
  });

  it('a company reads its own scores only: guessing another company’s id or a platform answers nothing', async () => {
    const own = await get(api.url, '/v1/assessment/scores', tokens['c1']);
    expect(own.status).toBe(200);
    expect(own.body.items.map((i: { subjectId: string }) => i.subjectId)).toEqual(['C1']);
    expect(own.body.items[0]).toMatchObject({
      subjectName: '公司C1',
      totalScore: 82.5,
      handlingRatePct: 85,
      indicators: [{ code: 'network_access', value: 90, score: 4.5 }],
    });
    expect((await get(api.url, '/v1/assessment/scores?subjectId=C2', tokens['c1'])).body.items).toEqual([]);
    expect((await get(api.url, '/v1/assessment/scores?subjectKind=platform', tokens['c1'])).body.items).toEqual([]);
    const ranking = await get(api.url, '/v1/assessment/ranking', tokens['c1']);
    expect(ranking.body.ranking.map((r: { companyId: string }) => r.companyId)).toEqual(['C1']);
  });

  it('an operator reads its region’s companies and platform; the ranking lists 处理率 below 90 %', async () => {
    const region = await get(api.url, '/v1/assessment/scores', tokens['op-gz']);
    expect(region.body.items.map((i: { subjectKind: string; subjectId: string }) => `${i.subjectKind}:${i.subjectId}`)).toEqual([
      'company:C1',
      'platform:440106',
    ]);
    const all = await get(api.url, `/v1/assessment/ranking?month=${LAST_MONTH}`, tokens['admin']);
    expect(all.body).toMatchObject({
      periodStartMs: period.startMs,
      ranking: [
        { rank: 1, companyId: 'C2', totalScore: 91 },
        { rank: 2, companyId: 'C1', totalScore: 82.5, handlingRatePct: 85 },
      ],
      handlingBelowLine: [{ companyId: 'C1', handlingRatePct: 85, linePct: 90 }],
      notAssessed: [{ companyId: 'C3' }],
    });
  });

  it('bad queries are 400s naming the field; enforcement may not read scores', async () => {
    expect(fieldsOf((await get(api.url, '/v1/assessment/scores?fromMonth=2026-13', tokens['admin'])).body)).toEqual(['query.fromMonth']);
    expect((await get(api.url, '/v1/assessment/scores?periodKind=year', tokens['admin'])).status).toBe(400);
    expect((await get(api.url, '/v1/assessment/scores?fromMonth=2026-05&toMonth=2026-04', tokens['admin'])).status).toBe(400);
    expect((await get(api.url, '/v1/assessment/scores', tokens['enf'])).status).toBe(403);
    expect((await get(api.url, '/v1/assessment/scores')).status).toBe(401);
  });

  it('exports the scores in scope as XLSX (a company: its own row only)', async () => {
    const response = await fetch(`${api.url}/v1/assessment/scores.xlsx`, { headers: { authorization: `Bearer ${tokens['c1']}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(XLSX_MEDIA_TYPE);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    expect(sheet.rowCount).toBe(2);
    expect(sheet.getRow(1).getCell(1).value).toBe('对象 subject');
    expect(sheet.getRow(2).getCell(1).value).toBe('公司C1');
    expect(sheet.getRow(2).getCell(8).value).toBe(82.5);
  });

  it('imports a CSV for its region: valid rows kept, each bad row named with its row number and reason', async () => {
    const csv = [
      '\uFEFF车牌号,车牌颜色,企业编号,行政区划,车辆类型,营运状态',
      '粤A10001,黄,C1,440106,重型货车,营运',
      '"粤a10002",2,"C1",440106,heavy_truck,报停',
      '粤A10003,紫,C1,440106,重型货车,营运',
      '粤A10004,2,C1,440305,重型货车,营运',
      '粤A10001,2,C1,440106,重型货车,营运',
      '粤A 10005,2,C1,440106,重型货车,营运',
      ',,,,,',
      '粤A10006,2,"C1, 天河",440106,重型货车,停运',
      '粤A10007,1,C1,440106,,',
    ].join('\r\n');
    const result = await upload(LAST_MONTH, csv, 'text/csv; charset=utf-8', tokens['op-gz']);
    expect(result.status).toBe(200);
    expect(result.body.accepted).toBe(3);
    expect(result.body.rejected.map((r) => r.row)).toEqual([4, 5, 6, 7, 9]);
    expect(result.body.rejected[0]?.reason).toMatch(/车牌颜色 plateColour "紫"/);
    expect(result.body.rejected[1]?.reason).toMatch(/outside your region 4401/);
    expect(result.body.rejected[2]?.reason).toMatch(/already on row 2/);
    expect(result.body.rejected[3]?.reason).toMatch(/is not a plate/);
    expect(result.body.rejected[4]?.reason).toMatch(/neither 营运 nor 报停/);
    expect(await listed(LAST_MONTH)).toEqual([
      { plate: '粤A10001', plate_colour: 2, suspended: false, region_code: '440106' },
      { plate: '粤A10002', plate_colour: 2, suspended: true, region_code: '440106' },
      { plate: '粤A10007', plate_colour: 1, suspended: false, region_code: '440106' },
    ]);
  });

  it('an admin imports an XLSX: the month is replaced, and another region’s import leaves it be', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('运政');
    sheet.addRow(['plate', 'plateColour', 'companyId', 'regionCode', 'vehicleClass', 'status']);
    sheet.addRow(['粤B20002', 2, 'C2', '440305', 'heavy_truck', '营运']);
    sheet.addRow(['苏A30003', 2, 'C3', 320102, 'heavy_truck', 'operating']);
    sheet.addRow(['苏A30004', 'x', 'C3', '320102', 'heavy_truck', '营运']);
    const file = new Uint8Array(await workbook.xlsx.writeBuffer());
    const result = await upload(LAST_MONTH, file, XLSX_MEDIA_TYPE, tokens['admin']);
    expect(result.body).toMatchObject({ accepted: 2, replaced: 3, rejected: [{ row: 4 }] });
    expect((await listed(LAST_MONTH)).map((r) => r.plate)).toEqual(['粤B20002', '苏A30003']);
    // The Guangzhou operator re-imports its region: the other regions' rows stay.
    const again = await upload(LAST_MONTH, '车牌号,车牌颜色,行政区划\n粤A10009,2,440106\n', 'text/csv', tokens['op-gz']);
    expect(again.body).toMatchObject({ accepted: 1, replaced: 0 });
    expect((await listed(LAST_MONTH)).map((r) => r.plate)).toEqual(['粤A10009', '粤B20002', '苏A30003']);
  });

  it('refuses what it cannot read with a 400 and changes nothing; a company may not import', async () => {
    const before = await listed(LAST_MONTH);
    expect((await upload(LAST_MONTH, new Uint8Array([0x70, 0x6c, 0xff, 0xfe, 0x0a]), 'text/csv', tokens['admin'])).status).toBe(400);
    expect((await upload(LAST_MONTH, new Uint8Array([1, 2, 3]), XLSX_MEDIA_TYPE, tokens['admin'])).body.message).toMatch(/not a readable XLSX/);
    const noColumns = await upload(LAST_MONTH, 'a,b\n1,2\n', 'text/csv', tokens['admin']);
    expect(noColumns).toMatchObject({ status: 400 });
    expect(noColumns.body.message).toMatch(/lacks the column/);
    expect((await upload(LAST_MONTH, '"unclosed,2\n', 'text/csv', tokens['admin'])).status).toBe(400);
    expect((await send(api.url, 'POST', `/v1/assessment/operating-vehicles?month=${LAST_MONTH}`, { plate: 'x' }, tokens['admin'])).status).toBe(400);
    const empty = await upload(LAST_MONTH, '车牌号,车牌颜色\n', 'text/csv', tokens['admin']);
    expect(empty.body).toMatchObject({ accepted: 0, rejected: [{ row: 1 }] });
    expect((await upload('2026-1', '车牌号,车牌颜色\nA1,2\n', 'text/csv', tokens['admin'])).status).toBe(400);
    expect(await listed(LAST_MONTH)).toEqual(before);
    expect((await upload(LAST_MONTH, '车牌号,车牌颜色\n粤A1,2\n', 'text/csv', tokens['c1'])).status).toBe(403);
  });

  it('the admin sets a region’s table (a misspelt key is a 400 naming it) and asks for a month again', async () => {
    const bad = await send(
      api.url,
      'PUT',
      '/v1/admin/assessment/settings/4401',
      { configPatch: { enterprise: { netAccess: { weight: 5 } } } },
      tokens['admin'],
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/enterprise\.netAccess: not a setting/);
    const good = await send(api.url, 'PUT', '/v1/admin/assessment/settings/4401', { configPatch: { handlingRateListBelowPct: 80 } }, tokens['admin']);
    expect(good.status).toBe(200);
    expect(good.body.effective.handlingRateListBelowPct).toBe(80);
    expect((await get(api.url, '/v1/admin/assessment/settings', tokens['admin'])).body.items).toMatchObject([{ regionCode: '4401', updatedBy: 'admin' }]);
    // The Guangzhou line is 80 % now: C1's 85 % is no longer listed.
    expect((await get(api.url, '/v1/assessment/ranking', tokens['admin'])).body.handlingBelowLine).toEqual([]);
    expect((await send(api.url, 'PUT', '/v1/admin/assessment/settings/4401', { configPatch: {} }, tokens['op-gz'])).status).toBe(403);
    expect((await send(api.url, 'PUT', '/v1/admin/assessment/settings/44%25', { configPatch: {} }, tokens['admin'])).status).toBe(400);

    expect((await post(api.url, '/v1/admin/assessment/recompute', { month: chinaMonthOf(NOW) }, tokens['admin'])).status).toBe(400);
    expect((await post(api.url, '/v1/admin/assessment/recompute', { month: LAST_MONTH }, tokens['admin'])).status).toBe(202);
    const { rows } = await pool.query(`SELECT requested_by FROM assessment_recompute_requests WHERE list_month = $1::date`, [`${LAST_MONTH}-01`]);
    expect(rows).toEqual([{ requested_by: 'admin' }]);
    expect((await post(api.url, '/v1/admin/assessment/recompute', { month: LAST_MONTH }, tokens['op-gz'])).status).toBe(403);
  });
});
