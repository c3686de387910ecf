import { describe, expect, it } from 'vitest';
import { assessOverload, isOverloadViolation } from '../overload/overload-assessment.rule';
import { DEFAULT_OVERLOAD_CONFIG } from '../overload/overload.config';
import { tractor, wim } from '../overload/wim.fixture';
import { driverPenalty } from './driver-penalty.rule';
import { DEFAULT_PENALTY_CONFIG } from './penalties.config';

const config = DEFAULT_PENALTY_CONFIG;

describe('driver points and fine (RULES.md §5, §8: < 30% → 1, ≥ 30% → 3, ≥ 50% → 6; ¥200–500, > 30% ¥500–2,000)', () => {
  // Registered 最大允许总质量 38,000 kg; class 5 → confirmed = 0.95 × measured.
  const onRegistered38t = (measuredKg: number) => {
    const m = wim({ grossKg: measuredKg, axleCount: 6, accuracyClassPct: 5 });
    const vehicle = tractor({ registeredMaxGrossKg: 38_000 });
    const a = assessOverload(m, vehicle, DEFAULT_OVERLOAD_CONFIG);
    if (!isOverloadViolation(a)) throw new Error('expected a violation');
    return driverPenalty({ confirmedGrossKg: a.confirmedGrossKg, limitKg: a.limit.limitKg, registeredMaxGrossKg: 38_000 }, config);
  };

  it('measured 51,999 kg → confirmed 49,399.05, (49,399.05 − 38,000)/38,000 = 29.997% → 1 point, ¥200–500', () => {
    expect(onRegistered38t(51_999)).toMatchObject({ massBasis: 'registered_max_gross', massKg: 38_000, points: 1, fine: { minYuan: 200, maxYuan: 500 } });
  });

  it('measured 52,000 kg → confirmed 49,400 = 38,000 × 1.3: exactly 30% → 3 points; fine stays ¥200–500 (> 30% needed)', () => {
    const p = onRegistered38t(52_000);
    expect(p.ratio).toBe(0.3);
    expect(p).toMatchObject({ points: 3, fine: { minYuan: 200, maxYuan: 500 } });
  });

  it('measured 52,001 kg → just above 30% → 3 points, ¥500–2,000', () => {
    expect(onRegistered38t(52_001)).toMatchObject({ points: 3, fine: { minYuan: 500, maxYuan: 2_000 } });
  });

  it('measured 59,999 kg → 49.997% → 3 points; 60,000 kg → confirmed 57,000 = exactly 50% → 6 points, ¥500–2,000', () => {
    expect(onRegistered38t(59_999).points).toBe(3);
    const p = onRegistered38t(60_000);
    expect(p.ratio).toBe(0.5);
    expect(p).toMatchObject({ points: 6, fine: { minYuan: 500, maxYuan: 2_000 } });
  });

  it('the basis states the same figures in Chinese (shown by default) and in English', () => {
    const p = onRegistered38t(60_000);
    expect(p.basis).toBe('(57000 − 38000) / 38000 = 50.00%，超过行驶证最大允许总质量38000 kg：记6分（记分办法），罚款¥500–2000（道交法 第92条）');
    expect(p.basisEn).toBe(
      '(57000 − 38000) / 38000 = 50.00% over registered maximum gross mass (行驶证) 38000 kg: 6 points (记分办法), fine ¥500–2000 (道交法 第92条)',
    );
  });

  it('without a registered mass the ratio is taken on the limit: confirmed 49,001.8 on 49,000 → 1 point', () => {
    expect(driverPenalty({ confirmedGrossKg: 49_001.8, limitKg: 49_000 }, config)).toMatchObject({
      massBasis: 'limit',
      points: 1,
      fine: { minYuan: 200, maxYuan: 500 },
    });
  });

  it('confirmed gross not over the registered mass (ratio ≤ 0) → neither points nor fine', () => {
    expect(driverPenalty({ confirmedGrossKg: 49_000, limitKg: 46_000, registeredMaxGrossKg: 49_000 }, config)).toMatchObject({
      ratio: 0,
      points: null,
      fine: null,
      basis: '确认总质量49000 kg未超过行驶证最大允许总质量49000 kg：不记分，不罚款',
      basisEn: 'confirmed 49000 kg not over registered maximum gross mass (行驶证) 49000 kg: no points, no fine',
    });
  });

  it('a registered mass below the limit gives points even on a dimensions-only case', () => {
    expect(driverPenalty({ confirmedGrossKg: 40_000, limitKg: 49_000, registeredMaxGrossKg: 35_000 }, config)).toMatchObject({ points: 1 });
  });
});
