import { describe, expect, it } from 'vitest';
import type { KeySupervisionDensityRow } from '@roadwatch/contracts';
import { BASE_FILL, DENSITY_BUCKETS, densityBucket, densityFillExpression, densityLegend, listingsByRegion } from './region-density';

const row = (regionCode: string, level: KeySupervisionDensityRow['level'], vehicles: number, companies = 0): KeySupervisionDensityRow => ({
  regionCode,
  level,
  vehicles,
  companies,
});

describe('densityBucket', () => {
  it('puts each count in the bucket whose lower bound it reaches, none below the first', () => {
    expect([0, 1, 2, 3, 9, 10, 29, 30, 5_000].map(densityBucket)).toEqual([-1, 0, 0, 1, 1, 2, 2, 3, 3]);
  });
});

describe('listingsByRegion', () => {
  it('adds vehicles and companies, keeps one level, and sums a code that comes twice', () => {
    const rows = [row('440000', 'province', 4, 1), row('440100', 'prefecture', 2, 1), row('440100', 'prefecture', 0, 2), row('110000', 'province', 0, 0)];
    expect([...listingsByRegion(rows, 'prefecture')]).toEqual([['440100', 5]]);
    expect([...listingsByRegion(rows, 'province')]).toEqual([
      ['440000', 5],
      ['110000', 0],
    ]);
  });
});

describe('densityFillExpression', () => {
  it('is the plain base colour without rows, and when every region counts zero', () => {
    expect(densityFillExpression([], 'province')).toBe(BASE_FILL);
    expect(densityFillExpression([row('440000', 'province', 0, 0)], 'province')).toBe(BASE_FILL);
    // Rows of the other level do not colour this one.
    expect(densityFillExpression([row('440100', 'prefecture', 40)], 'province')).toBe(BASE_FILL);
  });

  it('matches each feature’s densityCode to its bucket’s colour, the base colour otherwise', () => {
    const rows = [row('440000', 'province', 40), row('110000', 'province', 1, 1), row('130000', 'province', 0, 1), row('320000', 'province', 9, 1)];
    expect(densityFillExpression(rows, 'province')).toEqual([
      'match',
      ['get', 'densityCode'],
      ['110000', '130000'],
      DENSITY_BUCKETS[0]!.colour,
      ['320000'],
      DENSITY_BUCKETS[2]!.colour,
      ['440000'],
      DENSITY_BUCKETS[3]!.colour,
      BASE_FILL,
    ]);
  });

  it('does not depend on the order of the rows', () => {
    const rows = [row('440100', 'prefecture', 3), row('110100', 'prefecture', 12), row('440300', 'prefecture', 4), row('650100', 'prefecture', 1)];
    expect(densityFillExpression([...rows].reverse(), 'prefecture')).toEqual(densityFillExpression(rows, 'prefecture'));
  });
});

describe('densityLegend', () => {
  it('has the base colour for none, then each bucket with its range of listings', () => {
    expect(densityLegend()).toEqual([
      { colour: BASE_FILL, range: '0' },
      { colour: DENSITY_BUCKETS[0]!.colour, range: '1–2' },
      { colour: DENSITY_BUCKETS[1]!.colour, range: '3–9' },
      { colour: DENSITY_BUCKETS[2]!.colour, range: '10–29' },
      { colour: DENSITY_BUCKETS[3]!.colour, range: '≥30' },
    ]);
  });
});
