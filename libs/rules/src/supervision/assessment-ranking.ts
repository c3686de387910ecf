import { DEFAULT_ASSESSMENT_CONFIG } from './assessment-config';
import { roundHalfUp2 } from './percent';

/**
 * The one ranking of companies by their 考核 (RULES.md §10, §15), behind both the 考核 ranking
 * (`/v1/assessment/ranking`) and the monthly 通报: total score, highest first, compared on 2
 * decimals as stored (85.1 and 85.10 are one score). Equal scores share a rank and the next rank
 * skips (1, 2, 2, 4), so no company is placed above one it tied with; among equals the order is
 * by company id (code units, not a locale), so the result is the same on every run. A company not
 * assessed (no operating vehicles) has no rank and comes last. A 处理率 strictly below the line
 * (90.00 % is not below 90 %) is marked: it lists the company and costs no points (§9, §15).
 */

/** A company's score for one period, as the ranking reads it. */
export interface RankableScore {
  companyId: string;
  assessed: boolean;
  /** Out of 100, 2 decimals; absent when not assessed. */
  totalScore?: number | undefined;
  /** 处理率 as a percentage with 2 decimals; absent when nothing was due. */
  handlingRatePct?: number | undefined;
  /** The company's region's 处理率 line; the 2016 table's 90 % when absent. */
  handlingLinePct?: number | undefined;
}

export interface RankedScore<T extends RankableScore> {
  score: T;
  /** 1 for the best; undefined when not assessed. */
  rank: number | undefined;
  /** 处理率 strictly below its line. */
  handlingBelowLine: boolean;
}

/** §9: is a 处理率 strictly below the line, on 2 decimals? No figure (nothing due) is never below. */
export const handlingBelowLine = (handlingRatePct: number | undefined, linePct: number = DEFAULT_ASSESSMENT_CONFIG.handlingRateListBelowPct): boolean =>
  handlingRatePct !== undefined && Number.isFinite(handlingRatePct) && roundHalfUp2(handlingRatePct) < roundHalfUp2(linePct);

const byId = (a: { companyId: string }, b: { companyId: string }): number => (a.companyId < b.companyId ? -1 : a.companyId > b.companyId ? 1 : 0);

const rankable = <T extends RankableScore>(s: T): s is T & { totalScore: number } => s.assessed && s.totalScore !== undefined && Number.isFinite(s.totalScore);

/** The scores ranked (the assessed best first, then the not assessed by id); the input is left as it was. */
export const rankScores = <T extends RankableScore>(scores: readonly T[]): Array<RankedScore<T>> => {
  const marked = (score: T, rank: number | undefined): RankedScore<T> => ({
    score,
    rank,
    handlingBelowLine: handlingBelowLine(score.handlingRatePct, score.handlingLinePct),
  });
  const assessed = scores.filter(rankable).sort((a, b) => roundHalfUp2(b.totalScore) - roundHalfUp2(a.totalScore) || byId(a, b));
  const ranked: Array<RankedScore<T>> = [];
  assessed.forEach((score, i) => {
    const previous = ranked[i - 1];
    const tied = previous !== undefined && roundHalfUp2(previous.score.totalScore ?? Number.NaN) === roundHalfUp2(score.totalScore);
    ranked.push(marked(score, tied ? previous.rank : i + 1));
  });
  for (const score of scores.filter((s) => !rankable(s)).sort(byId)) ranked.push(marked(score, undefined));
  return ranked;
};

export interface NamedRankableScore extends RankableScore {
  companyName: string;
}

export interface CompanyRanking {
  ranking: { rank: number; companyId: string; companyName: string; totalScore: number; handlingRatePct?: number }[];
  handlingBelowLine: { companyId: string; companyName: string; handlingRatePct: number; linePct: number }[];
  notAssessed: { companyId: string; companyName: string }[];
}

/**
 * The 考核 ranking's view of `rankScores` (issue #14 item 4): the ranked companies; those whose
 * 处理率 is below their line, lowest first (not assessed ones too: the rate is listed whatever
 * the scores); the not assessed aside.
 */
export const companyRanking = (scores: readonly NamedRankableScore[]): CompanyRanking => {
  const ranked = rankScores(scores);
  return {
    ranking: ranked.flatMap(({ score: s, rank }) =>
      rank === undefined || s.totalScore === undefined
        ? []
        : [
            {
              rank,
              companyId: s.companyId,
              companyName: s.companyName,
              totalScore: s.totalScore,
              ...(s.handlingRatePct === undefined ? {} : { handlingRatePct: s.handlingRatePct }),
            },
          ],
    ),
    handlingBelowLine: ranked
      .flatMap(({ score: s, handlingBelowLine: below }) =>
        below && s.handlingRatePct !== undefined
          ? [
              {
                companyId: s.companyId,
                companyName: s.companyName,
                handlingRatePct: s.handlingRatePct,
                linePct: s.handlingLinePct ?? DEFAULT_ASSESSMENT_CONFIG.handlingRateListBelowPct,
              },
            ]
          : [],
      )
      .sort((a, b) => a.handlingRatePct - b.handlingRatePct || byId(a, b)),
    notAssessed: ranked.filter(({ score: s }) => !s.assessed).map(({ score: s }) => ({ companyId: s.companyId, companyName: s.companyName })),
  };
};
