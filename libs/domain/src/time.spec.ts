import { describe, expect, it } from 'vitest';
import { chinaDateOf, chinaLocalIso, chinaLocalIsoToEpochMs, chinaLocalToEpochMs, chinaMidnightMs, chinaTimeOfDayMs, HOUR_MS } from './time';

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

describe("local wall-clock text (GMT+8) for people, whatever the viewer's time zone", () => {
  it('formats and reads back 2026-11-24 01:05:09 in China (2026-11-23 17:05:09 UTC)', () => {
    const t = Date.UTC(2026, 10, 23, 17, 5, 9);
    expect(chinaLocalIso(t)).toBe('2026-11-24T01:05:09');
    expect(chinaLocalIsoToEpochMs('2026-11-24T01:05:09')).toBe(t);
    expect(chinaLocalIsoToEpochMs('2026-11-24T01:05')).toBe(t - 9_000);
  });

  it('refuses what is not a local date-time, and impossible dates', () => {
    expect(chinaLocalIsoToEpochMs('2026-11-24')).toBeUndefined();
    expect(chinaLocalIsoToEpochMs('2026-02-30T10:00')).toBeUndefined();
    expect(chinaLocalIsoToEpochMs('yesterday')).toBeUndefined();
  });
});
