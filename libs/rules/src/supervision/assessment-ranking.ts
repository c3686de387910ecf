/** A company's score for one period, as the ranking reads it. */
export interface RankableScore {
  companyId: string;
  companyName: string;
  assessed: boolean;
  totalScore?: number;
  handlingRatePct?: number;
  /** The company's region's 处理率 line (default 90 %). */
  handlingLinePct: number;
}

export interface CompanyRanking {
  ranking: { rank: number; companyId: string; companyName: string; totalScore: number; handlingRatePct?: number }[];
  handlingBelowLine: { companyId: string; companyName: string; handlingRatePct: number; linePct: number }[];
  notAssessed: { companyId: string; companyName: string }[];
}

/**
 * The 考核 ranking (issue #14 item 4): assessed companies best first, equal totals sharing a rank
 * (1, 1, 3), ties listed by id; the companies whose 处理率 is strictly below their line (§9:
 * listed, not scored — lowest first); the not assessed (no operating vehicles) aside.
 */
export const rankCompanies = (scores: readonly RankableScore[]): CompanyRanking => {
  const assessed = scores
    .filter((s): s is RankableScore & { totalScore: number } => s.assessed && s.totalScore !== undefined)
    .sort((a, b) => b.totalScore - a.totalScore || a.companyId.localeCompare(b.companyId));
  const ranking = assessed.map((s, i) => ({ s, i }));
  let rank = 0;
  return {
    ranking: ranking.map(({ s, i }) => {
      if (i === 0 || s.totalScore !== assessed[i - 1]?.totalScore) rank = i + 1;
      return {
        rank,
        companyId: s.companyId,
        companyName: s.companyName,
        totalScore: s.totalScore,
        ...(s.handlingRatePct === undefined ? {} : { handlingRatePct: s.handlingRatePct }),
      };
    }),
    handlingBelowLine: scores
      .filter((s): s is RankableScore & { handlingRatePct: number } => s.handlingRatePct !== undefined && s.handlingRatePct < s.handlingLinePct)
      .sort((a, b) => a.handlingRatePct - b.handlingRatePct || a.companyId.localeCompare(b.companyId))
      .map((s) => ({ companyId: s.companyId, companyName: s.companyName, handlingRatePct: s.handlingRatePct, linePct: s.handlingLinePct })),
    notAssessed: scores.filter((s) => !s.assessed).map((s) => ({ companyId: s.companyId, companyName: s.companyName })),
  };
};
