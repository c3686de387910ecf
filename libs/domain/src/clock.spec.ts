import { describe, expect, it } from 'vitest';
import { DEFAULT_CLOCK_SKEW_MS, isAheadOfClock, replacesLatest } from './clock';
import { chinaLocalToEpochMs, MINUTE_MS } from './time';

const NOW = chinaLocalToEpochMs(2026, 11, 23, 8, 0);
const Y2099 = chinaLocalToEpochMs(2099, 1, 1, 0, 0);
const at = (deviceTimeMs: number, receivedAtMs = NOW) => ({ deviceTimeMs, receivedAtMs });

describe('the platform clock against the terminals', () => {
  it('a report more than 10 min (default) ahead of the clock is future-dated; 10 min exactly is not', () => {
    expect(DEFAULT_CLOCK_SKEW_MS).toBe(10 * MINUTE_MS);
    expect(isAheadOfClock(NOW + 10 * MINUTE_MS, NOW)).toBe(false);
    expect(isAheadOfClock(NOW + 10 * MINUTE_MS + 1, NOW)).toBe(true);
    expect(isAheadOfClock(Y2099, NOW)).toBe(true);
    expect(isAheadOfClock(NOW - 30 * 24 * 60 * MINUTE_MS, NOW)).toBe(false);
    expect(isAheadOfClock(NOW + 2 * MINUTE_MS, NOW, MINUTE_MS)).toBe(true);
  });

  it('a future-dated report never becomes latest; a later valid one replaces an entry that is ahead of the clock now', () => {
    expect(replacesLatest(at(Y2099), null, NOW)).toBe(false);
    expect(replacesLatest(at(Y2099), at(NOW - MINUTE_MS), NOW)).toBe(false);
    expect(replacesLatest(at(NOW), at(NOW - MINUTE_MS), NOW)).toBe(true);
    // Order of arrival does not matter: a late (older) report leaves a newer valid entry.
    expect(replacesLatest(at(NOW - 2 * MINUTE_MS), at(NOW - MINUTE_MS), NOW)).toBe(false);
    // A poisoned entry (stored before the check existed) gives way to any valid report, older or not.
    expect(replacesLatest(at(NOW - MINUTE_MS), at(Y2099), NOW)).toBe(true);
    // Ahead only within the skew: still the newer one, kept until passed.
    expect(replacesLatest(at(NOW), at(NOW + 5 * MINUTE_MS), NOW)).toBe(false);
    // Judged on the clock at receipt, not by who is asking when: replay gives the same answer.
    expect(replacesLatest(at(NOW + 20 * MINUTE_MS, NOW), null, NOW + 60 * MINUTE_MS)).toBe(false);
  });
});
