import ExcelJS from 'exceljs';
import type { AssessmentScoreItem } from '@roadwatch/contracts';
import { chinaLocalIso } from '@roadwatch/domain';

/** The indicators' columns, Chinese first with the English name (the workbook goes to people on both sides). */
const INDICATORS: { code: AssessmentScoreItem['indicators'][number]['code']; title: string }[] = [
  { code: 'network_access', title: '入网率 network access' },
  { code: 'online', title: '上线率 online' },
  { code: 'drift', title: '漂移车辆率 drift' },
  { code: 'track_completeness', title: '轨迹完整率 track completeness' },
  { code: 'data_qualified', title: '数据合格率 data qualified' },
  { code: 'speeding', title: '平均车辆超速次数 speeding per vehicle' },
  { code: 'fatigue', title: '平均疲劳驾驶时长 fatigue h per vehicle' },
  { code: 'inspection_response', title: '查岗响应率 inspection response' },
];

/**
 * The 考核 scores as an XLSX workbook (exceljs): one row per subject and period — total, 处理率,
 * and per indicator its rate (or E) and score; a cell is empty where the indicator was not
 * assessed (full marks, shown in the score column).
 */
export const assessmentScoresXlsx = async (items: readonly AssessmentScoreItem[]): Promise<Buffer> => {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'roadwatch';
  const sheet = workbook.addWorksheet('考核 scores');
  sheet.columns = [
    { header: '对象 subject', key: 'subject', width: 24 },
    { header: '类型 kind', key: 'kind', width: 12 },
    { header: '行政区划 region', key: 'region', width: 12 },
    { header: '周期 period', key: 'period', width: 12 },
    { header: '起 from', key: 'from', width: 20 },
    { header: '止 to', key: 'to', width: 20 },
    { header: '是否考核 assessed', key: 'assessed', width: 10 },
    { header: '总分 total', key: 'total', width: 10 },
    { header: '处理率 % handling', key: 'handling', width: 12 },
    ...INDICATORS.flatMap(({ code, title }) => [
      { header: `${title} %/E`, key: `${code}.value`, width: 14 },
      { header: `${title} 得分 score`, key: `${code}.score`, width: 14 },
    ]),
  ];
  sheet.getRow(1).font = { bold: true };
  for (const item of items) {
    const byCode = new Map(item.indicators.map((i) => [i.code, i]));
    sheet.addRow({
      subject: item.subjectName ?? item.subjectId,
      kind: item.subjectKind === 'company' ? '企业 company' : '平台 platform',
      region: item.regionCode ?? '',
      period: item.periodKind === 'month' ? '月 month' : '近7日 7 days',
      from: chinaLocalIso(item.periodStartMs).replace('T', ' '),
      to: chinaLocalIso(item.periodEndMs).replace('T', ' '),
      assessed: item.assessed ? '是 yes' : '否 no',
      total: item.totalScore ?? null,
      handling: item.handlingRatePct ?? null,
      ...Object.fromEntries(
        INDICATORS.flatMap(({ code }) => {
          const indicator = byCode.get(code);
          return [
            [`${code}.value`, indicator?.assessed ? (indicator.value ?? null) : null],
            [`${code}.score`, indicator?.score ?? null],
          ];
        }),
      ),
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
};
