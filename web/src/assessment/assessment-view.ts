import type { AssessmentScoreItem } from '@roadwatch/contracts';
import { chinaLocalIso } from '@roadwatch/domain';

/** The rate indicators drawn as trends (E-vs-R indicators are not rates: shown in the table only). */
export const TREND_INDICATORS = ['network_access', 'online', 'drift', 'track_completeness', 'data_qualified', 'inspection_response'] as const;
export type TrendIndicator = (typeof TREND_INDICATORS)[number];

/** `yyyy-mm` of a period's local start. */
export const monthLabel = (periodStartMs: number): string => chinaLocalIso(periodStartMs).slice(0, 7);

/** A rolling period as its local days `mm-dd–mm-dd` (the end is exclusive: the last day shown is the day before). */
export const periodLabel = (startMs: number, endMs: number): string => `${chinaLocalIso(startMs).slice(5, 10)}–${chinaLocalIso(endMs - 1).slice(5, 10)}`;

/**
 * One subject's rates period by period, oldest first, for the trend chart: a period where an
 * indicator was not assessed (zero denominator) is a gap (null), not 0 % or 100 %.
 */
export const trendOf = (
  items: readonly AssessmentScoreItem[],
  subject: { kind: AssessmentScoreItem['subjectKind']; id: string },
  periodKind: AssessmentScoreItem['periodKind'] = 'month',
): { months: string[]; series: { code: TrendIndicator; values: (number | null)[] }[]; totals: (number | null)[] } => {
  const rows = items
    .filter((i) => i.periodKind === periodKind && i.subjectKind === subject.kind && i.subjectId === subject.id)
    .sort((a, b) => a.periodStartMs - b.periodStartMs);
  return {
    months: rows.map((r) => (periodKind === 'month' ? monthLabel(r.periodStartMs) : periodLabel(r.periodStartMs, r.periodEndMs))),
    series: TREND_INDICATORS.map((code) => ({
      code,
      values: rows.map((r) => {
        const indicator = r.indicators.find((i) => i.code === code);
        return indicator?.assessed && indicator.value !== undefined ? indicator.value : null;
      }),
    })),
    totals: rows.map((r) => r.totalScore ?? null),
  };
};

/** The companies of one period for the ranking bar chart, best first; the not assessed left out. */
export const rankingBars = (items: readonly AssessmentScoreItem[], periodStartMs: number): { names: string[]; scores: number[] } => {
  const rows = items
    .filter((i) => i.subjectKind === 'company' && i.periodStartMs === periodStartMs && i.assessed && i.totalScore !== undefined)
    .sort((a, b) => (b.totalScore ?? 0) - (a.totalScore ?? 0) || a.subjectId.localeCompare(b.subjectId));
  return { names: rows.map((r) => r.subjectName ?? r.subjectId), scores: rows.map((r) => r.totalScore ?? 0) };
};

/** The latest period's start among the items, if any. */
export const latestPeriodStart = (items: readonly AssessmentScoreItem[]): number | undefined =>
  items.reduce<number | undefined>((latest, i) => (latest === undefined || i.periodStartMs > latest ? i.periodStartMs : latest), undefined);
