import type { CardInterval } from './driver-on-duty.rule';

/** One stored 0x0702 report of a vehicle's terminal, as `driverOnDuty` needs it. */
export interface CardEvent {
  event: 'sign_in' | 'sign_out' | 'read_failed';
  atMs: number;
  /** The registry's driver the card named (sign-ins only); null when the card matched none. */
  driverId: string | null;
}

/**
 * How long a sign-in counts without a sign-out (RULES.md is silent; this is the reading, the
 * doubt going to the driver): 24 h after the card was last read. A terminal that never
 * reports the sign-out (card forgotten in the reader, terminal reset) must not name its
 * driver for every later weighing or keep counting his fatigue time. A co-driver's sign-in
 * does not end it (§15: two drivers signed in → none named, both listed).
 */
export const DEFAULT_SIGN_IN_MAX_MS = 24 * 3_600_000;

/**
 * The IC-card intervals [sign-in, sign-out) of one vehicle's reports (RULES.md §15 "Four
 * parties"). A 0x0702 sign-out carries no card, so it ends every card signed in before it;
 * a sign-in of the driver already signed in does not restart his interval but renews its
 * expiry; a failed read names nobody and ends nothing. A sign-in of a card the registry
 * does not know is kept out (it names no driver). An interval expires `maxSignInMs` after
 * the card was last read (`expiresAtMs`); a sign-in after that starts a new one. Events may
 * arrive in any order: they are sorted first, and at one instant a sign-out comes before a
 * sign-in (a card swap).
 */
export const cardIntervalsOf = (events: readonly CardEvent[], options: { maxSignInMs?: number } = {}): CardInterval[] => {
  const maxSignInMs = options.maxSignInMs ?? DEFAULT_SIGN_IN_MAX_MS;
  const order = { sign_out: 0, read_failed: 1, sign_in: 2 } as const;
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs || order[a.event] - order[b.event]);
  const open = new Map<string, CardInterval>();
  const closed: CardInterval[] = [];
  for (const e of sorted) {
    if (e.event === 'sign_out') {
      // A sign-out after the expiry ends nothing more: the interval had ended at its expiry.
      for (const interval of open.values()) closed.push(e.atMs < (interval.expiresAtMs as number) ? { ...interval, signOutMs: e.atMs } : interval);
      open.clear();
    } else if (e.event === 'sign_in' && e.driverId !== null) {
      const current = open.get(e.driverId);
      if (current && e.atMs < (current.expiresAtMs as number)) open.set(e.driverId, { ...current, expiresAtMs: e.atMs + maxSignInMs });
      else {
        if (current) closed.push(current);
        open.set(e.driverId, { driverId: e.driverId, signInMs: e.atMs, signOutMs: null, expiresAtMs: e.atMs + maxSignInMs });
      }
    }
  }
  return [...closed, ...open.values()].sort((a, b) => a.signInMs - b.signInMs || a.driverId.localeCompare(b.driverId));
};
