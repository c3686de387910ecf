import { describe, expect, it } from 'vitest';
import { assessmentConfigForRegion } from './assessment-config';
import { rankCompanies, type RankableScore } from './assessment-ranking';

const score = (companyId: string, totalScore: number | undefined, handlingRatePct?: number): RankableScore => ({
  companyId,
  companyName: `公司${companyId}`,
  assessed: totalScore !== undefined,
  totalScore,
  handlingRatePct,
  handlingLinePct: 90,
});

describe('rankCompanies', () => {
  it('ranks best first, ties share a rank and are listed by id', () => {
    const { ranking } = rankCompanies([score('c', 80), score('b', 95.5), score('a', 80), score('d', 70)]);
    expect(ranking.map((r) => [r.rank, r.companyId])).toEqual([
      [1, 'b'],
      [2, 'a'],
      [2, 'c'],
      [4, 'd'],
    ]);
  });
  it('lists 处理率 strictly below the line, lowest first: 90.00 % is not below 90 %', () => {
    const { handlingBelowLine } = rankCompanies([score('a', 90, 90), score('b', 90, 89.99), score('c', 90, 10), score('d', 90)]);
    expect(handlingBelowLine.map((r) => [r.companyId, r.handlingRatePct])).toEqual([
      ['c', 10],
      ['b', 89.99],
    ]);
  });
  it('puts companies not assessed aside, out of the ranking (their 处理率 still listed)', () => {
    const result = rankCompanies([score('a', undefined, 50), score('b', 60)]);
    expect(result.ranking.map((r) => r.companyId)).toEqual(['b']);
    expect(result.notAssessed).toEqual([{ companyId: 'a', companyName: '公司a' }]);
    expect(result.handlingBelowLine.map((r) => r.companyId)).toEqual(['a']);
  });
});

describe('assessmentConfigForRegion', () => {
  it('takes the longest prefix the region falls under, else the defaults', () => {
    const overrides = [
      { regionCode: '11', configPatch: { handlingRateListBelowPct: 85 } },
      { regionCode: '1101', configPatch: { handlingRateListBelowPct: 95 } },
    ];
    expect(assessmentConfigForRegion(overrides, '110105').handlingRateListBelowPct).toBe(95);
    expect(assessmentConfigForRegion(overrides, '110200').handlingRateListBelowPct).toBe(85);
    expect(assessmentConfigForRegion(overrides, '120101').handlingRateListBelowPct).toBe(90);
    expect(assessmentConfigForRegion(overrides, undefined).handlingRateListBelowPct).toBe(90);
  });
});
