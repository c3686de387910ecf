import { describe, expect, it } from 'vitest';
import { assessmentConfigForRegion } from './assessment-config';
import { companyRanking, handlingBelowLine, rankScores, type NamedRankableScore, type RankableScore } from './assessment-ranking';

const s = (companyId: string, totalScore: number | undefined, handlingRatePct?: number, assessed = totalScore !== undefined): RankableScore => ({
  companyId,
  assessed,
  totalScore,
  handlingRatePct,
});

const named = (companyId: string, totalScore: number | undefined, handlingRatePct?: number, handlingLinePct = 90): NamedRankableScore => ({
  ...s(companyId, totalScore, handlingRatePct),
  companyName: `公司${companyId}`,
  handlingLinePct,
});

describe('handlingBelowLine (§9: below 90 %, strict, on 2 decimals)', () => {
  it.each([
    [89.99, true],
    [90, false],
    [90.0, false],
    [89.995, false], // rounds half up to 90.00: not below
    [89.994, true],
    [0, true],
    [100, false],
  ])('%s %% → %s', (pct, below) => expect(handlingBelowLine(pct)).toBe(below));

  it('nothing due (not assessed) or no figure is never marked', () => {
    expect(handlingBelowLine(undefined)).toBe(false);
    expect(handlingBelowLine(Number.NaN)).toBe(false);
  });

  it("takes a region's own line, strict on it too", () => {
    expect(handlingBelowLine(85, 80)).toBe(false);
    expect(handlingBelowLine(79.99, 80)).toBe(true);
    expect(handlingBelowLine(80, 80)).toBe(false);
    expect(handlingBelowLine(92, 95)).toBe(true);
  });
});

describe('rankScores (the 通报 and the 考核 ranking)', () => {
  it('ranks by total score, highest first; ties on 2 decimals share a rank and the next skips; ties ordered by id', () => {
    const ranked = rankScores([s('C3', 85.1), s('C1', 92.5), s('C4', 85.1), s('C2', 85.10000001), s('C5', 60)]);
    expect(ranked.map((r) => [r.score.companyId, r.rank])).toEqual([
      ['C1', 1],
      ['C2', 2],
      ['C3', 2],
      ['C4', 2],
      ['C5', 5],
    ]);
  });

  it('orders ties by the ids’ code units, whatever the locale (upper case before lower case)', () => {
    expect(rankScores([s('a', 80), s('B', 80), s('Ä', 80)]).map((r) => r.score.companyId)).toEqual(['B', 'a', 'Ä']);
  });

  it('puts companies not assessed last, unranked, whatever their stored score', () => {
    const ranked = rankScores([s('C9', undefined), s('C1', 50), s('C0', 99, undefined, false), s('C2', 70), s('C8', Number.NaN, undefined, true)]);
    expect(ranked.map((r) => [r.score.companyId, r.rank])).toEqual([
      ['C2', 1],
      ['C1', 2],
      ['C0', undefined],
      ['C8', undefined],
      ['C9', undefined],
    ]);
  });

  it('marks a 处理率 below its line without changing the ranking (it costs no points)', () => {
    const ranked = rankScores([s('A', 95, 80), s('B', 90, 90), s('C', 80, 89.99), s('D', 70), { ...s('E', 60, 85), handlingLinePct: 80 }]);
    expect(ranked.map((r) => [r.score.companyId, r.rank, r.handlingBelowLine])).toEqual([
      ['A', 1, true],
      ['B', 2, false],
      ['C', 3, true],
      ['D', 4, false],
      ['E', 5, false],
    ]);
  });

  it('an empty month is an empty ranking; the input is left as it was', () => {
    expect(rankScores([])).toEqual([]);
    const input = [s('B', 1), s('A', 2)];
    rankScores(input);
    expect(input.map((x) => x.companyId)).toEqual(['B', 'A']);
  });
});

describe('companyRanking (the 考核 ranking’s view)', () => {
  it('ranks best first, ties share a rank and are listed by id', () => {
    const { ranking } = companyRanking([named('c', 80), named('b', 95.5), named('a', 80), named('d', 70)]);
    expect(ranking.map((r) => [r.rank, r.companyId])).toEqual([
      [1, 'b'],
      [2, 'a'],
      [2, 'c'],
      [4, 'd'],
    ]);
  });

  it('compares totals on 2 decimals as the 通报 does: 85.1 and 85.10000001 tie', () => {
    const { ranking } = companyRanking([named('b', 85.10000001), named('a', 85.1)]);
    expect(ranking.map((r) => [r.rank, r.companyId])).toEqual([
      [1, 'a'],
      [1, 'b'],
    ]);
  });

  it('lists 处理率 strictly below each company’s line, lowest first: 90.00 % is not below 90 %', () => {
    const { handlingBelowLine: below } = companyRanking([
      named('a', 90, 90),
      named('b', 90, 89.99),
      named('c', 90, 10),
      named('d', 90),
      named('e', 90, 85, 80),
      named('f', 90, 92, 95),
    ]);
    expect(below.map((r) => [r.companyId, r.handlingRatePct, r.linePct])).toEqual([
      ['c', 10, 90],
      ['b', 89.99, 90],
      ['f', 92, 95],
    ]);
  });

  it('puts companies not assessed aside, out of the ranking (their 处理率 still listed)', () => {
    const result = companyRanking([named('a', undefined, 50), named('b', 60)]);
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
