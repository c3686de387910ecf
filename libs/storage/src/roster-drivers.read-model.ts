import type { VehicleShift } from '@roadwatch/rules';
import { msToTs, type Queryable } from './sql';

/**
 * The key fatigue counts a rostered driver by when the registry has no 从业资格证 number for
 * him: his registry id under a prefix no qualification number carries (they hold no colon), so
 * it can never stand for another driver's card.
 */
export const rosterOnlyDriverKey = (driverId: string): string => `roster:${driverId}`;

/**
 * The roster's shifts overlapping [fromMs, toMs) for the detector's fatigue rule (RULES.md
 * §13), each naming its driver by the key his IC card gives — the 从业资格证 number of the
 * registry's `drivers` row, else `rosterOnlyDriverKey` — so a driver signed in by card on one
 * vehicle and rostered on the next is one driver.
 */
export const loadRosterShifts = async (db: Queryable, fromMs: number, toMs: number): Promise<VehicleShift[]> => {
  const { rows } = await db.query<{ vehicle_id: string; driver_id: string; qualification_no: string | null; starts_at: Date; ends_at: Date }>(
    `SELECT s.vehicle_id, s.driver_id, nullif(btrim(d.qualification_no), '') AS qualification_no, s.starts_at, s.ends_at
       FROM driver_shifts s LEFT JOIN drivers d ON d.driver_id = s.driver_id
      WHERE s.starts_at < ${msToTs('$2::float8')} AND s.ends_at > ${msToTs('$1::float8')}
      ORDER BY s.vehicle_id, s.starts_at, s.shift_id`,
    [fromMs, toMs],
  );
  return rows.map((r) => ({
    vehicleId: r.vehicle_id,
    driverId: r.qualification_no ?? rosterOnlyDriverKey(r.driver_id),
    fromMs: r.starts_at.getTime(),
    toMs: r.ends_at.getTime(),
  }));
};
