import { alertRule, type CompanyReportRow } from '@roadwatch/contracts';
import { z } from 'zod';
import { chinaLocalIso } from '@roadwatch/domain';
import { rankScores, type RankedScore } from '@roadwatch/rules';
import { exportSheet, tableXlsx, type ExportColumn, type ExportSheet } from '@roadwatch/runtime';
import type { NoticeKeyEntryRow, NoticeScoreRow } from '@roadwatch/storage';

/**
 * The report files: the company report as CSV or XLSX (the rows of `/v1/reports/companies`,
 * headers in Chinese or English) and the monthly 通报 of a region (an XLSX workbook in Chinese).
 * Both go through libs/runtime's one table export.
 */

export type FileLang = 'zh' | 'en';
type Label = Record<FileLang, string>;

/** The alert rules' names (as the web's `rule.*` texts). */
const RULE_LABELS: Record<string, Label> = {
  speeding: { zh: '超速', en: 'Speeding' },
  fatigue_continuous: { zh: '疲劳驾驶（连续）', en: 'Fatigue (continuous)' },
  fatigue_night: { zh: '疲劳驾驶（夜间）', en: 'Fatigue (night)' },
  fatigue_daily: { zh: '疲劳驾驶（当日累计）', en: 'Fatigue (daily total)' },
  night_ban_2_5: { zh: '凌晨2–5时违规运行', en: 'Night ban 02:00–05:00' },
  time_window_ban: { zh: '限行时段违规', en: 'Time-window ban' },
  overload: { zh: '超限超载', en: 'Overload' },
  data_gap_moved: { zh: '定位中断后位移', en: 'Moved during data gap' },
  offline: { zh: '离线', en: 'Offline' },
  drift: { zh: '定位漂移', en: 'Position drift' },
  invalid_position: { zh: '无效定位', en: 'Invalid position' },
  cloned_plate_suspected: { zh: '疑似套牌', en: 'Suspected cloned plate' },
  permit_hours: { zh: '大件超许可时段通行', en: 'Oversize permit: outside its dates or hours' },
  permit_exceeded: { zh: '大车小证', en: 'Oversize permit: weighed above the declared figures' },
  oversize_without_permit: { zh: '无许可超限运输', en: 'Overload without an oversize permit' },
  area_ban: { zh: '区域限行', en: 'Area ban' },
};
const ruleLabel = (rule: string, lang: FileLang): string => RULE_LABELS[rule]?.[lang] ?? rule;

const col = <Row>(label: Label, lang: FileLang, rest: Omit<ExportColumn<Row>, 'header'>): ExportColumn<Row> => ({ header: label[lang], ...rest });

/**
 * The company report's columns: the screen's, with violations one integer column per rule that
 * any row has (typed cells a spreadsheet can sum) instead of the screen's one text cell.
 */
export const companyReportColumns = (rows: readonly CompanyReportRow[], lang: FileLang): Array<ExportColumn<CompanyReportRow>> => {
  const rules = alertRule.options.filter((rule) => rows.some((r) => (r.violationsByRule[rule] ?? 0) > 0));
  const extra = [...new Set(rows.flatMap((r) => Object.keys(r.violationsByRule)))].filter((rule) => !(alertRule.options as string[]).includes(rule)).sort();
  return [
    col({ zh: '企业编号', en: 'Company id' }, lang, { type: 'text', value: (r) => r.companyId }),
    col({ zh: '企业', en: 'Company' }, lang, { type: 'text', value: (r) => r.companyName, width: 28 }),
    col({ zh: '车辆数', en: 'Vehicles' }, lang, { type: 'integer', value: (r) => r.vehicles }),
    col({ zh: '上线车辆', en: 'Online' }, lang, { type: 'integer', value: (r) => r.vehiclesOnline }),
    col({ zh: '上线率', en: 'Online rate' }, lang, { type: 'percent', value: (r) => r.onlineRate }),
    col({ zh: '轨迹完整率', en: 'Track completeness' }, lang, { type: 'percent', value: (r) => r.trackCompleteness }),
    col({ zh: '数据合格率', en: 'Qualified data' }, lang, { type: 'percent', value: (r) => r.dataQualifiedRate }),
    col({ zh: '卫星定位漂移车辆率', en: 'Drifting vehicles' }, lang, { type: 'percent', value: (r) => r.driftVehicleRate }),
    col({ zh: '质量统计车日', en: 'Vehicle-days measured' }, lang, { type: 'integer', value: (r) => r.qualityDays }),
    col({ zh: '违规次数', en: 'Violations' }, lang, { type: 'integer', value: (r) => r.violations }),
    ...[...rules, ...extra].map((rule) => ({
      header: `${lang === 'zh' ? '违规：' : 'Violations: '}${ruleLabel(rule, lang)}`,
      type: 'integer' as const,
      value: (r: CompanyReportRow) => r.violationsByRule[rule] ?? 0,
    })),
    col({ zh: '里程（公里）', en: 'Mileage (km)' }, lang, { type: 'number', decimals: 1, value: (r) => r.mileageKm }),
    col({ zh: '驾驶时长（小时）', en: 'Driving (h)' }, lang, { type: 'number', decimals: 1, value: (r) => r.drivingHours }),
  ];
};

export const companyReportSheet = (rows: readonly CompanyReportRow[], lang: FileLang): ExportSheet<never> =>
  exportSheet({ name: lang === 'zh' ? '企业统计报表' : 'Company report', columns: companyReportColumns(rows, lang), rows });

// ─── the monthly 通报 ───

/**
 * The 2016 table's indicators in its order (RULES.md §10), as the scores job stores them in
 * `assessment_scores.indicators`: `code`, `value` (a rate in % with 2 decimals; for speeding and
 * fatigue E, per online vehicle), `score`, `assessed`. Rates go in the 通报 as percentages; E
 * as a number.
 */
export const NOTICE_INDICATORS: ReadonlyArray<{ code: string; name: string; kind: 'rate' | 'average' }> = [
  { code: 'network_access', name: '入网率', kind: 'rate' },
  { code: 'online', name: '上线率', kind: 'rate' },
  { code: 'drift', name: '卫星定位漂移车辆率', kind: 'rate' },
  { code: 'track_completeness', name: '轨迹完整率', kind: 'rate' },
  { code: 'data_qualified', name: '数据合格率', kind: 'rate' },
  { code: 'speeding', name: '平均车辆超速次数', kind: 'average' },
  { code: 'fatigue', name: '平均疲劳驾驶时长', kind: 'average' },
  { code: 'inspection_response', name: '平台查岗响应率', kind: 'rate' },
];

/** What the 通报 reads of a stored indicator; the job's other fields (numerator, denominator, outcome…) are left. */
const storedIndicator = z.looseObject({
  code: z.string(),
  value: z.number().nullable().optional(),
  score: z.number().nullable().optional(),
  assessed: z.boolean().optional(),
});
type NoticeIndicator = { value?: number | undefined; score?: number | undefined; assessed: boolean };

/** The stored indicators by code; an entry the 通报 cannot read is left out rather than failing the whole file. */
const indicatorsOf = (stored: unknown): Map<string, NoticeIndicator> => {
  const out = new Map<string, NoticeIndicator>();
  for (const entry of Array.isArray(stored) ? stored : []) {
    const parsed = storedIndicator.safeParse(entry);
    if (!parsed.success) continue;
    const { code, value, score, assessed } = parsed.data;
    out.set(code, { value: value ?? undefined, score: score ?? undefined, assessed: assessed ?? true });
  }
  return out;
};

type RankedRow = RankedScore<NoticeScoreRow> & { indicators: ReturnType<typeof indicatorsOf> };

const scoreColumns: Array<ExportColumn<RankedRow>> = [
  { header: '排名', type: 'integer', value: (r) => r.rank },
  { header: '企业名称', type: 'text', value: (r) => r.score.companyName ?? r.score.companyId, width: 28 },
  { header: '企业编号', type: 'text', value: (r) => r.score.companyId },
  { header: '地区代码', type: 'text', value: (r) => r.score.regionCode },
  { header: '总分', type: 'number', value: (r) => (r.score.assessed ? r.score.totalScore : undefined) },
  ...NOTICE_INDICATORS.flatMap(({ code, name, kind }): Array<ExportColumn<RankedRow>> => [
    {
      header: kind === 'rate' ? name : `${name}（车均）`,
      type: kind === 'rate' ? 'percent' : 'number',
      value: (r) => {
        const i = r.indicators.get(code);
        // Not assessed: no figure shown (the score is the full marks the table gives).
        if (!i?.assessed || i.value === undefined) return undefined;
        return kind === 'rate' ? i.value / 100 : i.value;
      },
    },
    { header: `${name}得分`, type: 'number', value: (r) => r.indicators.get(code)?.score },
  ]),
  { header: '处理率', type: 'percent', value: (r) => (r.score.handlingRatePct === undefined ? undefined : r.score.handlingRatePct / 100) },
  { header: '处理率低于90%', type: 'text', value: (r) => (r.handlingBelowLine ? '是' : undefined) },
  { header: '有指标得0分', type: 'text', value: (r) => (r.score.anyIndicatorZero ? '是' : undefined) },
  { header: '备注', type: 'text', value: (r) => (r.score.assessed ? undefined : '未考核（无营运车辆）'), width: 20 },
];

/**
 * The 重点监管 job's reasons ([{ code, atMs, detail: { points, ratePct, days, … }, evidence }]) as
 * the 通报 prints them: a text per code with the detail's figures put in.
 */
const REASON_TEXTS: Record<string, string> = {
  serious_speeding: '严重超速（{points}分）',
  repeated_speeding: '7日内超速{episodes}次',
  fatigue: '疲劳驾驶',
  low_track_completeness: '轨迹完整率{ratePct}%（{days}天）',
  offline: '营运期间连续{days}天无有效定位',
  tampering: '疑似人为干扰定位装置',
  company_indicator_zero: '考核指标得分为0',
  company_handling_rate: '报警处理率{handlingRatePct}%（低于90%）',
  company_total_score: '考核总分{totalScore}（低于80）',
  company_listed_share: '{sharePct}%车辆被列入重点监管',
};

const reasonText = (reason: unknown): string => {
  if (typeof reason !== 'object' || reason === null) return '';
  const { code, detail } = reason as { code?: unknown; detail?: unknown };
  if (typeof code !== 'string') return '';
  const figures = typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>) : {};
  const text = REASON_TEXTS[code] ?? code;
  // A figure the reason does not carry leaves its text without it rather than a "{placeholder}".
  return text.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = figures[key];
    return typeof value === 'number' || typeof value === 'string' ? String(value) : '';
  });
};

export const reasonsText = (reasons: unknown): string =>
  (Array.isArray(reasons) ? reasons : [])
    .map(reasonText)
    .filter((s) => s !== '')
    .join('；');

const EXIT_NAMES = { quiet_30d: '30日无触发自动退出', released: '人工解除' } as const;

const entryColumns: Array<ExportColumn<NoticeKeyEntryRow & { no: number }>> = [
  { header: '序号', type: 'integer', value: (e) => e.no },
  { header: '对象类型', type: 'text', value: (e) => (e.subjectKind === 'vehicle' ? '车辆' : '企业') },
  { header: '车牌号/企业', type: 'text', value: (e) => (e.subjectKind === 'vehicle' ? (e.plate ?? e.subjectId) : (e.companyName ?? e.subjectId)), width: 20 },
  { header: '所属企业', type: 'text', value: (e) => e.companyName ?? e.companyId, width: 28 },
  { header: '地区代码', type: 'text', value: (e) => e.regionCode },
  { header: '列入时间', type: 'date', value: (e) => e.listedAtMs, width: 20 },
  { header: '列入原因', type: 'text', value: (e) => reasonsText(e.reasons), width: 48 },
  { header: '最近触发时间', type: 'date', value: (e) => e.lastTriggerAtMs, width: 20 },
  { header: '退出时间', type: 'date', value: (e) => e.exitedAtMs, width: 20 },
  { header: '退出方式', type: 'text', value: (e) => (e.exitKind ? EXIT_NAMES[e.exitKind] : '仍在监管') },
  { header: '解除人', type: 'text', value: (e) => e.releasedBy },
  { header: '解除说明', type: 'text', value: (e) => e.releaseComment, width: 28 },
];

export interface MonthlyNoticeInput {
  /** `YYYY-MM`. */
  month: string;
  /** The region's code; absent: every region (admin). */
  regionCode?: string | undefined;
  generatedAtMs: number;
  scores: readonly NoticeScoreRow[];
  entries: readonly NoticeKeyEntryRow[];
}

/** The 通报's ranked score rows (also what the workbook's first sheet lists). */
export const rankedNoticeRows = (scores: readonly NoticeScoreRow[]): RankedRow[] =>
  rankScores(scores).map((r) => ({ ...r, indicators: indicatorsOf(r.score.indicators) }));

export const monthlyNoticeXlsx = (input: MonthlyNoticeInput): Promise<Buffer> => {
  const [year, month] = input.month.split('-').map(Number);
  const region = input.regionCode ?? '全部地区';
  const monthText = `${year}年${month}月`;
  const ranked = rankedNoticeRows(input.scores);
  const below = ranked.filter((r) => r.handlingBelowLine).length;
  const preamble = [
    `道路运输车辆动态监控${monthText}考核通报`,
    `地区：${region}`,
    `月份：${monthText}`,
    `生成时间：${chinaLocalIso(input.generatedAtMs).replace('T', ' ')}`,
  ];
  return tableXlsx(
    [
      exportSheet({
        name: '企业考核得分',
        columns: scoreColumns,
        rows: ranked,
        preamble: [...preamble, `参评企业 ${ranked.filter((r) => r.rank !== undefined).length} 家；处理率低于90%的企业 ${below} 家（处理率不计分）`],
      }),
      exportSheet({
        name: '重点监管名单',
        columns: entryColumns,
        rows: input.entries.map((e, i) => ({ ...e, no: i + 1 })),
        preamble: [
          ...preamble,
          `本月在列 ${input.entries.length} 条（车辆 ${input.entries.filter((e) => e.subjectKind === 'vehicle').length}，企业 ${input.entries.filter((e) => e.subjectKind === 'company').length}）`,
        ],
      }),
    ],
    { createdAtMs: input.generatedAtMs },
  );
};
