import type { PermitAuditResponse } from '@roadwatch/contracts';
import { exportSheet, tableXlsx, type ExportColumn } from '@roadwatch/runtime';

type Stretch = PermitAuditResponse['stretches'][number];
type Weighing = PermitAuditResponse['weighings'][number];
interface SummaryRow {
  label: string;
  value: string | number | undefined;
}

const ISSUE = { before_valid: '许可生效前 before valid', after_valid: '许可过期后 after valid', outside_hours: '许可时段外 outside hours' } as const;
const VERDICT = { within: '符合 within', exceeded: '大车小证 exceeded', outside_validity: '许可有效期外 outside validity' } as const;

const SUMMARY_COLUMNS: ReadonlyArray<ExportColumn<SummaryRow>> = [
  { header: '项目 item', type: 'text', width: 36, value: (r) => r.label },
  { header: '值 value', type: 'text', width: 40, value: (r) => (r.value === undefined ? undefined : String(r.value)) },
];

const STRETCH_COLUMNS: ReadonlyArray<ExportColumn<Stretch>> = [
  { header: '开始 start', type: 'date', width: 20, value: (s) => s.startMs },
  { header: '结束 end', type: 'date', width: 20, value: (s) => s.endMs },
  { header: '原因 issue', type: 'text', width: 30, value: (s) => s.issues.map((i) => ISSUE[i]).join('；') },
  { header: '行驶时长(分) moving min', type: 'number', width: 14, value: (s) => s.movingMs / 60_000 },
  { header: '行驶里程(公里) moving km', type: 'number', width: 14, value: (s) => s.movingM / 1000 },
  { header: '是否违规(>5分钟) counted', type: 'text', width: 12, value: (s) => (s.counted ? '是 yes' : '否 no') },
];

const WEIGHING_COLUMNS: ReadonlyArray<ExportColumn<Weighing>> = [
  { header: '称重时间 weighed at', type: 'date', width: 20, value: (w) => w.measuredAtMs },
  { header: '检测站 station', type: 'text', width: 14, value: (w) => w.stationId },
  { header: '记录 record', type: 'text', width: 20, value: (w) => w.measurementId },
  { header: '轴数 axles', type: 'number', width: 8, decimals: 0, value: (w) => w.axleCount },
  { header: '实测总质量 measured kg', type: 'number', width: 14, decimals: 0, value: (w) => w.measuredGrossKg },
  { header: '核定总质量 confirmed kg', type: 'number', width: 14, decimals: 0, value: (w) => w.confirmedGrossKg },
  { header: '比对 verdict', type: 'text', width: 22, value: (w) => VERDICT[w.verdict] },
  { header: '超出项 excesses', type: 'text', width: 40, value: (w) => w.excesses.map((e) => `${e.figure} ${e.weighed} > ${e.declared}`).join('；') },
  { header: '轴数与许可不符 axles differ', type: 'text', width: 12, value: (w) => (w.axlesDiffer ? '是 yes' : '否 no') },
];

/** The audit sheet of a 大件 permit as one workbook: a summary, the stretches outside its dates or hours, the weighings. */
export const permitAuditXlsx = (sheet: PermitAuditResponse, createdAtMs: number): Promise<Buffer> => {
  const declared = sheet.permit.declared ?? {};
  const summary: SummaryRow[] = [
    { label: '许可证号 permit no.', value: sheet.permit.referenceNo ?? sheet.permit.routeId },
    { label: '名称 name', value: sheet.permit.name },
    { label: '车辆 vehicle', value: sheet.plate ?? sheet.vehicleId },
    { label: '有效期 valid', value: `${sheet.permit.validFrom ?? '—'} ~ ${sheet.permit.validTo ?? '—'}` },
    { label: '许可时段 hours', value: (sheet.permit.allowedHours ?? []).map((h) => `${h.from}–${h.to}`).join('，') || '不限 any' },
    { label: '许可总质量 declared gross kg', value: declared.grossKg },
    { label: '许可轴数 declared axles', value: declared.axles },
    { label: '许可长/宽/高 declared L/W/H mm', value: [declared.lengthMm, declared.widthMm, declared.heightMm].map((v) => v ?? '—').join(' / ') },
    { label: '轨迹点数 reports', value: sheet.reports },
    { label: '行驶里程(公里) km travelled', value: (sheet.totalM / 1000).toFixed(2) },
    { label: '线路内里程(公里) km on route', value: (sheet.onRouteM / 1000).toFixed(2) },
    { label: '线路内里程占比 share on route', value: sheet.shareOnRoute === null ? '—' : `${(sheet.shareOnRoute * 100).toFixed(2)}%` },
    { label: '许可时段外行驶(分,违规段) minutes outside, counted', value: (sheet.outsideMovingMs / 60_000).toFixed(1) },
    { label: '称重次数 weighings', value: sheet.weighings.length },
    { label: '大车小证次数 weighings above the permit', value: sheet.weighings.filter((w) => w.verdict === 'exceeded').length },
  ];
  return tableXlsx(
    [
      exportSheet({ name: '汇总 summary', columns: SUMMARY_COLUMNS, rows: summary }),
      exportSheet({ name: '时段外行驶 outside hours', columns: STRETCH_COLUMNS, rows: sheet.stretches }),
      exportSheet({ name: '称重比对 weighings', columns: WEIGHING_COLUMNS, rows: sheet.weighings }),
    ],
    { createdAtMs },
  );
};
