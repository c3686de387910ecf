/**
 * The driver on duty at an instant (RULES.md §13, §15 "Four parties"): the IC-card interval
 * [sign-in, sign-out) covering it wins over the company's shift roster; two drivers → name
 * none and list both (doubt goes to the party: a case never names a driver it cannot tell).
 */

/** A 0x0702 sign-in and the sign-out that ended it; no sign-out yet → still signed in. */
export interface CardInterval {
  driverId: string;
  signInMs: number;
  signOutMs?: number | null;
  /**
   * When a sign-in without its sign-out stops counting (`cardIntervalsOf`: 24 h after the card
   * was last read, by default): a forgotten sign-out does not cover every later instant.
   */
  expiresAtMs?: number | null;
}

/** A shift of the company's roster, [fromMs, toMs). */
export interface RosterShift {
  driverId: string;
  fromMs: number;
  toMs: number;
}

export interface DriverOnDuty {
  /** The driver named; null when none or several. */
  driverId: string | null;
  evidence: 'ic_card' | 'roster' | 'none';
  /** Every driver the deciding source shows at the instant (two or more: none is named). */
  candidates: string[];
}

const distinct = (ids: readonly string[]): string[] => [...new Set(ids)].sort();

export const driverOnDuty = (input: { cardIntervals: readonly CardInterval[]; roster: readonly RosterShift[]; at: number }): DriverOnDuty => {
  const { at } = input;
  const cards = distinct(
    input.cardIntervals
      .filter(
        (c) => c.signInMs <= at && (c.signOutMs === undefined || c.signOutMs === null || at < c.signOutMs) && (c.expiresAtMs == null || at < c.expiresAtMs),
      )
      .map((c) => c.driverId),
  );
  if (cards.length > 0) return { driverId: cards.length === 1 ? (cards[0] as string) : null, evidence: 'ic_card', candidates: cards };
  const shifts = distinct(input.roster.filter((s) => s.fromMs <= at && at < s.toMs).map((s) => s.driverId));
  if (shifts.length > 0) return { driverId: shifts.length === 1 ? (shifts[0] as string) : null, evidence: 'roster', candidates: shifts };
  return { driverId: null, evidence: 'none', candidates: [] };
};
