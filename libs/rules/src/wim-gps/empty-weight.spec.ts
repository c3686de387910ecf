import { describe, expect, it } from 'vitest';
import { emptyWeightSuspicion, type VehicleWeighing } from './empty-weight.rule';

const DAY = 86_400_000;
const T = 1_780_000_000_000;
const weighing = (id: string, grossKg: number, atMs = T, extra: Partial<VehicleWeighing> = {}): VehicleWeighing => ({
  weighingId: id,
  kind: 'wim',
  stationId: 'wim-1',
  measuredAtMs: atMs,
  grossKg,
  ...extra,
});
// Class 5 % (the default): 22,000 kg measured → 20,900 kg confirmed; curb 19,000 kg → exactly 10 % above.
const RIGID = { curbMassKg: 19_000 };

describe('大吨小标 suspicion (RULES.md §14, §15 "WIM × GPS")', () => {
  it.each([
    ['exactly 10 % above the curb mass is not a suspicion', 22_000, 'none'],
    ['22,001 kg measured (20,900.95 confirmed) is above 10 %: suspicion', 22_001, 'suspicion'],
  ])('%s', (_name, grossKg, outcome) => {
    const r = emptyWeightSuspicion({ atMs: T, weighings: [weighing('w', grossKg)], vehicle: RIGID });
    expect(r.outcome).toBe(outcome);
    expect(r.curbKg).toBe(19_000);
    if (outcome === 'none') expect(r.excessPct).toBe(10);
    expect(r.reasons[0]?.zh).toContain('整备质量');
  });

  it('the empty weight is the lowest confirmed gross of WIM, exit and entrance weighings, after each scale’s error', () => {
    const r = emptyWeightSuspicion({
      atMs: T,
      weighings: [
        weighing('loaded', 49_000, T),
        weighing('entrance', 23_000, T - 5 * DAY, { kind: 'entrance', accuracyClassPct: 1 }), // 22,770 confirmed
        weighing('exit', 23_500, T - 6 * DAY, { kind: 'exit', accuracyClassPct: 5 }), // 22,325 confirmed: lowest
      ],
      vehicle: RIGID,
    });
    expect(r).toMatchObject({ outcome: 'suspicion', emptyWeighingId: 'exit', emptyKg: 22_325 });
  });

  it.each([
    ['a weighing exactly 90 days before is outside (t − 90 d, t]', T - 90 * DAY, 'suspicion'],
    ['one 90 days less 1 ms before is inside', T - 90 * DAY + 1, 'none'],
    ['one after the evaluated weighing is not read', T + 1, 'suspicion'],
  ])('%s', (_name, atMs, outcome) => {
    // The evaluated weighing alone is a suspicion; a lighter one (19,000 kg confirmed, the curb mass) inside the window clears it.
    const r = emptyWeightSuspicion({ atMs: T, weighings: [weighing('evaluated', 22_001), weighing('light', 20_000, atMs)], vehicle: RIGID });
    expect(r.outcome).toBe(outcome);
  });

  it('no curb mass, or a combination whose trailer is unknown → nothing; with the trailer known the two are summed', () => {
    const w = [weighing('w', 30_000)];
    expect(emptyWeightSuspicion({ atMs: T, weighings: w, vehicle: {} })).toMatchObject({ outcome: 'not_assessed', notAssessedBecause: 'no_curb_mass' });
    expect(emptyWeightSuspicion({ atMs: T, weighings: w, vehicle: { curbMassKg: 9_000, isCombination: true } })).toMatchObject({
      outcome: 'not_assessed',
      notAssessedBecause: 'trailer_unknown',
    });
    // 30,000 → 28,500 confirmed; 9,000 + 17,000 = 26,000 curb → 9.6 %: none. Tractor alone would have been 216 %.
    expect(emptyWeightSuspicion({ atMs: T, weighings: w, vehicle: { curbMassKg: 9_000, isCombination: true, trailerCurbMassKg: 17_000 } })).toMatchObject({
      outcome: 'none',
      curbKg: 26_000,
    });
    expect(emptyWeightSuspicion({ atMs: T, weighings: [], vehicle: RIGID })).toMatchObject({ outcome: 'not_assessed', notAssessedBecause: 'no_weighing' });
  });

  it('repeated overloads are context, never a trigger', () => {
    const heavy = [weighing('a', 60_000, T, { overWeight: true }), weighing('b', 61_000, T - DAY, { overWeight: true }), weighing('c', 22_000, T - 2 * DAY)];
    const r = emptyWeightSuspicion({ atMs: T, weighings: heavy, vehicle: RIGID });
    expect(r.outcome).toBe('none');
    expect(r.overloadsInWindow).toBe(2);
    expect(r.reasons.map((x) => x.code)).toEqual(['empty_within_curb', 'repeated_overloads']);
  });

  it('odd weights (zero, negative, not finite) are not an empty weight', () => {
    const r = emptyWeightSuspicion({ atMs: T, weighings: [weighing('z', 0), weighing('n', Number.NaN), weighing('ok', 22_000)], vehicle: RIGID });
    expect(r).toMatchObject({ outcome: 'none', emptyWeighingId: 'ok', weighingsInWindow: 1 });
  });
});
