import { describe, expect, it } from 'vitest';
import type { CompanyReportRow, QualityTrendDay } from '@roadwatch/contracts';
import { companyRankingOption, hourLabel, chartPercent, qualityTrendOption, rankCompaniesForChart, violationsByHourOption } from './charts';

type Series = { name: string; data: unknown[]; stack?: string; type: string };
const seriesOf = (option: { series?: unknown }): Series[] => option.series as Series[];
const titleOf = (option: { title?: unknown }) => option.title as { text: string; subtext?: string };
const axisData = (axis: unknown): unknown[] => (axis as { data: unknown[] }).data;

const day = (d: string, rates: Partial<QualityTrendDay> = {}): QualityTrendDay => ({ day: d, vehicles: 2, vehiclesOnline: 1, ...rates });

const row = (companyId: string, vehicles: number, violations: number, trackCompleteness?: number, companyName?: string): CompanyReportRow => ({
  companyId,
  ...(companyName ? { companyName } : {}),
  vehicles,
  vehiclesOnline: vehicles,
  onlineRate: 1,
  violations,
  violationsByRule: {},
  mileageKm: 0,
  drivingHours: 0,
  ...(trackCompleteness === undefined ? {} : { trackCompleteness }),
});

describe('chartPercent', () => {
  it('shows a fraction as a percentage with 2 decimals, rounded', () => {
    expect(chartPercent(0.98765)).toBe(98.77);
    expect(chartPercent(1)).toBe(100);
    expect(chartPercent(0)).toBe(0);
    expect(chartPercent(2 / 3)).toBe(66.67);
  });
  it('no figure is a gap (null), never 0', () => {
    expect(chartPercent(undefined)).toBeNull();
    expect(chartPercent(Number.NaN)).toBeNull();
  });
});

describe('qualityTrendOption', () => {
  it('draws one line per rate over the days, a missing figure as a gap, in Chinese by default', () => {
    const option = qualityTrendOption(
      [day('2026-11-10', { onlineRate: 0.5, dataQualifiedRate: 0.99, trackCompleteness: 0.9, driftVehicleRate: 0 }), day('2026-11-11', { onlineRate: 0.5 })],
      'zh',
    );
    expect(axisData(option.xAxis)).toEqual(['2026-11-10', '2026-11-11']);
    const series = seriesOf(option);
    expect(series.map((s) => s.name)).toEqual(['数据合格率', '轨迹完整率', '漂移率', '上线率']);
    expect(series.map((s) => s.data)).toEqual([
      [99, null],
      [90, null],
      [0, null],
      [50, 50],
    ]);
    expect(titleOf(option)).toEqual(expect.objectContaining({ text: '数据质量趋势（按日）' }));
    expect(titleOf(option).subtext).toBeUndefined();
    // Drawn at once: a screenshot or a print never catches a half-drawn line.
    expect(option.animation).toBe(false);
  });

  it('labels in English on request', () => {
    const option = qualityTrendOption([day('2026-11-10', { onlineRate: 1 })], 'en');
    expect(seriesOf(option).map((s) => s.name)).toEqual(['Qualified data', 'Track completeness', 'Drift rate', 'Online rate']);
    expect(titleOf(option).text).toBe('Data quality per day');
  });

  it('says "no data" when no day has a figure, and when there are no days', () => {
    expect(titleOf(qualityTrendOption([day('2026-11-10'), day('2026-11-11')], 'zh')).subtext).toBe('所选范围内无数据');
    const none = qualityTrendOption([], 'en');
    expect(titleOf(none).subtext).toBe('No data in the chosen range');
    expect(seriesOf(none).every((s) => s.data.length === 0)).toBe(true);
  });
});

describe('violationsByHourOption', () => {
  it('stacks one series per rule over 24 local hours, the rule with most violations first', () => {
    const option = violationsByHourOption(
      [
        { rule: 'fatigue_continuous', hour: 8, count: 1 },
        { rule: 'speeding', hour: 0, count: 2 },
        { rule: 'speeding', hour: 23, count: 1 },
      ],
      'zh',
    );
    const series = seriesOf(option);
    expect(series.map((s) => [s.name, s.stack, s.type])).toEqual([
      ['超速', 'violations', 'bar'],
      ['疲劳驾驶（连续）', 'violations', 'bar'],
    ]);
    expect(series[0]!.data).toHaveLength(24);
    expect(series[0]!.data[0]).toBe(2);
    expect(series[0]!.data[23]).toBe(1);
    expect(series[1]!.data[8]).toBe(1);
    expect((series[1]!.data as number[]).reduce((a, b) => a + b, 0)).toBe(1);
    expect(axisData(option.xAxis)[0]).toBe('0时');
    expect(axisData(option.xAxis)[23]).toBe('23时');
  });

  it('orders rules with equal totals by name, labels hours in English as HH:00', () => {
    const option = violationsByHourOption(
      [
        { rule: 'speeding', hour: 1, count: 1 },
        { rule: 'overload', hour: 2, count: 1 },
      ],
      'en',
    );
    expect(seriesOf(option).map((s) => s.name)).toEqual(['Overload', 'Speeding']);
    expect(axisData(option.xAxis)[7]).toBe('07:00');
    expect(hourLabel(0, 'en')).toBe('00:00');
  });

  it('an empty range: no series, "no data"', () => {
    const option = violationsByHourOption([], 'zh');
    expect(seriesOf(option)).toEqual([]);
    expect(titleOf(option).subtext).toBe('所选范围内无数据');
  });
});

describe('rankCompaniesForChart and companyRankingOption', () => {
  const rows = [row('C1', 10, 5, 0.95, '甲公司'), row('C2', 2, 4, 0.6), row('C3', 0, 3), row('C4', 5, 10, 0.6, '丁公司'), row('C5', 4, 0, 0.999)];

  it('ranks by violations per vehicle, most first, ties by id; a company without vehicles has no rate', () => {
    expect(rankCompaniesForChart(rows, 'violationsPerVehicle').map((r) => [r.companyId, r.value])).toEqual([
      ['C2', 2],
      ['C4', 2],
      ['C1', 0.5],
      ['C5', 0],
    ]);
  });

  it('ranks by 轨迹完整率, lowest first; a company without the figure is left out', () => {
    expect(rankCompaniesForChart(rows, 'trackCompleteness').map((r) => r.companyId)).toEqual(['C2', 'C4', 'C1', 'C5']);
  });

  it('shows the head of the list only', () => {
    const many = Array.from({ length: 40 }, (_, i) => row(`C${String(i).padStart(2, '0')}`, 1, i));
    expect(rankCompaniesForChart(many, 'violationsPerVehicle')).toHaveLength(15);
    expect(rankCompaniesForChart(many, 'violationsPerVehicle', 3).map((r) => r.companyId)).toEqual(['C39', 'C38', 'C37']);
  });

  it('draws horizontal bars, first ranked on top, names (else ids) as labels, percentages for 轨迹完整率', () => {
    const option = companyRankingOption(rows, 'trackCompleteness', 'zh');
    expect(axisData(option.yAxis)).toEqual(['C2', '丁公司', '甲公司', 'C5']);
    expect((option.yAxis as { inverse: boolean }).inverse).toBe(true);
    expect(seriesOf(option)[0]!.data).toEqual([60, 60, 95, 99.9]);
    expect(titleOf(option).text).toBe('企业排名：轨迹完整率（低→高）');
    const perVehicle = companyRankingOption(rows, 'violationsPerVehicle', 'en');
    expect(seriesOf(perVehicle)[0]!.data).toEqual([2, 2, 0.5, 0]);
    expect(seriesOf(perVehicle)[0]!.name).toBe('Violations per vehicle');
  });

  it('no company with the figure: an empty ranking that says so', () => {
    const option = companyRankingOption([row('C3', 0, 3)], 'violationsPerVehicle', 'zh');
    expect(axisData(option.yAxis)).toEqual([]);
    expect(titleOf(option).subtext).toBe('所选范围内无数据');
  });
});
