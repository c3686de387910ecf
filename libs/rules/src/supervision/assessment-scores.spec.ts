import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSESSMENT_CONFIG, assessmentConfigFor, assessmentConfigPatchIssues } from './assessment-config';
import { averageIndicator, regionalTotalsOf, scoreEnterprise, scorePlatform, type AssessmentFacts, type IndicatorScore } from './assessment-scores';

const HOUR_MS = 3_600_000;
const config = DEFAULT_ASSESSMENT_CONFIG;

/** A company where every rate is 100 % and nothing happened. */
const perfect = (overrides: Partial<AssessmentFacts> = {}): AssessmentFacts => ({
  operatingVehicles: 100,
  networkedVehicles: 100,
  onlineVehicles: 100,
  driftVehicles: 0,
  receivedRecords: 10_000,
  validRecords: 10_000,
  trackM: 1_000_000,
  completeTrackM: 1_000_000,
  speedingEpisodes: 0,
  fatigueOverLimitMs: 0,
  inspectionsSent: 10,
  inspectionsAnsweredInTime: 10,
  ...overrides,
});
const noRegion = { onlineVehicles: 100, speedingEpisodes: 0, fatigueOverLimitMs: 0 };
const indicator = (indicators: IndicatorScore[], code: IndicatorScore['code']): IndicatorScore => {
  const found = indicators.find((i) => i.code === code);
  if (!found) throw new Error(`no ${code}`);
  return found;
};

describe('scoreEnterprise — the rate indicators at their lines (RULES §10, §15)', () => {
  it('full marks everywhere make 100', () => {
    const result = scoreEnterprise(perfect(), noRegion, config);
    expect(result).toMatchObject({ assessed: true, totalScore: 100, anyIndicatorZero: false });
    expect(result.indicators.map((i) => i.code)).toEqual([
      'network_access',
      'online',
      'drift',
      'track_completeness',
      'data_qualified',
      'speeding',
      'fatigue',
      'inspection_response',
    ]);
  });
  it('入网率 90.00 % exactly is not below 90 % (4.5 points); 89.99 % scores 0', () => {
    const at = indicator(
      scoreEnterprise(perfect({ operatingVehicles: 100, networkedVehicles: 90, onlineVehicles: 90 }), noRegion, config).indicators,
      'network_access',
    );
    expect(at).toMatchObject({ value: 90, score: 4.5, thresholdHit: false, outcome: 'weighted', thresholdPct: 90 });
    const below = scoreEnterprise(perfect({ operatingVehicles: 10_000, networkedVehicles: 8_999, onlineVehicles: 8_999 }), noRegion, config);
    expect(indicator(below.indicators, 'network_access')).toMatchObject({ value: 89.99, score: 0, thresholdHit: true, outcome: 'below_threshold' });
    expect(below.anyIndicatorZero).toBe(true);
  });
  it('a rate that rounds to 90.00 % is not below it (compared as the rounded percentage)', () => {
    // 89.995 % → 90.00 % shown, so not below 90 %
    const result = scoreEnterprise(perfect({ operatingVehicles: 200_000, networkedVehicles: 179_990, onlineVehicles: 179_990 }), noRegion, config);
    expect(indicator(result.indicators, 'network_access')).toMatchObject({ value: 90, thresholdHit: false, score: 4.5 });
  });
  it('漂移车辆率 5.00 % exactly is not above 5 % (9.5 points); 5.01 % scores 0', () => {
    expect(indicator(scoreEnterprise(perfect({ driftVehicles: 5 }), noRegion, config).indicators, 'drift')).toMatchObject({ value: 5, score: 9.5 });
    const above = indicator(
      scoreEnterprise(perfect({ onlineVehicles: 10_000, networkedVehicles: 10_000, operatingVehicles: 10_000, driftVehicles: 501 }), noRegion, config)
        .indicators,
      'drift',
    );
    expect(above).toMatchObject({ value: 5.01, score: 0, outcome: 'above_threshold', thresholdHit: true });
  });
  it('轨迹完整率 70 % and 数据合格率 80 % are on the line, not below', () => {
    const result = scoreEnterprise(perfect({ completeTrackM: 700_000, validRecords: 8_000 }), noRegion, config);
    expect(indicator(result.indicators, 'track_completeness')).toMatchObject({ value: 70, score: 10.5, thresholdHit: false });
    expect(indicator(result.indicators, 'data_qualified')).toMatchObject({ value: 80, score: 12, thresholdHit: false });
    const below = scoreEnterprise(perfect({ completeTrackM: 699_999, validRecords: 7_999 }), noRegion, config);
    expect(indicator(below.indicators, 'track_completeness')).toMatchObject({ value: 70, score: 10.5 });
    expect(indicator(below.indicators, 'data_qualified')).toMatchObject({ value: 79.99, score: 0, thresholdHit: true });
  });
  it('rounds an indicator score half up at .005 and totals the rounded scores', () => {
    // 上线率 = 1001 / 1002 → 5 × 0.999002 = 4.99501 → 5.00; 查岗 1 / 8 → 10 × 0.125 = 1.25
    const result = scoreEnterprise(
      perfect({ operatingVehicles: 1002, networkedVehicles: 1002, onlineVehicles: 1001, inspectionsSent: 8, inspectionsAnsweredInTime: 1 }),
      noRegion,
      config,
    );
    expect(indicator(result.indicators, 'online')).toMatchObject({ value: 99.9, score: 5 });
    expect(indicator(result.indicators, 'inspection_response')).toMatchObject({ value: 12.5, score: 1.25 });
    // 轨迹完整率 0.7667 → 15 × 0.76670 = 11.5005 → 11.50; half up exactly at 11.505: 15 × 0.767 = 11.505 → 11.51
    const halfUp = scoreEnterprise(perfect({ trackM: 1_000, completeTrackM: 767 }), noRegion, config);
    expect(indicator(halfUp.indicators, 'track_completeness')).toMatchObject({ value: 76.7, score: 11.51 });
    expect(result.totalScore).toBe(5 + 5 + 10 + 15 + 15 + 20 + 20 + 1.25);
  });
  it('a zero denominator is not assessed and gets full marks', () => {
    const result = scoreEnterprise(
      perfect({ inspectionsSent: 0, inspectionsAnsweredInTime: 0, receivedRecords: 0, validRecords: 0, trackM: 0, completeTrackM: 0 }),
      noRegion,
      config,
    );
    for (const code of ['inspection_response', 'data_qualified', 'track_completeness'] as const) {
      expect(indicator(result.indicators, code)).toMatchObject({
        assessed: false,
        outcome: 'not_assessed',
        score:
          config.enterprise[code === 'inspection_response' ? 'inspectionResponse' : code === 'data_qualified' ? 'dataQualified' : 'trackCompleteness'].weight,
      });
    }
    expect(result.totalScore).toBe(100);
  });
  it('no online vehicle: 上线率 0 (5 × 0), drift, speeding and fatigue not assessed with full marks', () => {
    const result = scoreEnterprise(perfect({ onlineVehicles: 0, driftVehicles: 0 }), { onlineVehicles: 0, speedingEpisodes: 0, fatigueOverLimitMs: 0 }, config);
    expect(indicator(result.indicators, 'online')).toMatchObject({ value: 0, score: 0, assessed: true });
    for (const code of ['drift', 'speeding', 'fatigue'] as const)
      expect(indicator(result.indicators, code)).toMatchObject({ assessed: false, outcome: 'not_assessed' });
    expect(result.anyIndicatorZero).toBe(true);
    expect(result.totalScore).toBe(95);
  });
  it('a company with no operating vehicles is not assessed: no total, no zero trigger', () => {
    const result = scoreEnterprise(perfect({ operatingVehicles: 0, networkedVehicles: 0, onlineVehicles: 0 }), noRegion, config);
    expect(result.assessed).toBe(false);
    expect(result.totalScore).toBeUndefined();
    expect(result.anyIndicatorZero).toBe(false);
  });
});

describe('E against the regional average R (平均车辆超速次数, 平均疲劳驾驶时长)', () => {
  const speeding = (episodes: number, online: number, regionEpisodes: number, regionOnline: number) =>
    averageIndicator('speeding', episodes, online, { numerator: regionEpisodes, onlineVehicles: regionOnline }, { weight: 20 });
  it('E = 0 with R > 0 is 20', () => expect(speeding(0, 10, 5, 20)).toMatchObject({ score: 20, outcome: 'at_or_below_average' }));
  it('E = R is 10 exactly', () =>
    expect(speeding(3, 10, 9, 30)).toMatchObject({ score: 10, value: 0.3, regionalAverage: 0.3, outcome: 'at_or_below_average' }));
  it('E = R in thirds, where floating point division is not exact, is still 10', () => expect(speeding(1, 3, 7, 21)).toMatchObject({ score: 10 }));
  it('E = 2R is 0 and hits the line', () =>
    expect(speeding(6, 10, 9, 30)).toMatchObject({ score: 0, outcome: 'at_or_above_double_average', thresholdHit: true }));
  it('E above 2R stays 0', () => expect(speeding(100, 10, 9, 30)).toMatchObject({ score: 0 }));
  it('R < E < 2R: 10 (2R − E)/R', () => {
    // R = 0.3, E = 0.45 → 10 × 0.15 / 0.3 = 5
    expect(speeding(9, 20, 9, 30)).toMatchObject({ score: 5, outcome: 'between_average_and_double' });
  });
  it('E < R: 10 + 10 (R − E)/R, rounded half up', () => {
    // R = 0.3, E = 0.1 → 10 + 10 × 0.2 / 0.3 = 16.666… → 16.67
    expect(speeding(1, 10, 9, 30)).toMatchObject({ score: 16.67 });
  });
  it('R = 0 gives 20 points', () => expect(speeding(0, 10, 0, 50)).toMatchObject({ score: 20, outcome: 'regional_average_zero', regionalAverage: 0 }));
  it('fatigue time in hours per online vehicle, exact at E = R even with milliseconds past 2^53 when multiplied', () => {
    const companyMs = 123_456_789_123;
    const result = averageIndicator('fatigue', companyMs, 100_000, { numerator: companyMs * 3, onlineVehicles: 300_000 }, { weight: 20 }, HOUR_MS);
    expect(result).toMatchObject({ score: 10, outcome: 'at_or_below_average' });
    const oneMsMore = averageIndicator('fatigue', companyMs + 1, 100_000, { numerator: companyMs * 3 + 1, onlineVehicles: 300_000 }, { weight: 20 }, HOUR_MS);
    expect(oneMsMore.outcome).toBe('between_average_and_double');
  });
});

describe('regionalTotalsOf (R = the region’s assessed companies’ total ÷ their online vehicles)', () => {
  it('sums the assessed companies of each region, the company included, and leaves out the not assessed', () => {
    const totals = regionalTotalsOf([
      { companyId: 'a', regionCode: '110101', facts: perfect({ onlineVehicles: 10, speedingEpisodes: 4, fatigueOverLimitMs: HOUR_MS }) },
      { companyId: 'b', regionCode: '110101', facts: perfect({ onlineVehicles: 30, speedingEpisodes: 2 }) },
      { companyId: 'c', regionCode: '110101', facts: perfect({ operatingVehicles: 0, onlineVehicles: 5, speedingEpisodes: 50 }) },
      { companyId: 'd', regionCode: '120101', facts: perfect({ onlineVehicles: 7, speedingEpisodes: 1 }) },
    ]);
    expect(totals.get('a')).toEqual({ onlineVehicles: 40, speedingEpisodes: 6, fatigueOverLimitMs: HOUR_MS });
    expect(totals.get('c')).toEqual(totals.get('a'));
    expect(totals.get('d')).toEqual({ onlineVehicles: 7, speedingEpisodes: 1, fatigueOverLimitMs: 0 });
  });
});

describe('scorePlatform — the authority platform column', () => {
  it('weights 5, 10, 15, 40, 30 and the same lines', () => {
    const result = scorePlatform(perfect({ driftVehicles: 5, completeTrackM: 700_000, validRecords: 8_000 }), config);
    expect(result.indicators.map((i) => [i.code, i.score])).toEqual([
      ['network_access', 5],
      ['online', 10],
      ['drift', 14.25],
      ['track_completeness', 28],
      ['data_qualified', 24],
    ]);
    expect(result.totalScore).toBe(81.25);
  });
  it('a region without operating vehicles is not assessed', () => {
    const result = scorePlatform(perfect({ operatingVehicles: 0 }), config);
    expect(result.assessed).toBe(false);
    expect(result.totalScore).toBeUndefined();
  });
});

describe('a region’s override of the table', () => {
  it('changes the weights and lines it names and keeps the rest', () => {
    const patched = assessmentConfigFor({ enterprise: { networkAccess: { zeroBelowPct: 95 } } });
    expect(patched.enterprise.networkAccess).toEqual({ weight: 5, zeroBelowPct: 95 });
    expect(patched.platform).toEqual(DEFAULT_ASSESSMENT_CONFIG.platform);
    const result = scoreEnterprise(perfect({ networkedVehicles: 94, onlineVehicles: 94 }), noRegion, patched);
    expect(indicator(result.indicators, 'network_access')).toMatchObject({ score: 0, thresholdPct: 95 });
  });
  it('names a misspelt key, a wrong type and an impossible line', () => {
    expect(assessmentConfigPatchIssues({ enterprise: { netAccess: { weight: 5 } } })[0]).toMatch(/enterprise\.netAccess: not a setting/);
    expect(assessmentConfigPatchIssues({ enterprise: { online: { weight: '5' } } })[0]).toMatch(/enterprise\.online\.weight: expected a number/);
    expect(assessmentConfigPatchIssues({ platform: { drift: { zeroAbovePct: 120 } } })).toEqual(['platform.drift.zeroAbovePct: must be within 0–100']);
    expect(assessmentConfigPatchIssues({ enterprise: { online: { weight: -1 } } })).toEqual(['enterprise.online.weight: must be ≥ 0']);
    expect(assessmentConfigPatchIssues('x')).toEqual(['(root): expected an object']);
    expect(assessmentConfigPatchIssues({})).toEqual([]);
  });
});
