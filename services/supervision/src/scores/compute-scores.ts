import {
  assessmentConfigForRegion,
  handlingRate,
  regionalTotalsOf,
  scoreEnterprise,
  scorePlatform,
  type AssessmentConfig,
  type AssessmentPeriod,
} from '@roadwatch/rules';
import { AssessmentFactsReadModel, AssessmentScoreRepository, AssessmentSettingsRepository, type AssessmentScoreRow, type Queryable } from '@roadwatch/storage';

export interface ComputedScores {
  listMonth: string | undefined;
  companies: number;
  platforms: number;
}

/**
 * One period's 考核 for every company and every authority platform (RULES.md §10, §15): the
 * facts from storage, each region's table (the 2016 defaults with its override), the regional
 * averages R, 处理率 listed beside the score — then the period's rows replaced.
 */
export const computeScores = async (db: Queryable, period: AssessmentPeriod, nowMs: number): Promise<ComputedScores> => {
  const facts = new AssessmentFactsReadModel(db);
  // One after the other: `db` may be the job lock's single client.
  const periodFacts = await facts.forPeriod(period.startMs, period.endMs);
  const handling = await facts.handlingRows(period.startMs, period.endMs);
  const overrides = await new AssessmentSettingsRepository(db).all();
  // A region's override applies to the region and every region under it (the longest prefix wins).
  const configOf = (regionCode: string | undefined): AssessmentConfig => assessmentConfigForRegion(overrides, regionCode);
  const regional = regionalTotalsOf(periodFacts.companies);
  const base = { periodKind: period.kind, periodStartMs: period.startMs, periodEndMs: period.endMs };
  const rows: AssessmentScoreRow[] = [];
  for (const company of periodFacts.companies) {
    const result = scoreEnterprise(
      company.facts,
      regional.get(company.companyId) ?? { onlineVehicles: 0, speedingEpisodes: 0, fatigueOverLimitMs: 0 },
      configOf(company.regionCode),
    );
    const rate = handlingRate(handling.get(company.companyId) ?? [], period.startMs, period.endMs, nowMs);
    rows.push({
      ...base,
      subjectKind: 'company',
      subjectId: company.companyId,
      regionCode: company.regionCode,
      assessed: result.assessed,
      totalScore: result.totalScore,
      anyIndicatorZero: result.anyIndicatorZero,
      handlingRatePct: rate.ratePct,
      handling: { numerator: rate.numerator, denominator: rate.denominator, pendingAppeals: rate.pendingAppeals, acceptedAppeals: rate.acceptedAppeals },
      indicators: result.indicators,
    });
  }
  for (const platform of periodFacts.platforms) {
    const result = scorePlatform(platform.facts, configOf(platform.regionCode));
    rows.push({
      ...base,
      subjectKind: 'platform',
      subjectId: platform.regionCode,
      regionCode: platform.regionCode,
      assessed: result.assessed,
      totalScore: result.totalScore,
      anyIndicatorZero: result.anyIndicatorZero,
      indicators: result.indicators,
    });
  }
  await new AssessmentScoreRepository(db).save(rows);
  return { listMonth: periodFacts.listMonth, companies: periodFacts.companies.length, platforms: periodFacts.platforms.length };
};
