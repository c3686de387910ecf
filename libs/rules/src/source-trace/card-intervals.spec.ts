import { describe, expect, it } from 'vitest';
import { cardIntervalsOf, type CardEvent } from './card-intervals';
import { driverOnDuty } from './driver-on-duty.rule';

const T = 1_780_000_000_000;
const H = 3_600_000;
const signIn = (driverId: string | null, atMs: number): CardEvent => ({ event: 'sign_in', atMs, driverId });
const signOut = (atMs: number): CardEvent => ({ event: 'sign_out', atMs, driverId: null });

describe('IC-card intervals of a vehicle (0x0702 sign-in / sign-out)', () => {
  it('pairs a sign-in with the sign-out after it, whatever order the reports arrive in', () => {
    const events = [signOut(T + 2 * H), signIn('d1', T), signIn('d2', T + 3 * H)];
    expect(cardIntervalsOf(events)).toEqual([
      { driverId: 'd1', signInMs: T, signOutMs: T + 2 * H },
      { driverId: 'd2', signInMs: T + 3 * H, signOutMs: null },
    ]);
    expect(cardIntervalsOf([...events].reverse())).toEqual(cardIntervalsOf(events));
  });

  it('a card swap at one instant: the sign-out ends the first, the sign-in starts the second', () => {
    const intervals = cardIntervalsOf([signIn('d2', T + H), signIn('d1', T), signOut(T + H)]);
    expect(driverOnDuty({ cardIntervals: intervals, roster: [], at: T + H })).toMatchObject({ driverId: 'd2', candidates: ['d2'] });
  });

  it('a repeated sign-in of the driver signed in keeps his first instant; a failed read and an unknown card name nobody', () => {
    expect(cardIntervalsOf([signIn('d1', T), signIn('d1', T + H), { event: 'read_failed', atMs: T + 2 * H, driverId: null }, signIn(null, T + 3 * H)])).toEqual(
      [{ driverId: 'd1', signInMs: T, signOutMs: null }],
    );
  });

  it('two cards signed in without a sign-out between → both open: none named, both candidates', () => {
    const intervals = cardIntervalsOf([signIn('d1', T), signIn('d2', T + H)]);
    expect(driverOnDuty({ cardIntervals: intervals, roster: [], at: T + 2 * H })).toEqual({ driverId: null, evidence: 'ic_card', candidates: ['d1', 'd2'] });
  });
});
