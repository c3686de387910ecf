import { describe, expect, it } from 'vitest';
import type { DimensionExcess } from '../overload/overload-assessment.rule';
import { DEFAULT_PENALTY_CONFIG, resolvePenaltyConfig } from './penalties.config';
import { dimensionFine, vehicleOwnerPenalty, weightFine } from './vehicle-owner-fine.rule';

const config = DEFAULT_PENALTY_CONFIG;
const height = (valueM: number): DimensionExcess => ({ dimension: 'height', valueM, limitM: 4 });
const width = (valueM: number): DimensionExcess => ({ dimension: 'width', valueM, limitM: 2.55 });
const length = (valueM: number): DimensionExcess => ({ dimension: 'length', valueM, limitM: 18.1 });

describe('vehicle / owner weight fine (RULES.md §5, §8: ≤ 1,000 kg warning, ¥500 per started 1,000 kg, max ¥30,000)', () => {
  it('excess exactly 1,000 kg → warning, no fine', () => {
    expect(weightFine(1_000, config)).toMatchObject({
      warning: true,
      fineYuan: 0,
      tonnes: 0,
      basis: '超限1000 kg ≤ 1000 kg：警告（超限规定 第43条）',
      basisEn: 'excess 1000 kg ≤ 1000 kg: warning (超限规定 第43条)',
    });
  });

  it('excess 1,001 kg → 2 started tonnes → ¥1,000', () => {
    expect(weightFine(1_001, config)).toMatchObject({ warning: false, tonnes: 2, fineYuan: 1_000 });
  });

  it('excess 2,000 kg → 2 tonnes → ¥1,000; 2,001 kg → 3 → ¥1,500', () => {
    expect(weightFine(2_000, config)).toMatchObject({ tonnes: 2, fineYuan: 1_000 });
    expect(weightFine(2_001, config)).toMatchObject({ tonnes: 3, fineYuan: 1_500 });
  });

  it('excess 1,001.8 kg (float arithmetic upstream) → 2 started tonnes → ¥1,000', () => {
    expect(weightFine(1_001.8, config).fineYuan).toBe(1_000);
  });

  it('fine cap ¥30,000: 60,000 kg over → 60 t × ¥500 = ¥30,000; 60,001 kg → still ¥30,000', () => {
    expect(weightFine(60_000, config)).toMatchObject({ tonnes: 60, fineYuan: 30_000 });
    expect(weightFine(60_001, config)).toMatchObject({
      tonnes: 61,
      fineYuan: 30_000,
      basis: '超限60001 kg，罚款 61 × 1000 kg（不足1000 kg按1000 kg计）× ¥500，以¥30000为限（超限规定 第43条；公路安全保护条例 第64条）',
      basisEn: 'excess 60001 kg → 61 started × 1000 kg × ¥500, capped at ¥30000 (超限规定 第43条; 公路安全保护条例 第64条)',
    });
    expect(weightFine(59_000, config).fineYuan).toBe(29_500);
  });

  it('part tonnes round down when a region configures it: 1,999 kg → ¥500', () => {
    const regional = resolvePenaltyConfig({ vehicleOwner: { partTonne: 'round_down' } });
    expect(weightFine(1_999, regional)).toMatchObject({ tonnes: 1, fineYuan: 500 });
  });
});

describe('vehicle / owner dimension fine (RULES.md §5 超限规定 第43条(一); §8: one band, the lowest whose three bounds all hold)', () => {
  it('height 4.2 m (width, length within) → band 1: up to ¥200, proposed ¥200', () => {
    expect(dimensionFine({ heightM: 4.2, widthM: 2.5, lengthM: 18 }, [height(4.2)], config)).toMatchObject({
      band: 1,
      minYuan: 0,
      maxYuan: 200,
      proposedYuan: 200,
    });
  });

  it('height 4.21 m → band 2: ¥200–1,000, proposed ¥1,000', () => {
    expect(dimensionFine({ heightM: 4.21 }, [height(4.21)], config)).toMatchObject({ band: 2, minYuan: 200, maxYuan: 1_000, proposedYuan: 1_000 });
  });

  it('height 4.5 m, width 3.75 m, length 28 m → band 2', () => {
    expect(dimensionFine({ heightM: 4.5, widthM: 3.75, lengthM: 28 }, [height(4.5), width(3.75), length(28)], config)?.band).toBe(2);
  });

  it('length 28.1 m → band 3: ¥1,000–3,000, proposed ¥3,000', () => {
    expect(dimensionFine({ lengthM: 28.1 }, [length(28.1)], config)).toMatchObject({ band: 3, minYuan: 1_000, maxYuan: 3_000, proposedYuan: 3_000 });
  });

  it('the case takes one band, set by its worst dimension: height 4.1 m with width 3.1 m → band 2, not band 1 + band 2', () => {
    expect(dimensionFine({ heightM: 4.1, widthM: 3.1 }, [height(4.1), width(3.1)], config)).toMatchObject({
      band: 2,
      proposedYuan: 1_000,
      basis: '车货总高 4.1 m > 4 m，车货总宽 3.1 m > 2.55 m；第2档 罚款¥200–1000（超限规定 第43条(一)）',
      basisEn: 'height 4.1 m > 4 m, width 3.1 m > 2.55 m; band 2, fine ¥200–1000 (超限规定 第43条(一))',
    });
  });

  it('no dimension over → no dimension fine', () => {
    expect(dimensionFine({ heightM: 3.9 }, [], config)).toBeNull();
  });
});

describe('vehicle / owner case total: weight + dimension under one ¥30,000 cap', () => {
  it('warning on weight and nothing over on dimensions → outcome warning', () => {
    expect(vehicleOwnerPenalty({ overWeight: true, excessKg: 1_000, dimensionsM: {}, overDimensions: [] }, config)).toMatchObject({
      outcome: 'warning',
      proposedYuan: 0,
      range: { minYuan: 0, maxYuan: 0 },
    });
  });

  it('weight warning + dimension band 2 → a fine: range ¥200–1,000, proposed ¥1,000', () => {
    expect(vehicleOwnerPenalty({ overWeight: true, excessKg: 800, dimensionsM: { heightM: 4.3 }, overDimensions: [height(4.3)] }, config)).toMatchObject({
      outcome: 'fine',
      range: { minYuan: 200, maxYuan: 1_000 },
      proposedYuan: 1_000,
    });
  });

  it('59,000 kg over (¥29,500) + band 3 (¥1,000–3,000) → range ¥30,000–30,000, proposed ¥30,000, capped', () => {
    const p = vehicleOwnerPenalty({ overWeight: true, excessKg: 59_000, dimensionsM: { lengthM: 29 }, overDimensions: [length(29)] }, config);
    expect(p).toMatchObject({ range: { minYuan: 30_000, maxYuan: 30_000 }, proposedYuan: 30_000, capped: true });
  });

  it('10,000 kg over (¥5,000) + band 1 → range ¥5,000–5,200, proposed ¥5,200, not capped', () => {
    const p = vehicleOwnerPenalty({ overWeight: true, excessKg: 10_000, dimensionsM: { heightM: 4.1 }, overDimensions: [height(4.1)] }, config);
    expect(p).toMatchObject({ range: { minYuan: 5_000, maxYuan: 5_200 }, proposedYuan: 5_200, capped: false });
  });

  it('dimensions only (not over weight) → the dimension fine alone', () => {
    const p = vehicleOwnerPenalty({ overWeight: false, excessKg: 0, dimensionsM: { widthM: 2.6 }, overDimensions: [width(2.6)] }, config);
    expect(p).toMatchObject({ weight: null, outcome: 'fine', proposedYuan: 200, range: { minYuan: 0, maxYuan: 200 } });
  });
});
