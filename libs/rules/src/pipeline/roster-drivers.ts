import type { PositionV1 } from '@roadwatch/contracts';

/**
 * The company's shift roster as the fatigue rule reads it (RULES.md §13: the driver comes from
 * the IC card or the roster; §15: the card wins). `driverId` is the key fatigue counts a driver
 * by — the one his IC card gives (the 从业资格证 number), so his time on a vehicle he signed
 * into by card carries to the next one he is rostered on, and back.
 */
export interface VehicleShift {
  vehicleId: string;
  driverId: string;
  /** [fromMs, toMs) */
  fromMs: number;
  toMs: number;
}

/** The roster's driver of a vehicle at an instant; undefined when no shift covers it, or two drivers' do. */
export type RosterDriverLookup = (vehicleId: string, atMs: number) => string | undefined;

/** Where the driver of a report came from. */
export type DriverSource = 'ic_card' | 'roster';

/**
 * A vehicle's roster cut into disjoint pieces, sorted: `startsMs[i]` to `endsMs[i]`, driven by
 * `drivers[i]` (null: two drivers' shifts overlap there — the roster refuses that, but a lookup
 * never guesses). Parallel arrays, so a lookup is a binary search over numbers.
 */
interface VehicleRoster {
  startsMs: number[];
  endsMs: number[];
  drivers: Array<string | null>;
}

const rosterOfVehicle = (shifts: readonly VehicleShift[]): VehicleRoster => {
  const bounds = [...new Set(shifts.flatMap((s) => [s.fromMs, s.toMs]))].sort((a, b) => a - b);
  const roster: VehicleRoster = { startsMs: [], endsMs: [], drivers: [] };
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i] as number;
    const to = bounds[i + 1] as number;
    const covering = new Set(shifts.filter((s) => s.fromMs <= from && to <= s.toMs).map((s) => s.driverId));
    if (covering.size === 0) continue;
    const driver = covering.size === 1 ? ([...covering][0] as string) : null;
    const last = roster.drivers.length - 1;
    // Adjacent pieces of one driver (back-to-back shifts) are one: fewer pieces to search.
    if (last >= 0 && roster.endsMs[last] === from && roster.drivers[last] === driver) roster.endsMs[last] = to;
    else {
      roster.startsMs.push(from);
      roster.endsMs.push(to);
      roster.drivers.push(driver);
    }
  }
  return roster;
};

/** The last piece starting at or before `atMs`, or -1. */
const pieceAt = (startsMs: readonly number[], atMs: number): number => {
  let lo = 0;
  let hi = startsMs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((startsMs[mid] as number) <= atMs) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
};

/**
 * The lookup over the shifts loaded: per vehicle, its shifts cut into disjoint sorted pieces
 * once, then each report is a map read and a binary search (a week's roster is a few dozen
 * pieces). A shift is [from, to): its end instant belongs to the next shift, or to nobody.
 * A shift that is empty or not finite is left out.
 */
export const rosterLookupOf = (shifts: readonly VehicleShift[]): RosterDriverLookup => {
  const byVehicle = new Map<string, VehicleShift[]>();
  for (const shift of shifts) {
    if (!Number.isFinite(shift.fromMs) || !Number.isFinite(shift.toMs) || !(shift.fromMs < shift.toMs) || !shift.driverId) continue;
    const list = byVehicle.get(shift.vehicleId);
    if (list) list.push(shift);
    else byVehicle.set(shift.vehicleId, [shift]);
  }
  const rosters = new Map<string, VehicleRoster>();
  for (const [vehicleId, list] of byVehicle) rosters.set(vehicleId, rosterOfVehicle(list));
  return (vehicleId, atMs) => {
    const roster = rosters.get(vehicleId);
    if (!roster) return undefined;
    const i = pieceAt(roster.startsMs, atMs);
    if (i < 0 || !(atMs < (roster.endsMs[i] as number))) return undefined;
    return roster.drivers[i] ?? undefined;
  };
};

/**
 * The driver of a report (RULES.md §13, §15): the IC card's the gateway put on it wins; else
 * the roster's driver of the vehicle at the report's device time; else none (fatigue per
 * vehicle). No object per report: where he came from is `driverSourceOf`.
 */
export const driverIdOfReport = (position: PositionV1, roster: RosterDriverLookup | undefined): string | undefined =>
  position.driverId || roster?.(position.vehicleId, position.deviceTimeMs);

/** Where `driverIdOfReport`'s driver came from (asked only when there is one). */
export const driverSourceOf = (position: PositionV1): DriverSource => (position.driverId ? 'ic_card' : 'roster');
