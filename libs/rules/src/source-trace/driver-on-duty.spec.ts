import { describe, expect, it } from 'vitest';
import { driverOnDuty } from './driver-on-duty.rule';

const T = 1_780_000_000_000;
const H = 3_600_000;

describe('driver on duty at the weighing (RULES.md §13, §15)', () => {
  const roster = [{ driverId: 'roster-d', fromMs: T - 8 * H, toMs: T + 4 * H }];

  it('the IC-card interval covering t_w wins over the roster', () => {
    expect(driverOnDuty({ cardIntervals: [{ driverId: 'card-d', signInMs: T - H, signOutMs: T + H }], roster, at: T })).toEqual({
      driverId: 'card-d',
      evidence: 'ic_card',
      candidates: ['card-d'],
    });
  });

  it.each([
    ['at the sign-in instant: covered', T, 'card-d'],
    ['at the sign-out instant: not covered ([sign-in, sign-out)) → the roster', T + H, 'roster-d'],
  ])('%s', (_name, at, driverId) => {
    expect(driverOnDuty({ cardIntervals: [{ driverId: 'card-d', signInMs: T, signOutMs: T + H }], roster, at }).driverId).toBe(driverId);
  });

  it('a card still signed in (no sign-out) covers every later instant', () => {
    expect(driverOnDuty({ cardIntervals: [{ driverId: 'card-d', signInMs: T - 30 * H, signOutMs: null }], roster: [], at: T }).driverId).toBe('card-d');
  });

  it('two drivers on cards → none named, both listed (the roster does not decide)', () => {
    const r = driverOnDuty({
      cardIntervals: [
        { driverId: 'b', signInMs: T - H },
        { driverId: 'a', signInMs: T - 2 * H, signOutMs: T + 1 },
        { driverId: 'a', signInMs: T - 2 * H, signOutMs: T + 1 },
      ],
      roster,
      at: T,
    });
    expect(r).toEqual({ driverId: null, evidence: 'ic_card', candidates: ['a', 'b'] });
  });

  it('two drivers on the roster → none named, both listed; nothing at all → none', () => {
    const two = [...roster, { driverId: 'other', fromMs: T, toMs: T + H }];
    expect(driverOnDuty({ cardIntervals: [], roster: two, at: T })).toEqual({ driverId: null, evidence: 'roster', candidates: ['other', 'roster-d'] });
    expect(driverOnDuty({ cardIntervals: [], roster: [], at: T })).toEqual({ driverId: null, evidence: 'none', candidates: [] });
  });
});
