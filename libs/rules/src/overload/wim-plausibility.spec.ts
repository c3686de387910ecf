import { describe, expect, it } from 'vitest';
import { resolveOverloadConfig, DEFAULT_OVERLOAD_CONFIG } from './overload.config';
import { checkWimPlausibility, staleWimWarning } from './wim-plausibility.rule';
import { wim } from './wim.fixture';

const config = DEFAULT_OVERLOAD_CONFIG;
const codes = (r: ReturnType<typeof checkWimPlausibility>) => (r.plausible ? [] : r.reasons.map((x) => x.code));

describe('WIM plausibility (RULES.md §4, §8)', () => {
  it('a record whose axle weights add up to the gross is plausible', () => {
    expect(checkWimPlausibility(wim({ grossKg: 49_100, axleCount: 6 }), config)).toEqual({ plausible: true });
  });

  it('axle count 6 with 5 axle weights is rejected', () => {
    const m = wim({ grossKg: 40_000, axleCount: 6, axleWeightsKg: [8_000, 8_000, 8_000, 8_000, 8_000] });
    expect(codes(checkWimPlausibility(m, config))).toEqual(['axle_count_mismatch']);
  });

  it('axle weight 40,000 kg is accepted, 40,001 kg is rejected (> 40,000 kg)', () => {
    const ok = wim({ grossKg: 80_000, axleCount: 2, axleWeightsKg: [40_000, 40_000] });
    const bad = wim({ grossKg: 80_001, axleCount: 2, axleWeightsKg: [40_000, 40_001] });
    expect(checkWimPlausibility(ok, config).plausible).toBe(true);
    expect(codes(checkWimPlausibility(bad, config))).toEqual(['axle_weight_out_of_range']);
  });

  it('a zero axle weight (≤ 0 kg) is rejected, and a negative one', () => {
    const zero = wim({ grossKg: 20_000, axleCount: 3, axleWeightsKg: [10_000, 0, 10_000] });
    const negative = wim({ grossKg: 20_000, axleCount: 3, axleWeightsKg: [10_000, -5, 10_005] });
    expect(codes(checkWimPlausibility(zero, config))).toEqual(['axle_weight_out_of_range']);
    expect(codes(checkWimPlausibility(negative, config))).toEqual(['axle_weight_out_of_range']);
  });

  it('gross exactly 2% off Σ axle weights is accepted (Σ 50,000 kg, gross 51,000 and 49,000 kg)', () => {
    const axles = [10_000, 10_000, 10_000, 10_000, 10_000];
    expect(checkWimPlausibility(wim({ grossKg: 51_000, axleCount: 5, axleWeightsKg: axles }), config).plausible).toBe(true);
    expect(checkWimPlausibility(wim({ grossKg: 49_000, axleCount: 5, axleWeightsKg: axles }), config).plausible).toBe(true);
  });

  it('gross 1 kg beyond 2% of Σ axle weights is rejected (Σ 50,000 kg, gross 51,001 kg)', () => {
    const m = wim({ grossKg: 51_001, axleCount: 5, axleWeightsKg: [10_000, 10_000, 10_000, 10_000, 10_000] });
    const r = checkWimPlausibility(m, config);
    expect(codes(r)).toEqual(['gross_axle_sum_mismatch']);
    expect(r.plausible ? null : r.reasons[0]?.details).toMatchObject({ axleSumKg: 50_000, differenceKg: 1_001, allowedKg: 1_000 });
  });

  it('speed outside the default range 0.5–100 km/h is rejected; bounds are inclusive', () => {
    expect(checkWimPlausibility(wim({ grossKg: 30_000, axleCount: 4, speedKmh: 100 }), config).plausible).toBe(true);
    expect(checkWimPlausibility(wim({ grossKg: 30_000, axleCount: 4, speedKmh: 0.5 }), config).plausible).toBe(true);
    expect(codes(checkWimPlausibility(wim({ grossKg: 30_000, axleCount: 4, speedKmh: 100.1 }), config))).toEqual(['speed_out_of_range']);
    expect(codes(checkWimPlausibility(wim({ grossKg: 30_000, axleCount: 4, speedKmh: 0 }), config))).toEqual(['speed_out_of_range']);
  });

  it("a station's own speed range overrides the default", () => {
    const regional = resolveOverloadConfig({ plausibility: { stationSpeedRangeKmh: { ST01: { minKmh: 5, maxKmh: 60 } } } });
    expect(codes(checkWimPlausibility(wim({ grossKg: 30_000, axleCount: 4, speedKmh: 70 }), regional))).toEqual(['speed_out_of_range']);
    expect(checkWimPlausibility(wim({ grossKg: 30_000, axleCount: 4, speedKmh: 70, stationId: 'ST02' }), regional).plausible).toBe(true);
  });

  it('lists every reason, not only the first', () => {
    const m = wim({ grossKg: 90_000, axleCount: 6, axleWeightsKg: [0, 41_000, 10_000], speedKmh: 150 });
    expect(codes(checkWimPlausibility(m, config))).toEqual([
      'axle_count_mismatch',
      'axle_weight_out_of_range',
      'axle_weight_out_of_range',
      'gross_axle_sum_mismatch',
      'speed_out_of_range',
    ]);
  });

  it('a non-finite gross is rejected', () => {
    expect(codes(checkWimPlausibility(wim({ grossKg: Number.NaN, axleCount: 2, axleWeightsKg: [5_000, 5_000] }), config))).toEqual(['non_finite_value']);
  });
});

describe('WIM record clocks: the station measured-at against the platform received-at', () => {
  const received = Date.UTC(2026, 4, 12, 2, 0, 0);
  const MINUTE = 60_000;
  const at = (measuredAtMs: number) => wim({ grossKg: 40_000, axleCount: 6, measuredAtMs, receivedAtMs: received });

  it('a record measured more than 10 min after it was received is implausible (the scale clock is ahead); exactly 10 min is not', () => {
    expect(checkWimPlausibility(at(received + 10 * MINUTE), DEFAULT_OVERLOAD_CONFIG)).toEqual({ plausible: true });
    const ahead = checkWimPlausibility(at(received + 10 * MINUTE + 1), DEFAULT_OVERLOAD_CONFIG);
    expect(ahead.plausible).toBe(false);
    if (!ahead.plausible) expect(ahead.reasons.map((r) => r.code)).toEqual(['measured_in_future']);
    // A record 2099-dated, as a broken clock would send.
    const far = checkWimPlausibility(at(Date.UTC(2099, 0, 1)), DEFAULT_OVERLOAD_CONFIG);
    expect(far.plausible).toBe(false);
  });

  it('the threshold is configuration', () => {
    const config = resolveOverloadConfig({ plausibility: { maxMeasuredAheadMs: MINUTE } });
    expect(checkWimPlausibility(at(received + 2 * MINUTE), config).plausible).toBe(false);
  });

  it('a record measured more than 7 days before it was received is kept and scored, with a warning', () => {
    expect(checkWimPlausibility(at(received - 30 * 86_400_000), DEFAULT_OVERLOAD_CONFIG)).toEqual({ plausible: true });
    expect(staleWimWarning(at(received - 7 * 86_400_000), DEFAULT_OVERLOAD_CONFIG)).toBeUndefined();
    expect(staleWimWarning(at(received - 7 * 86_400_000 - 1), DEFAULT_OVERLOAD_CONFIG)).toContain('7.0 days before it was received');
  });
});
