import { chinaDateOf } from '@roadwatch/domain';

/**
 * 查岗响应率 (RULES.md §9, §15): answered in time ÷ sent, per company per local calendar month.
 * A 查岗 counts in the month its window ends (a window ending 00:00:00 on the 1st belongs to the
 * new month), once per company addressed; the window is inclusive (an answer at its very end is
 * in time); with nothing sent the rate is not assessed.
 */

/** One company addressed by one 查岗 (an `inspection_recipients` row). */
export interface InspectionAddressed {
  inspectionId: string;
  companyId: string;
  windowEndsAtMs: number;
  /** When the company answered; absent while unanswered. A late answer is recorded but not in time. */
  answeredAtMs?: number | undefined;
}

export interface InspectionResponseRate {
  companyId: string;
  /** Local (GMT+8) calendar month `YYYY-MM` in which the counted windows end. */
  month: string;
  sent: number;
  answeredInTime: number;
  /** answeredInTime ÷ sent, a fraction; absent when nothing was sent (not assessed). */
  rate?: number;
  assessed: boolean;
}

/** Whether an answer at `answeredAtMs` is within a window ending at `windowEndsAtMs` (inclusive). */
export const isAnsweredInTime = (answeredAtMs: number | undefined, windowEndsAtMs: number): boolean =>
  answeredAtMs !== undefined && answeredAtMs <= windowEndsAtMs;

/** The local calendar month (`YYYY-MM`) a 查岗 counts in: the month its window ends. */
export const inspectionMonthOf = (windowEndsAtMs: number): string => chinaDateOf(windowEndsAtMs).slice(0, 7);

/** Each (inspection, company) once: a recipient read twice is still one 查岗; an answer on either copy counts, the earliest. */
const oncePerCompanyAddressed = (recipients: readonly InspectionAddressed[]): InspectionAddressed[] => {
  const kept = new Map<string, InspectionAddressed>();
  for (const r of recipients) {
    const key = JSON.stringify([r.inspectionId, r.companyId]);
    const seen = kept.get(key);
    if (!seen) kept.set(key, r);
    else if (r.answeredAtMs !== undefined && (seen.answeredAtMs === undefined || r.answeredAtMs < seen.answeredAtMs)) kept.set(key, r);
  }
  return [...kept.values()];
};

/** The company's 查岗响应率 for one month (`YYYY-MM`): not assessed when nothing addressed to it ended in that month. */
export const inspectionResponseRate = (recipients: readonly InspectionAddressed[], companyId: string, month: string): InspectionResponseRate => {
  let sent = 0;
  let answeredInTime = 0;
  for (const r of oncePerCompanyAddressed(recipients)) {
    if (r.companyId !== companyId || inspectionMonthOf(r.windowEndsAtMs) !== month) continue;
    sent += 1;
    if (isAnsweredInTime(r.answeredAtMs, r.windowEndsAtMs)) answeredInTime += 1;
  }
  return sent === 0
    ? { companyId, month, sent, answeredInTime, assessed: false }
    : { companyId, month, sent, answeredInTime, rate: answeredInTime / sent, assessed: true };
};

/** Every company and month the recipients touch, ordered by company then month. */
export const inspectionResponseRates = (recipients: readonly InspectionAddressed[]): InspectionResponseRate[] => {
  const keys = new Map<string, { companyId: string; month: string }>();
  for (const r of recipients) {
    const month = inspectionMonthOf(r.windowEndsAtMs);
    keys.set(JSON.stringify([r.companyId, month]), { companyId: r.companyId, month });
  }
  return [...keys.values()]
    .sort((a, b) => (a.companyId === b.companyId ? a.month.localeCompare(b.month) : a.companyId < b.companyId ? -1 : 1))
    .map(({ companyId, month }) => inspectionResponseRate(recipients, companyId, month));
};
