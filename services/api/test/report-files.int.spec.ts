import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { InProcessBus } from '@roadwatch/messaging';
import type { StoragePool } from '@roadwatch/storage';
import { anAlert, uniqueName } from '@roadwatch/testing';
import { fieldsOf, get, insertAlert, logger, seededPool, startTestApi, type TestApi } from './support';

/**
 * The reports' charts, the company report as CSV/XLSX and the monthly 通报 over real HTTP and
 * PostgreSQL. The registry of ./support: C1 广州天河 (440106, V1), C2 深圳南山 (440305, V2),
 * C3 南京玄武 (320102, V3); users admin, op-gz (4401), c1, c2, enf.
 */

const local = (y: number, mo: number, d: number, h = 0, mi = 0): number => chinaLocalToEpochMs(y, mo, d, h, mi);
const DAY1 = local(2026, 11, 10);
const DAY3_END = local(2026, 11, 13);

/** Per vehicle and local day: received, invalid, drift, track_m, complete_track_m. */
const QUALITY: Array<[string, string, number, number, number, number, number]> = [
  ['V1', '2026-11-10', 1000, 10, 0, 100_000, 90_000],
  ['V1', '2026-11-11', 500, 100, 2, 50_000, 20_000],
  ['V2', '2026-11-10', 2000, 0, 1, 10_000, 10_000],
  // Every record of the day invalid: received, but not online (§15: ≥ 1 valid record).
  ['V2', '2026-11-12', 7, 7, 0, 0, 0],
  // Outside the range: never counted.
  ['V1', '2026-11-09', 9, 9, 9, 9, 9],
  ['V1', '2026-11-13', 9, 9, 9, 9, 9],
];

const loadXlsx = async (response: Response): Promise<ExcelJS.Workbook> => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await response.arrayBuffer());
  return wb;
};

/** The table under a sheet's header row as objects by header. */
const tableOf = (ws: ExcelJS.Worksheet, headerRow: number): Array<Record<string, ExcelJS.CellValue>> => {
  const headers = (ws.getRow(headerRow).values as unknown[]).slice(1) as string[];
  const out: Array<Record<string, ExcelJS.CellValue>> = [];
  for (let r = headerRow + 1; r <= ws.rowCount; r += 1) {
    const row = ws.getRow(r);
    out.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1).value])));
  }
  return out;
};

describe('reports: charts, CSV/XLSX export and the monthly 通报', () => {
  const schema = uniqueName('api_report_files').replace(/[^a-z0-9_]/g, '_');
  let pool: StoragePool;
  let t: TestApi;
  let url: string;
  const fetchAs = (path: string, user?: string): Promise<Response> =>
    fetch(`${url}${path}`, { headers: user ? { authorization: `Bearer ${t.tokens[user]}` } : {} });

  beforeAll(async () => {
    pool = await seededPool(schema);
    // A company name a spreadsheet would run as a formula.
    await pool.query(`UPDATE companies SET name = '=HYPERLINK("http://evil","公司C1")' WHERE company_id = 'C1'`);
    for (const [vehicle, day, received, invalid, drift, trackM, completeM] of QUALITY) {
      await pool.query(
        `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
         VALUES ($1, $2::date, $3::int, $3::int - $4::int - $5::int, $4::int, $5::int, 0, 0, $6::float8, $7::float8, 0, 0, true, now())`,
        [vehicle, day, received, invalid, drift, trackM, completeM],
      );
    }
    // Violations at local hours around midnight (UTC+8: 23:30 local is 15:30 UTC the same day).
    const violation = (id: string, vehicleId: string, companyId: string, atMs: number, rule: 'speeding' | 'fatigue_continuous') =>
      anAlert({ alertId: id, vehicleId, companyId, startedAtMs: atMs, raisedAtMs: atMs, rule, level: 'violation' });
    await insertAlert(pool, violation('A1', 'V1', 'C1', local(2026, 11, 10, 23, 30), 'speeding'));
    await insertAlert(pool, violation('A2', 'V1', 'C1', local(2026, 11, 11, 0, 10), 'speeding'));
    await insertAlert(pool, violation('A3', 'V1', 'C1', local(2026, 11, 11, 0, 50), 'speeding'));
    await insertAlert(pool, violation('A4', 'V1', 'C1', local(2026, 11, 11, 8, 0), 'fatigue_continuous'));
    await insertAlert(pool, violation('A5', 'V2', 'C2', local(2026, 11, 10, 12, 0), 'speeding'));
    // A pre-warning is not a violation; one before the range is not in it.
    await insertAlert(pool, { ...violation('A6', 'V1', 'C1', local(2026, 11, 10, 9, 0), 'speeding'), level: 'prewarning' });
    await insertAlert(pool, violation('A7', 'V1', 'C1', local(2026, 11, 9, 23, 59), 'speeding'));

    // 考核 scores of November 2026 (the scores job's rows), dated from the month's local start.
    const nov = new Date(local(2026, 11, 1));
    const dec = new Date(local(2026, 12, 1));
    // As the scores job stores them: rates in % (2 decimals), E for speeding and fatigue.
    const indicators = (trackPct: number, trackScore: number) => [
      { code: 'network_access', numerator: 10, denominator: 10, value: 100, score: 5, assessed: true, outcome: 'weighted' },
      { code: 'online', value: 90, score: 4.5, assessed: true },
      { code: 'track_completeness', value: trackPct, score: trackScore, assessed: true, outcome: 'below_threshold' },
      { code: 'speeding', value: 1.25, regionalAverage: 1.5, score: 20, assessed: true },
      { code: 'inspection_response', numerator: 0, denominator: 0, score: 10, assessed: false },
      { bogus: true },
    ];
    const score = (
      kind: string,
      id: string,
      region: string | null,
      periodKind: string,
      start: Date,
      end: Date,
      total: number | null,
      handling: number | null,
      zero = false,
    ) =>
      pool.query(
        `INSERT INTO assessment_scores (subject_kind, subject_id, region_code, period_kind, period_start, period_end, assessed, total_score, any_indicator_zero, handling_rate_pct, indicators)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [kind, id, region, periodKind, start, end, total !== null, total, zero, handling, JSON.stringify(indicators(65, 0))],
      );
    await score('company', 'C1', '440106', 'month', nov, dec, 85.5, 89.99, true);
    await score('company', 'C2', '440305', 'month', nov, dec, 92.25, 95);
    await score('company', 'C3', '320102', 'month', nov, dec, 99, null);
    // A company the registry does not know: its row's own region counts; it ties with C1.
    await score('company', 'C4', '440111', 'month', nov, dec, 85.5, 90);
    await score('company', 'C5', '440112', 'month', nov, dec, null, null);
    // Not this month's company scores: October, a rolling week, the authority platform.
    await score('company', 'C2', '440305', 'month', new Date(local(2026, 10, 1)), nov, 10, 10);
    await score('company', 'C1', '440106', 'rolling_7d', new Date(local(2026, 11, 20)), new Date(local(2026, 11, 27)), 1, 1);
    await score('platform', '4401', '4401', 'month', nov, dec, 77, null);

    const entry = (
      id: string,
      kind: string,
      subject: string,
      company: string | null,
      region: string | null,
      listed: number,
      exited: number | null,
      exitKind: string | null,
      reasons: unknown,
    ) =>
      pool.query(
        `INSERT INTO key_supervision_entries (entry_id, subject_kind, subject_id, company_id, region_code, listed_at, reasons, last_trigger_at, exited_at, exit_kind, released_by, release_comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8, $9, $10, $11)`,
        [
          id,
          kind,
          subject,
          company,
          region,
          new Date(listed),
          JSON.stringify(reasons),
          exited === null ? null : new Date(exited),
          exitKind,
          exitKind === 'released' ? '王科长' : null,
          exitKind === 'released' ? '=已整改' : null,
        ],
      );
    // Listed in October, left in November: listed during the month.
    await entry('E1', 'vehicle', 'V1', 'C1', '440106', local(2026, 10, 5), local(2026, 11, 4, 10), 'quiet_30d', [
      { code: 'fatigue', key: 'fatigue:A4', atMs: local(2026, 10, 5), detail: {}, evidence: [{ kind: 'alert', id: 'A4' }] },
      { code: 'serious_speeding', key: 'serious_speeding:A9', atMs: local(2026, 10, 5), detail: { points: 12 }, evidence: [] },
      { code: 'low_track_completeness', key: 'ltc', atMs: local(2026, 10, 5), detail: { days: 5 }, evidence: [] },
    ]);
    await entry('E2', 'vehicle', 'V2', 'C2', '440305', local(2026, 11, 30, 23, 59), null, null, [{ code: 'offline', detail: { days: 3 } }]);
    await entry('E3', 'company', 'C1', 'C1', '440106', local(2026, 11, 15), local(2026, 11, 20), 'released', [
      { code: 'company_handling_rate', detail: { handlingRatePct: 85.5 } },
    ]);
    await entry('E4', 'company', 'C3', 'C3', '320102', local(2026, 11, 2), null, null, [{ code: 'company_total_score', detail: { totalScore: 72 } }]);
    // Left at the last instant of October; listed at the first instant of December: not in November.
    await entry('E5', 'vehicle', 'V1', 'C1', '440106', local(2026, 9, 1), local(2026, 11, 1) - 1, 'quiet_30d', []);
    await entry('E6', 'company', 'C2', 'C2', '440305', local(2026, 12, 1), null, null, []);

    t = await startTestApi(new InProcessBus({ logger }), pool, schema);
    url = t.api.url;
  });

  afterAll(async () => {
    await t?.close();
  });

  const charts = (user: string, extra = '') => get(url, `/v1/reports/charts?fromMs=${DAY1}&toMs=${DAY3_END}${extra}`, t.tokens[user]);

  describe('charts', () => {
    it('gives each local day of the range its four rates, days without data included', async () => {
      const r = await charts('admin', '&companyId=C1');
      expect(r.status).toBe(200);
      expect(r.body.days).toEqual([
        { day: '2026-11-10', vehicles: 1, vehiclesOnline: 1, onlineRate: 1, dataQualifiedRate: 0.99, trackCompleteness: 0.9, driftVehicleRate: 0 },
        { day: '2026-11-11', vehicles: 1, vehiclesOnline: 1, onlineRate: 1, dataQualifiedRate: 0.8, trackCompleteness: 0.4, driftVehicleRate: 1 },
        { day: '2026-11-12', vehicles: 1, vehiclesOnline: 0, onlineRate: 0 },
      ]);
    });

    it('pools the vehicles of a region: rates of sums, not averages of rates', async () => {
      const r = await charts('op-gz');
      // op-gz (4401) sees V1 only; admin with regionCode=44 sees V1 and V2.
      expect(r.body.days[0].vehicles).toBe(1);
      const wide = await charts('admin', '&regionCode=44');
      expect(wide.body.days[0]).toEqual({
        day: '2026-11-10',
        vehicles: 2,
        vehiclesOnline: 2,
        onlineRate: 1,
        dataQualifiedRate: 2990 / 3000,
        trackCompleteness: 100_000 / 110_000,
        driftVehicleRate: 0.5,
      });
      expect(wide.body.days[1]).toMatchObject({ vehicles: 2, vehiclesOnline: 1, onlineRate: 0.5, driftVehicleRate: 1 });
      expect(wide.body.days[2]).toEqual({ day: '2026-11-12', vehicles: 2, vehiclesOnline: 0, onlineRate: 0, dataQualifiedRate: 0 });
    });

    it('counts violations by rule and local hour (UTC+8), one per alert, pre-warnings and days outside left out', async () => {
      const r = await charts('c1');
      expect(r.body.violationsByHour).toEqual([
        { rule: 'fatigue_continuous', hour: 8, count: 1 },
        { rule: 'speeding', hour: 0, count: 2 },
        { rule: 'speeding', hour: 23, count: 1 },
      ]);
    });

    it("never shows a company another company's figures, whatever it asks for", async () => {
      for (const extra of ['&companyId=C2', '&regionCode=440305', '&companyId=C1&regionCode=440305']) {
        const r = await charts('c1', extra);
        expect(r.status, extra).toBe(200);
        expect(r.body.violationsByHour, extra).toEqual([]);
        expect(
          r.body.days.map((d: { vehicles: number }) => d.vehicles),
          extra,
        ).toEqual([0, 0, 0]);
      }
      // An operator's filter narrows its region, never widens it.
      const outside = await charts('op-gz', '&regionCode=32');
      expect(outside.body.days[0].vehicles).toBe(0);
      expect((await charts('enf')).status).toBe(403);
      expect((await get(url, `/v1/reports/charts?fromMs=${DAY1}&toMs=${DAY3_END}`)).status).toBe(401);
    });

    it('refuses bad ranges and filters with the field named', async () => {
      expect(fieldsOf((await get(url, `/v1/reports/charts?fromMs=${DAY3_END}&toMs=${DAY1}`, t.tokens['admin'])).body)).toEqual(['query.toMs']);
      expect(fieldsOf((await get(url, `/v1/reports/charts?fromMs=${DAY1}&toMs=${DAY1 + 31 * 86_400_000 + 1}`, t.tokens['admin'])).body)).toEqual([
        'query.toMs',
      ]);
      expect(fieldsOf((await charts('admin', '&regionCode=44%25')).body)).toEqual(['query.regionCode']);
      expect(fieldsOf((await charts('admin', '&companyId=%00')).body)).toEqual(['query.companyId']);
    });
  });

  describe('company report files', () => {
    const range = `fromMs=${DAY1}&toMs=${DAY3_END}`;

    it('CSV: the same rows, a BOM, one column per rule, the formula in a name defused', async () => {
      const response = await fetchAs(`/v1/reports/companies.csv?${range}`, 'c1');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="company-report_2026-11-10_2026-11-12.csv"');
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1).split('\r\n');
      expect(lines[0]).toBe(
        '企业编号,企业,车辆数,上线车辆,上线率,轨迹完整率,数据合格率,卫星定位漂移车辆率,质量统计车日,违规次数,违规：超速,违规：疲劳驾驶（连续）,里程（公里）,驾驶时长（小时）',
      );
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(/^C1,"'=HYPERLINK\(""http:\/\/evil"",""公司C1""\)",1,0,0\.00%,73\.33%,92\.67%,100\.00%,2,4,3,1,0,0$/);
    });

    it('XLSX: typed cells under a frozen header, English headers on request, text never a formula', async () => {
      const response = await fetchAs(`/v1/reports/companies.xlsx?${range}&lang=en`, 'admin');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const ws = (await loadXlsx(response)).worksheets[0]!;
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const rows = tableOf(ws, 1);
      expect(rows.map((r) => r['Company id'])).toEqual(['C1', 'C2', 'C3']);
      const c1 = rows[0]!;
      expect(c1['Company']).toBe('=HYPERLINK("http://evil","公司C1")');
      expect(ws.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.String);
      expect(c1['Vehicles']).toBe(1);
      expect(c1['Track completeness']).toBeCloseTo(110_000 / 150_000, 12);
      expect(c1['Violations']).toBe(4);
      expect(c1['Violations: Speeding']).toBe(3);
      expect(rows[1]!['Violations: Speeding']).toBe(1);
      // No figure: an empty cell, not 0 and not "—".
      expect(rows[2]!['Track completeness']).toBeNull();
    });

    it('is scoped as the report, refuses roles without reports and bad input', async () => {
      const ws = (await loadXlsx(await fetchAs(`/v1/reports/companies.xlsx?${range}`, 'c2'))).worksheets[0]!;
      expect(tableOf(ws, 1).map((r) => r['企业编号'])).toEqual(['C2']);
      expect((await fetchAs(`/v1/reports/companies.xlsx?${range}`, 'enf')).status).toBe(403);
      expect((await fetchAs(`/v1/reports/companies.csv?${range}`)).status).toBe(401);
      expect((await fetchAs(`/v1/reports/companies.csv?${range}&lang=fr`, 'admin')).status).toBe(400);
    });
  });

  describe('the monthly 通报', () => {
    const notice = (user: string | undefined, query: string) => fetchAs(`/v1/reports/notice.xlsx?${query}`, user);

    it("lists the region's company scores of the month ranked, each indicator, 处理率 below 90 % marked, and the 重点监管 entries of the month", async () => {
      const before = Date.now();
      const response = await notice('admin', 'month=2026-11&regionCode=44');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="notice_44_2026-11.xlsx"');
      const wb = await loadXlsx(response);
      const [scores, entries] = wb.worksheets;
      expect(scores!.name).toBe('企业考核得分');
      expect(scores!.getCell('A1').value).toBe('道路运输车辆动态监控2026年11月考核通报');
      expect(scores!.getCell('A2').value).toBe('地区：44');
      expect(scores!.getCell('A3').value).toBe('月份：2026年11月');
      const generated = String(scores!.getCell('A4').value).replace('生成时间：', '');
      const generatedMs = Date.parse(`${generated.replace(' ', 'T')}+08:00`);
      expect(generatedMs).toBeGreaterThanOrEqual(before - 1_000);
      expect(generatedMs).toBeLessThanOrEqual(Date.now());
      expect(scores!.views[0]).toMatchObject({ state: 'frozen', ySplit: 7 });
      const rows = tableOf(scores!, 7);
      // C2 first; C1 and C4 tie and share 2nd (ordered by id); C5 not assessed, unranked and last; C3 (Jiangsu) not in region 44.
      expect(rows.map((r) => [r['企业编号'], r['排名'], r['总分']])).toEqual([
        ['C2', 1, 92.25],
        ['C1', 2, 85.5],
        ['C4', 2, 85.5],
        ['C5', null, null],
      ]);
      const [c2, c1, c4, c5] = rows;
      expect(c1!['企业名称']).toBe('=HYPERLINK("http://evil","公司C1")');
      expect(c4!['企业名称']).toBe('C4');
      expect(c1!['处理率']).toBeCloseTo(0.8999, 10);
      expect(c1!['处理率低于90%']).toBe('是');
      expect(c4!['处理率低于90%']).toBeNull(); // exactly 90.00 % is not below
      expect(c2!['处理率低于90%']).toBeNull();
      expect(c1!['有指标得0分']).toBe('是');
      expect(c5!['备注']).toBe('未考核（无营运车辆）');
      expect(c1!['入网率']).toBe(1);
      expect(c1!['入网率得分']).toBe(5);
      expect(c1!['轨迹完整率']).toBeCloseTo(0.65, 10);
      expect(c1!['轨迹完整率得分']).toBe(0);
      expect(c1!['平均车辆超速次数（车均）']).toBe(1.25);
      expect(c1!['平均车辆超速次数得分']).toBe(20);
      // Not stored: empty, never 0.
      expect(c1!['数据合格率']).toBeNull();
      expect(c1!['数据合格率得分']).toBeNull();
      // Not assessed: no rate shown; the score as the job gave it.
      expect(c1!['平台查岗响应率']).toBeNull();
      expect(c1!['平台查岗响应率得分']).toBe(10);
      expect(scores!.getCell('A5').value).toBe('参评企业 3 家；处理率低于90%的企业 1 家（处理率不计分）');

      expect(entries!.name).toBe('重点监管名单');
      const listed = tableOf(entries!, 7);
      expect(listed.map((e) => [e['序号'], e['对象类型'], e['车牌号/企业'], e['退出方式']])).toEqual([
        [1, '车辆', '粤A10001', '30日无触发自动退出'],
        [2, '企业', '=HYPERLINK("http://evil","公司C1")', '人工解除'],
        [3, '车辆', '粤B20002', '仍在监管'],
      ]);
      // Each reason with its figures; a figure the reason lacks is left out, never a {placeholder}.
      expect(listed[0]!['列入原因']).toBe('疲劳驾驶；严重超速（12分）；轨迹完整率%（5天）');
      expect(listed[1]!['列入原因']).toBe('报警处理率85.5%（低于90%）');
      expect(listed[2]!['列入原因']).toBe('营运期间连续3天无有效定位');
      // Dates as China wall-clock dates.
      expect(listed[0]!['列入时间']).toEqual(new Date(Date.UTC(2026, 9, 5)));
      expect(listed[0]!['退出时间']).toEqual(new Date(Date.UTC(2026, 10, 4, 10)));
      expect(listed[1]!['解除人']).toBe('王科长');
      expect(listed[1]!['解除说明']).toBe('=已整改');
      expect(listed[2]!['退出时间']).toBeNull();
    });

    it('gives an operator its own region by default, or a part of it; refuses a wider or other region, companies and enforcement', async () => {
      const own = await loadXlsx(await notice('op-gz', 'month=2026-11'));
      expect(own.worksheets[0]!.getCell('A2').value).toBe('地区：4401');
      expect(tableOf(own.worksheets[0]!, 7).map((r) => r['企业编号'])).toEqual(['C1', 'C4', 'C5']);
      expect(tableOf(own.worksheets[1]!, 7).map((r) => r['对象类型'])).toEqual(['车辆', '企业']);
      const part = await loadXlsx(await notice('op-gz', 'month=2026-11&regionCode=440106'));
      expect(tableOf(part.worksheets[0]!, 7).map((r) => r['企业编号'])).toEqual(['C1']);
      for (const q of ['month=2026-11&regionCode=44', 'month=2026-11&regionCode=32', 'month=2026-11&regionCode=4402']) {
        expect((await notice('op-gz', q)).status, q).toBe(403);
      }
      for (const user of ['c1', 'c2', 'enf']) expect((await notice(user, 'month=2026-11')).status, user).toBe(403);
      expect((await notice(undefined, 'month=2026-11')).status).toBe(401);
    });

    it('an admin without a region gets every region; a month without scores is an empty, well-formed workbook', async () => {
      const all = await loadXlsx(await notice('admin', 'month=2026-11'));
      expect(all.worksheets[0]!.getCell('A2').value).toBe('地区：全部地区');
      expect(tableOf(all.worksheets[0]!, 7).map((r) => r['企业编号'])).toEqual(['C3', 'C2', 'C1', 'C4', 'C5']);
      expect(tableOf(all.worksheets[1]!, 7).map((r) => r['车牌号/企业'])).toEqual(['粤A10001', '公司C3', '=HYPERLINK("http://evil","公司C1")', '粤B20002']);
      const empty = await loadXlsx(await notice('admin', 'month=2025-02'));
      expect(empty.worksheets[0]!.rowCount).toBe(7);
      expect(empty.worksheets[0]!.getCell('A5').value).toBe('参评企业 0 家；处理率低于90%的企业 0 家（处理率不计分）');
    });

    it('refuses a bad month or region with the field named', async () => {
      for (const [q, field] of [
        ['month=2026-13', 'query.month'],
        ['month=2026-1', 'query.month'],
        ['', 'query.month'],
        ['month=2026-11&regionCode=44%25', 'query.regionCode'],
      ] as const) {
        const r = await get(url, `/v1/reports/notice.xlsx?${q}`, t.tokens['admin']);
        expect(r.status, q).toBe(400);
        expect(fieldsOf(r.body), q).toEqual([field]);
      }
    });
  });

  describe('the audit log as XLSX', () => {
    it('the same entries as the CSV: typed cells, the time a China wall-clock date, a typed name never a formula; audited; admin only', async () => {
      const fromMs = Date.now() - 1;
      // A user name typed at the sign-in form is free text.
      await fetch(`${url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: '=SUM(1,2)', password: 'whatever' }),
      });
      const response = await fetchAs(`/v1/admin/audit.xlsx?fromMs=${fromMs}`, 'admin');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="audit-log.xlsx"');
      const ws = (await loadXlsx(response)).worksheets[0]!;
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      const rows = tableOf(ws, 1);
      expect(Object.keys(rows[0]!)).toEqual(['auditId', 'at', 'actor', 'action', 'target', 'outcome', 'reason', 'clientAddress', 'changes']);
      const signIn = rows.find((r) => r['action'] === 'auth.sign_in')!;
      expect(signIn['actor']).toBe('=SUM(1,2)');
      expect(signIn['reason']).toBe('unknown_user');
      // A wall-clock date 8 h ahead of UTC: the instant read back as China time.
      const at = signIn['at'] as Date;
      expect(at).toBeInstanceOf(Date);
      expect(Math.abs(at.getTime() - 8 * 3_600_000 - Date.now())).toBeLessThan(60_000);
      const exports = await get(url, '/v1/admin/audit?action=audit.export', t.tokens['admin']);
      expect(exports.body.items[0]).toMatchObject({ actor: 'admin', outcome: 'success', changes: { filters: { after: { fromMs } } } });
      for (const user of ['op-gz', 'c1', 'enf']) expect((await fetchAs(`/v1/admin/audit.xlsx?fromMs=${fromMs}`, user)).status, user).toBe(403);
      expect((await fetchAs(`/v1/admin/audit.xlsx?fromMs=10&toMs=5`, 'admin')).status).toBe(400);
    });
  });
});
