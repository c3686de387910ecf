import { describe, expect, it } from 'vitest';
import { ratePct, roundHalfUp2 } from './percent';

describe('roundHalfUp2 (RULES §15: half up, 2 decimals)', () => {
  it('rounds .005 up, though the double below it is what 1.005 holds', () => {
    expect(roundHalfUp2(1.005)).toBe(1.01);
    expect(roundHalfUp2(2.675)).toBe(2.68);
    expect(roundHalfUp2(0.125)).toBe(0.13);
  });
  it('rounds below .005 down and keeps exact values', () => {
    expect(roundHalfUp2(1.0049)).toBe(1);
    expect(roundHalfUp2(90)).toBe(90);
    expect(roundHalfUp2(0)).toBe(0);
  });
  it('rounds a negative value away from zero at .005 (symmetrically)', () => {
    expect(roundHalfUp2(-1.005)).toBe(-1.01);
  });
  it('refuses what is not a number', () => {
    expect(() => roundHalfUp2(Number.NaN)).toThrow(RangeError);
    expect(() => roundHalfUp2(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('ratePct', () => {
  it('gives the percentage with 2 decimals half up', () => {
    expect(ratePct(9, 10)).toBe(90);
    expect(ratePct(2, 3)).toBe(66.67);
    expect(ratePct(1, 8)).toBe(12.5);
    // 1/16 = 6.25 %, 1/1600 = 0.0625 % → 0.06; 1/800 = 0.125 % → 0.13 (half up)
    expect(ratePct(1, 1600)).toBe(0.06);
    expect(ratePct(1, 800)).toBe(0.13);
  });
  it('is not assessed (undefined) with a zero denominator', () => {
    expect(ratePct(0, 0)).toBeUndefined();
  });
});
