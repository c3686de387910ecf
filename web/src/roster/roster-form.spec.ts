import { describe, expect, it } from 'vitest';
import { chinaLocalToMs, msToChinaLocal, shiftRequestOf } from './roster-form';

describe('roster form', () => {
  it('reads datetime-local as China time (UTC+8), both ways, across the UTC date line', () => {
    expect(chinaLocalToMs('2026-12-06T07:30')).toBe(Date.UTC(2026, 11, 5, 23, 30));
    expect(msToChinaLocal(Date.UTC(2026, 11, 5, 23, 30))).toBe('2026-12-06T07:30');
    expect(chinaLocalToMs('2026-12-06 07:30')).toBeNaN();
    expect(chinaLocalToMs('')).toBeNaN();
  });

  it('builds the request, or names the field: an end before the start, a missing time, a driver id with a control character', () => {
    const form = { driverId: ' D1 ', vehicleId: 'V1', startsAt: '2026-12-06T08:00', endsAt: '2026-12-06T16:00' };
    expect(shiftRequestOf(form)).toEqual({
      ok: true,
      request: { driverId: 'D1', vehicleId: 'V1', startsAtMs: Date.UTC(2026, 11, 6, 0), endsAtMs: Date.UTC(2026, 11, 6, 8) },
    });
    const backwards = shiftRequestOf({ ...form, endsAt: '2026-12-06T07:00' });
    expect(backwards.ok === false && backwards.issues.map((i) => i.field)).toContain('endsAt');
    const missing = shiftRequestOf({ ...form, startsAt: '' });
    expect(missing.ok === false && missing.issues.map((i) => i.field)).toContain('startsAt');
    const control = shiftRequestOf({ ...form, driverId: 'D\u001b1' });
    expect(control.ok === false && control.issues.map((i) => i.field)).toContain('driverId');
  });
});
