import { describe, expect, it } from 'vitest';
import { chinaDateOf, chinaLocalToEpochMs, chinaMidnightMs, chinaTimeOfDayMs, HOUR_MS } from './time';

describe('China local time (GMT+8)', () => {
  it('02:00 local is 18:00 UTC of the previous day', () => {
    const twoAm = chinaLocalToEpochMs(2026, 11, 23, 2, 0, 0);
    expect(new Date(twoAm).toISOString()).toBe('2026-11-22T18:00:00.000Z');
    expect(chinaTimeOfDayMs(twoAm)).toBe(2 * HOUR_MS);
    expect(chinaDateOf(twoAm)).toBe('2026-11-23');
  });

  it('local midnight is the start of the local day', () => {
    const t = chinaLocalToEpochMs(2026, 1, 1, 23, 59, 59);
    expect(chinaMidnightMs(t)).toBe(chinaLocalToEpochMs(2026, 1, 1));
    expect(chinaDateOf(t)).toBe('2026-01-01');
  });
});
