import { alertV1, overloadViolationV1 } from '@roadwatch/contracts';
import { describe, expect, it } from 'vitest';
import { assessOverload, isOverloadViolation, type OverloadAssessment, type ScoredAssessment } from './overload-assessment.rule';
import { DEFAULT_OVERLOAD_CONFIG, resolveOverloadConfig, withStationAccuracyClasses } from './overload.config';
import { toOverloadAlertV1, toOverloadViolationV1 } from './overload-violation.mapper';
import { tractor, wim } from './wim.fixture';

const config = DEFAULT_OVERLOAD_CONFIG;

const scored = (a: OverloadAssessment): ScoredAssessment => {
  if (a.outcome === 'rejected') throw new Error(`rejected: ${a.reasons.map((r) => r.message).join('; ')}`);
  return a;
};
const sixAxles = (grossKg: number, accuracyClassPct?: number) =>
  wim({ grossKg, axleCount: 6, ...(accuracyClassPct !== undefined ? { accuracyClassPct } : {}) });

describe('overload assessment: confirmed gross = measured − accuracy class % of measured (RULES.md §8)', () => {
  it('49,000 kg measured on six axles, class 5: error 2,450, confirmed 46,550 ≤ 49,000 → compliant', () => {
    const a = scored(assessOverload(sixAxles(49_000, 5), tractor(), config));
    expect(a).toMatchObject({ outcome: 'compliant', maxPermissibleErrorKg: 2_450, confirmedGrossKg: 46_550, overWeight: false, excessKg: 0 });
    expect(a.limit.limitKg).toBe(49_000);
  });

  it('49,100 kg measured on six axles, class 5: error 2,455, confirmed 46,645 → compliant; raw ratio still shown', () => {
    const a = scored(assessOverload(sixAxles(49_100, 5), tractor(), config));
    expect(a).toMatchObject({ outcome: 'compliant', maxPermissibleErrorKg: 2_455, confirmedGrossKg: 46_645 });
    expect(a.rawRatio).toBeCloseTo(100 / 49_000, 12);
    expect(a.overloadRatio).toBeCloseTo((46_645 - 49_000) / 49_000, 12);
  });

  it('49,100 kg measured on six axles, class 2: error 982, confirmed 48,118 → compliant', () => {
    expect(scored(assessOverload(sixAxles(49_100, 2), tractor(), config))).toMatchObject({
      outcome: 'compliant',
      maxPermissibleErrorKg: 982,
      confirmedGrossKg: 48_118,
    });
  });

  it('49,000 kg measured, class 0.2: error 98, confirmed 48,902 → compliant', () => {
    expect(scored(assessOverload(sixAxles(49_000, 0.2), tractor(), config))).toMatchObject({ outcome: 'compliant', confirmedGrossKg: 48_902 });
  });

  it('49,100 kg measured, class 0.2: error 98.2, confirmed 49,001.8 > 49,000 → violation, excess 1.8 kg', () => {
    const a = scored(assessOverload(sixAxles(49_100, 0.2), tractor(), config));
    expect(a).toMatchObject({
      outcome: 'violation',
      maxPermissibleErrorKg: 98.2,
      confirmedGrossKg: 49_001.8,
      overWeight: true,
      excessKg: 1.8,
      severity: 'minor',
    });
    expect(a.isBaiDunWang).toBe(false);
  });

  it('class 5 on six axles first confirms at 51,579 kg measured (49,000 / 0.95 = 51,578.9); 51,578 kg does not', () => {
    expect(scored(assessOverload(sixAxles(51_578, 5), tractor(), config))).toMatchObject({ outcome: 'compliant', confirmedGrossKg: 48_999.1 });
    expect(scored(assessOverload(sixAxles(51_579, 5), tractor(), config))).toMatchObject({ outcome: 'violation', confirmedGrossKg: 49_000.05 });
  });

  it('no declared class → default 5%', () => {
    expect(scored(assessOverload(sixAxles(49_100), tractor(), config))).toMatchObject({
      accuracyClass: { pct: 5, source: 'default' },
      confirmedGrossKg: 46_645,
    });
  });

  it("the station's configured class applies when the record has none; when both declare one, the larger", () => {
    const regional = resolveOverloadConfig({ tolerance: { stationAccuracyClassPct: { ST01: 2 } } });
    expect(scored(assessOverload(sixAxles(49_100), tractor(), regional)).accuracyClass).toEqual({ pct: 2, source: 'station_config' });
    expect(scored(assessOverload(sixAxles(49_100, 0.5), tractor(), regional)).accuracyClass).toEqual({ pct: 2, source: 'measurement_and_station_config' });
  });

  it("the registry's station class (withStationAccuracyClasses): 52,000 kg on six axles at a class-1 station → confirmed 51,480 > 49,000 → violation", () => {
    const registry = withStationAccuracyClasses(config, { ST01: 1 });
    expect(scored(assessOverload(sixAxles(52_000), tractor(), registry))).toMatchObject({
      outcome: 'violation',
      accuracyClass: { pct: 1, source: 'station_config' },
      maxPermissibleErrorKg: 520,
      confirmedGrossKg: 51_480,
      excessKg: 2_480,
    });
  });

  it('51,000 kg on six axles tells the two apart: class-1 station → confirmed 50,490, violation; no class anywhere → 5%, confirmed 48,450, compliant', () => {
    expect(scored(assessOverload(sixAxles(51_000), tractor(), withStationAccuracyClasses(config, { ST01: 1 })))).toMatchObject({
      outcome: 'violation',
      confirmedGrossKg: 50_490,
      excessKg: 1_490,
    });
    expect(scored(assessOverload(sixAxles(51_000), tractor(), config))).toMatchObject({
      outcome: 'compliant',
      accuracyClass: { pct: 5, source: 'default' },
      confirmedGrossKg: 48_450,
    });
    // Another station's class is not this one's.
    expect(scored(assessOverload(sixAxles(51_000), tractor(), withStationAccuracyClasses(config, { ST02: 1 })))).toMatchObject({
      outcome: 'compliant',
      confirmedGrossKg: 48_450,
    });
  });

  it("the registry's class replaces a configured one for the same station; a record declaring class 5 at a class-1 station is read at 5% (the larger, §8)", () => {
    const regional = resolveOverloadConfig({ tolerance: { stationAccuracyClassPct: { ST01: 2, ST09: 10 } } });
    const registry = withStationAccuracyClasses(regional, { ST01: 1 });
    expect(registry.tolerance.stationAccuracyClassPct).toEqual({ ST01: 1, ST09: 10 });
    expect(regional.tolerance.stationAccuracyClassPct).toEqual({ ST01: 2, ST09: 10 });
    expect(scored(assessOverload(sixAxles(51_000, 5), tractor(), registry))).toMatchObject({
      outcome: 'compliant',
      accuracyClass: { pct: 5, source: 'measurement_and_station_config' },
      confirmedGrossKg: 48_450,
    });
  });

  it('46 t: six axles, tractor with a single drive axle, 46,100 kg on class 0.2 → confirmed 46,007.8 > 46,000 → violation', () => {
    const single = scored(assessOverload(sixAxles(46_100, 0.2), tractor({ hasSingleDriveAxle: true }), config));
    expect(single).toMatchObject({ outcome: 'violation', confirmedGrossKg: 46_007.8, excessKg: 7.8 });
    expect(single.limit.basis).toBe('6+ axle combination, tractor with a single drive axle, 46,000 kg (超限规定 第3条)');
    // The same weighing when the record does not say single drive axle: 49 t applies (§8).
    expect(scored(assessOverload(sixAxles(46_100, 0.2), tractor(), config)).outcome).toBe('compliant');
  });
});

describe('百吨王 (RULES.md §4, §8): confirmed violation with measured gross ≥ 100,000 kg', () => {
  it('100.0 t measured, class 5: confirmed 95,000 → 百吨王, critical, recommended for review', () => {
    const a = scored(assessOverload(sixAxles(100_000, 5), tractor(), config));
    expect(a).toMatchObject({ outcome: 'violation', confirmedGrossKg: 95_000, isBaiDunWang: true, severity: 'critical' });
    expect(a.escalation).toEqual({
      recommendedForReview: true,
      reasons: ['百吨王：实测总质量100,000 kg ≥ 100,000 kg（百吨王 — measured gross ≥ 100,000 kg）'],
    });
    expect(a.summary).toMatch(/超限.*核定总质量95,000 kg.*百吨王/);
    expect(a.summaryEn).toMatch(/Overload .* over .*confirmed 95,000 kg.*百吨王 \(measured ≥ 100,000 kg\)/);
  });

  it('99,999 kg measured is not 百吨王 (serious by ratio, not critical)', () => {
    const a = scored(assessOverload(sixAxles(99_999, 5), tractor(), config));
    expect(a).toMatchObject({ outcome: 'violation', isBaiDunWang: false, severity: 'serious' });
    expect(a.escalation.recommendedForReview).toBe(false);
  });

  it.each([0.2, 0.5, 1, 2, 5, 10])('a truck weighed at 101 t on six axles is 百吨王 on a class %s scale', (cls) => {
    const a = scored(assessOverload(sixAxles(101_000, cls), tractor(), config));
    expect(a.isBaiDunWang).toBe(true);
    expect(a.severity).toBe('critical');
  });

  it('the 百吨王 line is configurable per region', () => {
    const regional = resolveOverloadConfig({ baiDunWang: { minMeasuredGrossKg: 90_000 } });
    expect(scored(assessOverload(sixAxles(90_000, 5), tractor(), regional)).isBaiDunWang).toBe(true);
  });
});

describe('severity bands on the confirmed overload ratio (default: > 0 minor, ≥ 30% major, ≥ 50% serious)', () => {
  // Class 10 → confirmed = 0.9 × measured; measured 70,000 → 63,000 = 49,000 × 1.2857 (28.6%).
  it('28.6% over → minor; 30% exactly (confirmed 63,700) → major; 50% exactly (confirmed 73,500) → serious', () => {
    expect(scored(assessOverload(sixAxles(70_000, 10), tractor(), config)).severity).toBe('minor');
    expect(scored(assessOverload(sixAxles(65_000, 2), tractor(), config))).toMatchObject({ confirmedGrossKg: 63_700, severity: 'major' });
    expect(scored(assessOverload(sixAxles(75_000, 2), tractor(), config))).toMatchObject({ confirmedGrossKg: 73_500, severity: 'serious' });
  });
});

describe('dimensions (RULES.md §4: height > 4 m, width > 2.55 m, length > 18.1 m)', () => {
  it('a record over on dimensions only is still an 超限 violation', () => {
    const a = scored(assessOverload(wim({ grossKg: 30_000, axleCount: 6, heightM: 4.3 }), tractor(), config));
    expect(a).toMatchObject({ outcome: 'violation', overWeight: false, excessKg: 0, severity: 'minor' });
    expect(a.overDimensions).toEqual([{ dimension: 'height', valueM: 4.3, limitM: 4 }]);
  });

  it('exactly at the limits (4 m, 2.55 m, 18.1 m) is not over', () => {
    const a = scored(assessOverload(wim({ grossKg: 30_000, axleCount: 6, heightM: 4, widthM: 2.55, lengthM: 18.1 }), tractor(), config));
    expect(a.outcome).toBe('compliant');
  });

  it('absent dimensions are not over', () => {
    expect(scored(assessOverload(wim({ grossKg: 30_000, axleCount: 6 }), tractor(), config)).overDimensions).toEqual([]);
  });
});

describe('identity, unknown vehicles, rejected records', () => {
  it('the violation id is derived from the measurement id: same input → same id and the same result', () => {
    const m = sixAxles(60_000, 5);
    const a = assessOverload(m, tractor(), config);
    const b = assessOverload(structuredClone(m), tractor(), config);
    expect(a).toEqual(b);
    expect(scored(a).violationId).toBe('overload:ST01/000123');
    expect(scored(a).alertId).toBe('alert:overload:ST01/000123');
  });

  it('an unregistered plate is scored on the lenient reading and marked unregistered', () => {
    const a = scored(assessOverload(wim({ grossKg: 30_000, axleCount: 4, accuracyClassPct: 5 }), undefined, config));
    expect(a).toMatchObject({ registered: false, vehicleId: '冀A12345:2', outcome: 'compliant' });
    expect(a.limit.limitKg).toBe(36_000); // 4-axle, rigid or combination unknown → the combination figure
    expect(a.companyId).toBeUndefined();
  });

  it('an implausible record is rejected with its reasons and never scored', () => {
    const a = assessOverload(wim({ grossKg: 100_000, axleCount: 6, axleWeightsKg: [20_000, 20_000, 20_000, 20_000, 20_000, 0] }), tractor(), config);
    expect(a.outcome).toBe('rejected');
    expect(a).not.toHaveProperty('violationId');
    expect(a.outcome === 'rejected' && a.reasons.map((r) => r.code)).toEqual(['axle_weight_out_of_range']);
  });
});

describe('mapping to the contracts', () => {
  it('maps a violation to valid OverloadViolationV1 and AlertV1 messages', () => {
    const m = sixAxles(100_000, 5);
    const a = assessOverload(m, tractor(), config);
    if (!isOverloadViolation(a)) throw new Error('expected a violation');
    const violation = overloadViolationV1.parse(toOverloadViolationV1(a, m, 1_000));
    expect(violation).toMatchObject({
      violationId: a.violationId,
      limitKg: 49_000,
      confirmedGrossKg: 95_000,
      isBaiDunWang: true,
      severity: 'critical',
      companyId: 'C-001',
    });
    expect(violation.limitBasis).toBe('6+ axle combination, 49,000 kg (超限规定 第3条)');
    const alert = alertV1.parse(toOverloadAlertV1(a, 1_000));
    expect(alert).toMatchObject({
      alertId: a.alertId,
      rule: 'overload',
      level: 'violation',
      severity: 'critical',
      evidence: { wimMeasurementId: 'ST01/000123' },
    });
    expect(alert.details).toMatchObject({ recommendedForReview: true });
  });
});
