import { configPatchIssues, mergeConfigPatch, type ConfigPatch } from '../common/config-patch';

/**
 * A rate indicator of the 2016 table (RULES.md §10): `weight × rate` (or `weight − weight × rate`
 * for a rate where less is better), 0 when the rate in % is strictly below `zeroBelowPct` or
 * strictly above `zeroAbovePct` (§15: "below 90%" excludes 90.00%).
 */
export interface RateIndicatorConfig {
  weight: number;
  zeroBelowPct?: number;
  zeroAbovePct?: number;
}

/** E (the company's average) against R (its region's): `weight` when E ≤ 0 … 0 from E ≥ 2R (§10). */
export interface AverageIndicatorConfig {
  weight: number;
}

export interface EnterpriseAssessmentConfig {
  networkAccess: RateIndicatorConfig;
  online: RateIndicatorConfig;
  drift: RateIndicatorConfig;
  trackCompleteness: RateIndicatorConfig;
  dataQualified: RateIndicatorConfig;
  speeding: AverageIndicatorConfig;
  fatigue: AverageIndicatorConfig;
  inspectionResponse: RateIndicatorConfig;
}

export interface PlatformAssessmentConfig {
  networkAccess: RateIndicatorConfig;
  online: RateIndicatorConfig;
  drift: RateIndicatorConfig;
  trackCompleteness: RateIndicatorConfig;
  dataQualified: RateIndicatorConfig;
}

export interface AssessmentConfig {
  enterprise: EnterpriseAssessmentConfig;
  platform: PlatformAssessmentConfig;
  /** 处理率 strictly below this lists the company (§9, §10); never scored. */
  handlingRateListBelowPct: number;
}

/** The 联网联控 考核管理办法 (2016) tables of RULES.md §10. */
export const DEFAULT_ASSESSMENT_CONFIG: AssessmentConfig = {
  enterprise: {
    networkAccess: { weight: 5, zeroBelowPct: 90 },
    online: { weight: 5 },
    drift: { weight: 10, zeroAbovePct: 5 },
    trackCompleteness: { weight: 15, zeroBelowPct: 70 },
    dataQualified: { weight: 15, zeroBelowPct: 80 },
    speeding: { weight: 20 },
    fatigue: { weight: 20 },
    inspectionResponse: { weight: 10 },
  },
  platform: {
    networkAccess: { weight: 5, zeroBelowPct: 90 },
    online: { weight: 10 },
    drift: { weight: 15, zeroAbovePct: 5 },
    trackCompleteness: { weight: 40, zeroBelowPct: 70 },
    dataQualified: { weight: 30, zeroBelowPct: 80 },
  },
  handlingRateListBelowPct: 90,
};

export type AssessmentConfigPatch = ConfigPatch<AssessmentConfig>;

/** A region's override, checked against the table (a misspelt key is an error, not a silent default). */
export const assessmentConfigPatchIssues = (patch: unknown): string[] => {
  const issues = configPatchIssues(DEFAULT_ASSESSMENT_CONFIG, patch);
  if (issues.length > 0) return issues;
  const merged = mergeConfigPatch<AssessmentConfig>(DEFAULT_ASSESSMENT_CONFIG, patch as AssessmentConfigPatch);
  const groups: Record<string, Record<string, RateIndicatorConfig>> = { enterprise: { ...merged.enterprise }, platform: { ...merged.platform } };
  for (const [group, indicators] of Object.entries(groups)) {
    for (const [name, indicator] of Object.entries(indicators)) {
      if (!(indicator.weight >= 0)) issues.push(`${group}.${name}.weight: must be ≥ 0`);
      for (const key of ['zeroBelowPct', 'zeroAbovePct'] as const) {
        const pct = indicator[key];
        if (pct !== undefined && !(pct >= 0 && pct <= 100)) issues.push(`${group}.${name}.${key}: must be within 0–100`);
      }
    }
  }
  if (!(merged.handlingRateListBelowPct >= 0 && merged.handlingRateListBelowPct <= 100)) issues.push('handlingRateListBelowPct: must be within 0–100');
  return issues;
};

/** The region's configuration: the 2016 table with the region's override applied. */
export const assessmentConfigFor = (patch: AssessmentConfigPatch | undefined): AssessmentConfig =>
  mergeConfigPatch<AssessmentConfig>(DEFAULT_ASSESSMENT_CONFIG, patch);

/** The table a region scores with: the override of the longest region prefix it falls under, else the defaults. */
export const assessmentConfigForRegion = (
  overrides: readonly { regionCode: string; configPatch: AssessmentConfigPatch }[],
  regionCode: string | undefined,
): AssessmentConfig => {
  const code = regionCode ?? '';
  const match = overrides.filter((o) => code.startsWith(o.regionCode)).sort((a, b) => b.regionCode.length - a.regionCode.length)[0];
  return assessmentConfigFor(match?.configPatch);
};
