/**
 * The monthly 通报's ranking of companies (RULES.md §10, §15): by total 考核 score, highest
 * first. Equal scores share a rank and the next rank skips (1, 2, 2, 4), so no company is
 * placed above another it tied with; among equals the order is by company id, so the file is
 * the same on every run. A company not assessed (no operating vehicles) has no rank and comes
 * last. A 处理率 below 90 % (strict: 90.00 % is not below) is marked — it lists the company but
 * costs no points (§9, §15).
 */

/** §9: a 处理率 below this percentage is a punishable failure (and a 重点监管 trigger, §10). */
export const HANDLING_RATE_FLOOR_PCT = 90;

export interface NoticeScore {
  companyId: string;
  assessed: boolean;
  /** Out of 100, 2 decimals; absent when not assessed. */
  totalScore?: number | undefined;
  /** 处理率 as a percentage with 2 decimals; absent when nothing was due (not assessed). */
  handlingRatePct?: number | undefined;
}

export interface RankedNoticeScore<T extends NoticeScore> {
  score: T;
  /** 1 for the best; undefined when not assessed. */
  rank: number | undefined;
  /** 处理率 below 90 %. */
  handlingBelowFloor: boolean;
}

/** Compared on hundredths, as the scores are stored (numeric(5, 2)): 85.1 and 85.10 are one score. */
const hundredths = (value: number): number => Math.round(value * 100);

export const handlingBelowFloor = (handlingRatePct: number | undefined): boolean =>
  handlingRatePct !== undefined && Number.isFinite(handlingRatePct) && hundredths(handlingRatePct) < hundredths(HANDLING_RATE_FLOOR_PCT);

const byId = (a: NoticeScore, b: NoticeScore): number => (a.companyId < b.companyId ? -1 : a.companyId > b.companyId ? 1 : 0);

const rankable = <T extends NoticeScore>(s: T): s is T & { totalScore: number } => s.assessed && s.totalScore !== undefined && Number.isFinite(s.totalScore);

export const rankNoticeScores = <T extends NoticeScore>(scores: readonly T[]): Array<RankedNoticeScore<T>> => {
  const assessed = scores.filter(rankable).sort((a, b) => hundredths(b.totalScore) - hundredths(a.totalScore) || byId(a, b));
  const others = scores.filter((s) => !rankable(s)).sort(byId);
  const ranked: Array<RankedNoticeScore<T>> = [];
  assessed.forEach((score, i) => {
    const previous = ranked[i - 1];
    const tied = previous !== undefined && hundredths(previous.score.totalScore ?? Number.NaN) === hundredths(score.totalScore);
    ranked.push({ score, rank: tied ? previous.rank : i + 1, handlingBelowFloor: handlingBelowFloor(score.handlingRatePct) });
  });
  for (const score of others) ranked.push({ score, rank: undefined, handlingBelowFloor: handlingBelowFloor(score.handlingRatePct) });
  return ranked;
};
