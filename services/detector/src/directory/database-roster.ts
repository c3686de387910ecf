import { DAY_MS } from '@roadwatch/domain';
import { rosterLookupOf, type RosterDriverLookup } from '@roadwatch/rules';
import { loadRosterShifts, type Queryable } from '@roadwatch/storage';

/**
 * How far back the detector holds the roster: a report is judged by its device time, and the
 * reorder buffer, a blind-area back-fill or a member catching up may bring reports a day old
 * or more. Older data without a card is counted per vehicle. Not a RULES.md number.
 */
export const ROSTER_BACK_MS = 2 * DAY_MS;
/** How far ahead: a week of shifts (the roster page plans a week), reloaded long before it runs out. */
export const ROSTER_AHEAD_MS = 7 * DAY_MS;

/**
 * The fatigue rule's roster (RULES.md §13) from `driver_shifts`: the shifts from ROSTER_BACK_MS
 * before now to ROSTER_AHEAD_MS after, each driver keyed as his IC card keys him (the
 * 从业资格证 number; `roster:<driverId>` without one), cut per vehicle for a binary search.
 */
export const databaseRosterLoader =
  (db: Queryable, now: () => number = Date.now): (() => Promise<RosterDriverLookup>) =>
  async () => {
    const nowMs = now();
    return rosterLookupOf(await loadRosterShifts(db, nowMs - ROSTER_BACK_MS, nowMs + ROSTER_AHEAD_MS));
  };
