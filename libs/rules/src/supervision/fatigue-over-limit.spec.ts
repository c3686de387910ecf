import { describe, expect, it } from 'vitest';
import { fatigueOverLimitMs } from './fatigue-over-limit';

const MIN = 60_000;

describe('fatigueOverLimitMs (RULES §15: over the limit only, overlaps once, cut at the period ends)', () => {
  it('adds the stretches of different vehicles', () => {
    expect(
      fatigueOverLimitMs(
        [
          { vehicleId: 'a', fromMs: 0, toMs: 30 * MIN },
          { vehicleId: 'b', fromMs: 0, toMs: 30 * MIN },
        ],
        0,
        1_000 * MIN,
      ),
    ).toBe(60 * MIN);
  });
  it('counts overlapping stretches of one vehicle once, whatever their order', () => {
    const stretches = [
      { vehicleId: 'a', fromMs: 20 * MIN, toMs: 50 * MIN },
      { vehicleId: 'a', fromMs: 0, toMs: 30 * MIN },
      { vehicleId: 'a', fromMs: 25 * MIN, toMs: 26 * MIN },
    ];
    expect(fatigueOverLimitMs(stretches, 0, 1_000 * MIN)).toBe(50 * MIN);
    expect(fatigueOverLimitMs([...stretches].reverse(), 0, 1_000 * MIN)).toBe(50 * MIN);
  });
  it('joins stretches that touch without counting the instant twice, and keeps a gap out', () => {
    expect(
      fatigueOverLimitMs(
        [
          { vehicleId: 'a', fromMs: 0, toMs: 10 * MIN },
          { vehicleId: 'a', fromMs: 10 * MIN, toMs: 20 * MIN },
          { vehicleId: 'a', fromMs: 30 * MIN, toMs: 35 * MIN },
        ],
        0,
        1_000 * MIN,
      ),
    ).toBe(25 * MIN);
  });
  it('cuts a stretch at both ends of the period', () => {
    expect(fatigueOverLimitMs([{ vehicleId: 'a', fromMs: -10 * MIN, toMs: 100 * MIN }], 0, 60 * MIN)).toBe(60 * MIN);
  });
  it('leaves out stretches outside the period and empty ones', () => {
    expect(
      fatigueOverLimitMs(
        [
          { vehicleId: 'a', fromMs: 60 * MIN, toMs: 70 * MIN },
          { vehicleId: 'a', fromMs: -5 * MIN, toMs: 0 },
          { vehicleId: 'b', fromMs: 5 * MIN, toMs: 5 * MIN },
        ],
        0,
        60 * MIN,
      ),
    ).toBe(0);
  });
});
