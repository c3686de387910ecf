import { describe, expect, it } from 'vitest';
import { grossWeightLimit } from './gross-limit.rule';
import { DEFAULT_OVERLOAD_CONFIG, resolveOverloadConfig } from './overload.config';

const config = DEFAULT_OVERLOAD_CONFIG;
const limit = (axles: number, vehicle?: Parameters<typeof grossWeightLimit>[1]) => grossWeightLimit(axles, vehicle, config);

describe('gross-weight limit (RULES.md §4 table, 超限规定 第3条)', () => {
  it.each([
    [2, false, 18_000],
    [3, false, 25_000],
    [3, true, 27_000],
    [4, false, 31_000],
    [4, true, 36_000],
    [5, true, 43_000],
    [6, true, 49_000],
    [7, true, 49_000],
  ])('%i axles, combination %s → %i kg', (axles, isCombination, expected) => {
    expect(limit(axles, { isCombination }).limitKg).toBe(expected);
  });

  it('names its basis: "6+ axle combination, 49,000 kg (超限规定 第3条)"', () => {
    expect(limit(6, { isCombination: true }).basis).toBe('6+ axle combination, 49,000 kg (超限规定 第3条)');
  });

  it('six axles, tractor with a single drive axle → 46,000 kg', () => {
    const l = limit(6, { isCombination: true, hasSingleDriveAxle: true });
    expect(l.limitKg).toBe(46_000);
    expect(l.basis).toContain('single drive axle, 46,000 kg');
  });

  it('six axles, drive axle not on record → 49,000 kg (§8)', () => {
    expect(limit(6, { isCombination: true }).limitKg).toBe(49_000);
    expect(limit(6, { isCombination: true, hasSingleDriveAxle: false }).limitKg).toBe(49_000);
    expect(limit(6, undefined).limitKg).toBe(49_000);
  });

  it('unknown vehicle (unregistered plate): rigid vs combination unknown → the more lenient figure', () => {
    expect(limit(2, undefined)).toMatchObject({ limitKg: 18_000, configuration: 'unknown' });
    expect(limit(3, undefined)).toMatchObject({ limitKg: 27_000, configuration: 'unknown' });
    expect(limit(4, undefined)).toMatchObject({ limitKg: 36_000, configuration: 'unknown' });
    expect(limit(5, undefined).limitKg).toBe(43_000);
    expect(limit(3, undefined).basis).toContain('more lenient combination figure');
    // A registered vehicle whose record does not say rigid or combination reads the same way.
    expect(limit(4, { hasAirSuspension: undefined }).limitKg).toBe(36_000);
  });

  it('air suspension +1,000 kg on 3- and 4-axle trucks only', () => {
    expect(limit(3, { isCombination: false, hasAirSuspension: true }).limitKg).toBe(26_000);
    expect(limit(4, { isCombination: true, hasAirSuspension: true }).limitKg).toBe(37_000);
    expect(limit(2, { isCombination: false, hasAirSuspension: true }).limitKg).toBe(18_000);
    expect(limit(6, { isCombination: true, hasAirSuspension: true }).limitKg).toBe(49_000);
  });

  it('single-tyre non-drive axles −3,000 kg on a rigid truck; absent data → no adjustment', () => {
    const l = limit(3, { isCombination: false, hasSingleTyreNonDriveAxles: true });
    expect(l.limitKg).toBe(22_000);
    expect(l.basis).toBe('3-axle rigid, 25,000 kg (超限规定 第3条); non-drive axles on single tyres −3,000 kg → 22,000 kg');
    expect(limit(3, { isCombination: false }).limitKg).toBe(25_000);
    expect(limit(3, { isCombination: false, hasSingleTyreNonDriveAxles: false }).limitKg).toBe(25_000);
  });

  it('single-tyre deduction is not read into unknown configuration (the lenient column stays)', () => {
    expect(limit(3, { hasSingleTyreNonDriveAxles: true }).limitKg).toBe(27_000);
  });

  it('2-axle truck also limited by the 行驶证 mass (registered 16,000 kg → 16,000 kg; 20,000 kg → 18,000 kg)', () => {
    expect(limit(2, { isCombination: false, registeredMaxGrossKg: 16_000 }).limitKg).toBe(16_000);
    expect(limit(2, { isCombination: false, registeredMaxGrossKg: 20_000 }).limitKg).toBe(18_000);
    expect(limit(2, { isCombination: false, registeredMaxGrossKg: 16_000 }).basis).toContain('行驶证 最大允许总质量 16,000 kg');
  });

  it('a region can override the table (e.g. 6+ axles at 48,000 kg)', () => {
    const regional = resolveOverloadConfig({ grossLimitsKg: { sixPlusAxleCombination: 48_000 } });
    expect(grossWeightLimit(6, { isCombination: true }, regional).limitKg).toBe(48_000);
    expect(grossWeightLimit(2, undefined, regional).limitKg).toBe(18_000);
    expect(DEFAULT_OVERLOAD_CONFIG.grossLimitsKg.sixPlusAxleCombination).toBe(49_000);
  });
});
