import { describe, expect, it } from 'vitest';
import { handlingBelowFloor, rankNoticeScores, type NoticeScore } from './notice-ranking';

const s = (companyId: string, totalScore: number | undefined, handlingRatePct?: number, assessed = totalScore !== undefined): NoticeScore => ({
  companyId,
  assessed,
  totalScore,
  handlingRatePct,
});

describe('handlingBelowFloor (§9: below 90 %, strict, on 2 decimals)', () => {
  it.each([
    [89.99, true],
    [90, false],
    [90.0, false],
    [89.995, false], // rounds to 90.00 on hundredths: not below
    [89.994, true],
    [0, true],
    [100, false],
  ])('%s %% → %s', (pct, below) => expect(handlingBelowFloor(pct)).toBe(below));

  it('nothing due (not assessed) or no figure is never marked', () => {
    expect(handlingBelowFloor(undefined)).toBe(false);
    expect(handlingBelowFloor(Number.NaN)).toBe(false);
  });
});

describe('rankNoticeScores', () => {
  it('ranks by total score, highest first; ties share a rank and the next skips; ties ordered by id', () => {
    const ranked = rankNoticeScores([s('C3', 85.1), s('C1', 92.5), s('C4', 85.1), s('C2', 85.10000001), s('C5', 60)]);
    expect(ranked.map((r) => [r.score.companyId, r.rank])).toEqual([
      ['C1', 1],
      ['C2', 2],
      ['C3', 2],
      ['C4', 2],
      ['C5', 5],
    ]);
  });

  it('puts companies not assessed last, unranked, whatever their stored score', () => {
    const ranked = rankNoticeScores([s('C9', undefined), s('C1', 50), s('C0', 99, undefined, false), s('C2', 70)]);
    expect(ranked.map((r) => [r.score.companyId, r.rank])).toEqual([
      ['C2', 1],
      ['C1', 2],
      ['C0', undefined],
      ['C9', undefined],
    ]);
  });

  it('marks a 处理率 below 90 % without changing the ranking (it costs no points)', () => {
    const ranked = rankNoticeScores([s('A', 95, 80), s('B', 90, 90), s('C', 80, 89.99), s('D', 70)]);
    expect(ranked.map((r) => [r.score.companyId, r.rank, r.handlingBelowFloor])).toEqual([
      ['A', 1, true],
      ['B', 2, false],
      ['C', 3, true],
      ['D', 4, false],
    ]);
  });

  it('an empty month is an empty ranking; the input is left as it was', () => {
    expect(rankNoticeScores([])).toEqual([]);
    const input = [s('B', 1), s('A', 2)];
    rankNoticeScores(input);
    expect(input.map((x) => x.companyId)).toEqual(['B', 'A']);
  });
});
