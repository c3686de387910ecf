import { CHINA_UTC_OFFSET_MS, DAY_MS, chinaLocalToEpochMs, chinaMidnightMs } from '@roadwatch/domain';

/** A scoring period: the local calendar month, or the rolling 7 days ending at a local midnight. */
export interface AssessmentPeriod {
  kind: 'month' | 'rolling_7d';
  startMs: number;
  /** Exclusive. */
  endMs: number;
}

/** The local (GMT+8) month `yyyy-mm` as [its first midnight, the next month's). */
export const monthPeriod = (month: string): AssessmentPeriod => {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  const year = Number(match?.[1]);
  const monthNo = Number(match?.[2]);
  if (!match || monthNo < 1 || monthNo > 12) throw new RangeError(`not a month (yyyy-mm): ${month}`);
  return { kind: 'month', startMs: chinaLocalToEpochMs(year, monthNo, 1), endMs: chinaLocalToEpochMs(year + Math.floor(monthNo / 12), (monthNo % 12) + 1, 1) };
};

/** The local month `yyyy-mm` holding an instant. */
export const chinaMonthOf = (epochMs: number): string => new Date(epochMs + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 7);

/** The month before `yyyy-mm`. */
export const previousMonth = (month: string): string => chinaMonthOf(monthPeriod(month).startMs - 1);

/** The 7 whole local days before the local day holding `nowMs` (the day in progress not counting). */
export const rolling7DaysBefore = (nowMs: number): AssessmentPeriod => {
  const endMs = chinaMidnightMs(nowMs);
  return { kind: 'rolling_7d', startMs: endMs - 7 * DAY_MS, endMs };
};
