import { chinaDateOf } from '@roadwatch/domain';
import type { PenaltyConfig } from './penalties.config';
import { reportDeadlineText } from './penalty-texts';

/**
 * RULES.md §5 (超限规定 第44条): within 7 working days of the decision the 公路管理机构
 * reports the case to the vehicle's home 运管 office. Working days are Mon–Fri, less the
 * configured public holidays, plus the configured 调休 weekend working days. The day of the
 * decision itself is not counted (期间开始之日不计算在内); the period ends on the 7th
 * working day after it.
 */
export interface ReportDeadline {
  /** Local (GMT+8) date of the decision, YYYY-MM-DD. */
  decisionDate: string;
  /** Last local date by which the report is due, YYYY-MM-DD. */
  dueDate: string;
  workingDays: number;
  /** Non-working weekdays skipped and 调休 weekend days counted on the way, for the record. */
  holidaysSkipped: string[];
  workingWeekendDaysCounted: string[];
  /** Chinese (shown by default); `basisEn` the same in English. */
  basis: string;
  basisEn: string;
}

const DAY_MS = 86_400_000;
const isoDateToUtcMs = (date: string): number => Date.parse(`${date}T00:00:00Z`);
const utcMsToIsoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const isWorkingDay = (date: string, calendar: PenaltyConfig['reportDeadline']): boolean => {
  if (calendar.workingWeekendDays.includes(date)) return true;
  if (calendar.holidays.includes(date)) return false;
  const weekday = new Date(isoDateToUtcMs(date)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
};

export const article44ReportDeadline = (decidedAtMs: number, config: PenaltyConfig): ReportDeadline => {
  const calendar = config.reportDeadline;
  const decisionDate = chinaDateOf(decidedAtMs);
  const holidaysSkipped: string[] = [];
  const workingWeekendDaysCounted: string[] = [];
  let dayMs = isoDateToUtcMs(decisionDate);
  let counted = 0;
  while (counted < calendar.workingDays) {
    dayMs += DAY_MS;
    const date = utcMsToIsoDate(dayMs);
    if (isWorkingDay(date, calendar)) {
      counted += 1;
      const weekday = new Date(dayMs).getUTCDay();
      if (weekday === 0 || weekday === 6) workingWeekendDaysCounted.push(date);
    } else if (calendar.holidays.includes(date)) {
      holidaysSkipped.push(date);
    }
  }
  const dueDate = utcMsToIsoDate(dayMs);
  const text = reportDeadlineText(decisionDate, calendar.workingDays, dueDate);
  return {
    decisionDate,
    dueDate,
    workingDays: calendar.workingDays,
    holidaysSkipped,
    workingWeekendDaysCounted,
    basis: text.zh,
    basisEn: text.en,
  };
};
