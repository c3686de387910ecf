import { chinaDateOf, chinaLocalToEpochMs, DAY_MS } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { localDateOf } from './time-window';

describe('localDateOf (GMT+8 dates, remembered by day)', () => {
  it('turns at local midnight (16:00 UTC), not at UTC midnight', () => {
    const midnight = chinaLocalToEpochMs(2026, 11, 24);
    expect(localDateOf(midnight - 1)).toBe('2026-11-23');
    expect(localDateOf(midnight)).toBe('2026-11-24');
    expect(localDateOf(midnight - 0.5)).toBe('2026-11-23');
    expect(localDateOf(midnight + DAY_MS - 1)).toBe('2026-11-24');
    expect(localDateOf(midnight + DAY_MS)).toBe('2026-11-25');
  });

  it('answers right whatever the order the instants come in: back and forth across days, years and 1970', () => {
    const instants = [
      chinaLocalToEpochMs(2026, 12, 31, 23, 59, 59) + 999,
      chinaLocalToEpochMs(2027, 1, 1),
      chinaLocalToEpochMs(2026, 12, 31, 12),
      chinaLocalToEpochMs(2027, 1, 1, 0, 0, 1),
      chinaLocalToEpochMs(2024, 2, 29, 8),
      chinaLocalToEpochMs(2026, 12, 31),
      chinaLocalToEpochMs(2026, 12, 31) - 1,
      -1,
      0,
      -DAY_MS,
    ];
    for (const t of [...instants, ...instants.reverse()]) expect(localDateOf(t), String(t)).toBe(chinaDateOf(t));
    expect(localDateOf(0)).toBe('1970-01-01');
    expect(localDateOf(-8 * 3_600_000 - 1)).toBe('1969-12-31');
  });

  it('agrees with chinaDateOf over a week of instants, 7 min 13 s apart', () => {
    const start = chinaLocalToEpochMs(2026, 3, 1);
    for (let t = start; t < start + 7 * DAY_MS; t += 433_000) expect(localDateOf(t)).toBe(chinaDateOf(t));
  });

  it('a time that is not a number is refused as before and does not spoil the next answer', () => {
    const t = chinaLocalToEpochMs(2026, 5, 1, 12);
    expect(localDateOf(t)).toBe('2026-05-01');
    expect(() => localDateOf(Number.NaN)).toThrow(RangeError);
    expect(localDateOf(t + DAY_MS)).toBe('2026-05-02');
    expect(localDateOf(t)).toBe('2026-05-01');
  });
});
