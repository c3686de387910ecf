import { appendRegistryChange, type Queryable } from '@roadwatch/storage';

/**
 * How a roster write tells the detectors (their fatigue rule reads the roster, RULES.md §13):
 * a `driver_shift` change on `registry.changes`, appended to the outbox in the write's own
 * transaction (`announce`), and the outbox relay kicked once it committed (`committed`).
 */
export interface RosterChanges {
  announce(shiftId: string, change: 'upsert' | 'delete'): (tx: Queryable) => Promise<unknown>;
  committed(): void;
}

export const rosterChangesOf = (now: () => number, committed: () => void): RosterChanges => ({
  announce: (shiftId, change) => (tx) => appendRegistryChange(tx, { entity: 'driver_shift', id: shiftId, change, changedAtMs: now() }),
  committed,
});
