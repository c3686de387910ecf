import type { CardInterval } from './driver-on-duty.rule';

/** One stored 0x0702 report of a vehicle's terminal, as `driverOnDuty` needs it. */
export interface CardEvent {
  event: 'sign_in' | 'sign_out' | 'read_failed';
  atMs: number;
  /** The registry's driver the card named (sign-ins only); null when the card matched none. */
  driverId: string | null;
}

/**
 * The IC-card intervals [sign-in, sign-out) of one vehicle's reports (RULES.md §15 "Four
 * parties"). A 0x0702 sign-out carries no card, so it ends every card signed in before it;
 * a sign-in of the driver already signed in does not restart his interval; a failed read
 * names nobody and ends nothing. A sign-in of a card the registry does not know is kept
 * out (it names no driver). Events may arrive in any order: they are sorted first, and at
 * one instant a sign-out comes before a sign-in (a card swap).
 */
export const cardIntervalsOf = (events: readonly CardEvent[]): CardInterval[] => {
  const order = { sign_out: 0, read_failed: 1, sign_in: 2 } as const;
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs || order[a.event] - order[b.event]);
  const open = new Map<string, CardInterval>();
  const closed: CardInterval[] = [];
  for (const e of sorted) {
    if (e.event === 'sign_out') {
      for (const interval of open.values()) closed.push({ ...interval, signOutMs: e.atMs });
      open.clear();
    } else if (e.event === 'sign_in' && e.driverId !== null && !open.has(e.driverId)) {
      open.set(e.driverId, { driverId: e.driverId, signInMs: e.atMs, signOutMs: null });
    }
  }
  return [...closed, ...open.values()].sort((a, b) => a.signInMs - b.signInMs || a.driverId.localeCompare(b.driverId));
};
