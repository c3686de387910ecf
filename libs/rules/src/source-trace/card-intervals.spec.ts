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
      { driverId: 'd1', signInMs: T, signOutMs: T + 2 * H, expiresAtMs: T + 24 * H },
      { driverId: 'd2', signInMs: T + 3 * H, signOutMs: null, expiresAtMs: T + 27 * H },
    ]);
    expect(cardIntervalsOf([...events].reverse())).toEqual(cardIntervalsOf(events));
  });

  it('a card swap at one instant: the sign-out ends the first, the sign-in starts the second', () => {
    const intervals = cardIntervalsOf([signIn('d2', T + H), signIn('d1', T), signOut(T + H)]);
    expect(driverOnDuty({ cardIntervals: intervals, roster: [], at: T + H })).toMatchObject({ driverId: 'd2', candidates: ['d2'] });
  });

  it('a repeated sign-in of the driver signed in keeps his first instant (and renews the expiry); a failed read and an unknown card name nobody', () => {
    expect(cardIntervalsOf([signIn('d1', T), signIn('d1', T + H), { event: 'read_failed', atMs: T + 2 * H, driverId: null }, signIn(null, T + 3 * H)])).toEqual(
      [{ driverId: 'd1', signInMs: T, signOutMs: null, expiresAtMs: T + 25 * H }],
    );
  });

  describe('an open sign-in expires 24 h after the card was last read (a forgotten sign-out)', () => {
    const onDuty = (events: CardEvent[], at: number, maxSignInMs?: number) =>
      driverOnDuty({
        cardIntervals: cardIntervalsOf(events, maxSignInMs === undefined ? {} : { maxSignInMs }),
        roster: [{ driverId: 'r1', fromMs: T, toMs: T + 72 * H }],
        at,
      });

    it('covers 23:59:59.999 after the sign-in, not 24:00:00 — then the roster decides', () => {
      expect(onDuty([signIn('d1', T)], T + 24 * H - 1)).toMatchObject({ driverId: 'd1', evidence: 'ic_card' });
      expect(onDuty([signIn('d1', T)], T + 24 * H)).toMatchObject({ driverId: 'r1', evidence: 'roster' });
      expect(onDuty([signIn('d1', T)], T + 48 * H)).toMatchObject({ driverId: 'r1', evidence: 'roster' });
    });

    it('the same card read again renews it; a read after the expiry starts a new interval', () => {
      expect(onDuty([signIn('d1', T), signIn('d1', T + 20 * H)], T + 40 * H)).toMatchObject({ driverId: 'd1', evidence: 'ic_card' });
      expect(cardIntervalsOf([signIn('d1', T), signIn('d1', T + 30 * H)])).toEqual([
        { driverId: 'd1', signInMs: T, signOutMs: null, expiresAtMs: T + 24 * H },
        { driverId: 'd1', signInMs: T + 30 * H, signOutMs: null, expiresAtMs: T + 54 * H },
      ]);
    });

    it('a sign-out after the expiry does not stretch the interval back out; one before it ends it', () => {
      expect(cardIntervalsOf([signIn('d1', T), signOut(T + 30 * H)])).toEqual([{ driverId: 'd1', signInMs: T, signOutMs: null, expiresAtMs: T + 24 * H }]);
      expect(onDuty([signIn('d1', T), signOut(T + 30 * H)], T + 26 * H)).toMatchObject({ evidence: 'roster' });
      expect(onDuty([signOut(T + 2 * H), signIn('d1', T)], T + 3 * H)).toMatchObject({ evidence: 'roster' });
    });

    it("a co-driver's sign-in ends nothing; the expiry is configurable", () => {
      expect(onDuty([signIn('d1', T), signIn('d2', T + 10 * H)], T + 20 * H)).toEqual({ driverId: null, evidence: 'ic_card', candidates: ['d1', 'd2'] });
      expect(onDuty([signIn('d1', T), signIn('d2', T + 10 * H)], T + 30 * H)).toEqual({ driverId: 'd2', evidence: 'ic_card', candidates: ['d2'] });
      expect(onDuty([signIn('d1', T)], T + 13 * H, 12 * H)).toMatchObject({ driverId: 'r1', evidence: 'roster' });
    });
  });

  it('two cards signed in without a sign-out between → both open: none named, both candidates', () => {
    const intervals = cardIntervalsOf([signIn('d1', T), signIn('d2', T + H)]);
    expect(driverOnDuty({ cardIntervals: intervals, roster: [], at: T + 2 * H })).toEqual({ driverId: null, evidence: 'ic_card', candidates: ['d1', 'd2'] });
  });
});
