import type { AssessmentScoreItem } from '@roadwatch/contracts';
import { exportSheet, tableXlsx, type ExportColumn } from '@roadwatch/runtime';

type Indicator = AssessmentScoreItem['indicators'][number];

/** The indicators' columns, Chinese first with the English name (the workbook goes to people on both sides). */
const INDICATORS: { code: Indicator['code']; title: string }[] = [
  { code: 'network_access', title: '入网率 network access' },
  { code: 'online', title: '上线率 online' },
  { code: 'drift', title: '漂移车辆率 drift' },
  { code: 'track_completeness', title: '轨迹完整率 track completeness' },
  { code: 'data_qualified', title: '数据合格率 data qualified' },
  { code: 'speeding', title: '平均车辆超速次数 speeding per vehicle' },
  { code: 'fatigue', title: '平均疲劳驾驶时长 fatigue h per vehicle' },
  { code: 'inspection_response', title: '查岗响应率 inspection response' },
];

const indicatorOf = (item: AssessmentScoreItem, code: Indicator['code']): Indicator | undefined => item.indicators.find((i) => i.code === code);

/**
 * The columns: total, 处理率, and per indicator its rate in % (or E) and score; a rate cell is
 * empty where the indicator was not assessed (full marks, shown in the score column). Rates stay
 * numbers in % as the API gives them (not spreadsheet percentages), so the file and the screen agree.
 */
const SCORE_COLUMNS: ReadonlyArray<ExportColumn<AssessmentScoreItem>> = [
  { header: '对象 subject', type: 'text', width: 24, value: (item) => item.subjectName ?? item.subjectId },
  { header: '类型 kind', type: 'text', width: 12, value: (item) => (item.subjectKind === 'company' ? '企业 company' : '平台 platform') },
  { header: '行政区划 region', type: 'text', width: 12, value: (item) => item.regionCode },
  { header: '周期 period', type: 'text', width: 12, value: (item) => (item.periodKind === 'month' ? '月 month' : '近7日 7 days') },
  { header: '起 from', type: 'date', width: 20, value: (item) => item.periodStartMs },
  { header: '止 to', type: 'date', width: 20, value: (item) => item.periodEndMs },
  { header: '是否考核 assessed', type: 'text', width: 10, value: (item) => (item.assessed ? '是 yes' : '否 no') },
  { header: '总分 total', type: 'number', width: 10, value: (item) => item.totalScore },
  { header: '处理率 % handling', type: 'number', width: 12, value: (item) => item.handlingRatePct },
  ...INDICATORS.flatMap(({ code, title }): Array<ExportColumn<AssessmentScoreItem>> => [
    {
      header: `${title} %/E`,
      type: 'number',
      width: 14,
      value: (item) => {
        const indicator = indicatorOf(item, code);
        return indicator?.assessed ? indicator.value : undefined;
      },
    },
    { header: `${title} 得分 score`, type: 'number', width: 14, value: (item) => indicatorOf(item, code)?.score },
  ]),
];

/** The 考核 scores as an XLSX workbook through the one table export: one row per subject and period. */
export const assessmentScoresXlsx = (items: readonly AssessmentScoreItem[], createdAtMs: number): Promise<Buffer> =>
  tableXlsx([exportSheet({ name: '考核 scores', columns: SCORE_COLUMNS, rows: items })], { createdAtMs });
