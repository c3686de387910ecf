import type { PositionV1 } from '@roadwatch/contracts';
import { haversineMeters, vehicleIdOf, type LatLon, type VehicleClass } from '@roadwatch/domain';
import { impliedSpeedKmh, validatePosition } from '../quality/data-quality.rule';
import { DEFAULT_WIM_GPS_CONFIG, type WimGpsConfig } from './wim-gps.config';
import { wimGpsTexts, type WimGpsReason } from './wim-gps-texts';

/**
 * 套牌 (cloned plates, RULES.md §14, §15 "WIM × GPS"): a WIM record matched (plate and colour)
 * to registered vehicle V, and V's own accepted fixes around t_w put V somewhere it could not
 * have left in time to be on the scale. Pure; the fixes, the station and earlier conflicts are given.
 *
 * - Accepted fixes only: §6-valid (the pipeline's `validatePosition`, against each report's
 *   receipt), GNSS-fixed, and not drift — both ends of a jump implying > 160 km/h are left out
 *   (the pipeline's `impliedSpeedKmh`, jitter allowed first).
 * - In the window |t − t_w| ≤ 10 min, inclusive. None → no alert.
 * - A fix conflicts when max(0, distance − 1 km) / |t − t_w| > 130 km/h, or at Δt = 0 when the
 *   distance exceeds 1 km. One conflicting fix suffices.
 * - Axle count or class different from the registry adds weight; conflicts within the 30 days
 *   up to and including this one, two or more, raise the priority.
 */

export interface ClonedPlateWeighing {
  measurementId: string;
  stationId: string;
  measuredAtMs: number;
  plate: string;
  plateColour: number;
  axleCount?: number;
  vehicleClass?: VehicleClass;
}

export interface RegisteredVehicle {
  vehicleId: string;
  plate: string;
  plateColour: number;
  axleCount?: number;
  vehicleClass?: VehicleClass;
  companyId?: string;
}

export interface ConflictingFix {
  timeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  distanceM: number;
  /** The speed needed to reach the station (after the position error); null at Δt = 0. */
  neededSpeedKmh: number | null;
}

export interface ClonedPlateResult {
  outcome: 'no_gps' | 'consistent' | 'conflict' | 'not_this_vehicle';
  /** Accepted fixes in the window. */
  fixesInWindow: number;
  leftOut: { invalid: number; notFixed: number; drift: number };
  conflicts: ConflictingFix[];
  /** How strong the evidence is (§14 "adds weight" — a score, not a mass): 1 for a conflict, +1 per registry mismatch (axles, class); 0 when no conflict. */
  evidenceScore: number;
  /** Distinct conflicts within the 30 days up to and including this one. */
  conflictsInWindow: number;
  priority: 'normal' | 'high';
  /** The company to inform as the victim (a conflict only). */
  victimCompanyId: string | null;
  reasons: WimGpsReason[];
}

export interface ClonedPlateInput {
  weighing: ClonedPlateWeighing;
  station: LatLon;
  vehicle: RegisteredVehicle;
  /** V's positions around t_w (at least ± the window, a little more to judge drift at its edges). */
  fixes: readonly PositionV1[];
  /** Earlier conflicts of V (any order; this one may be among them). */
  priorConflicts?: ReadonlyArray<{ measurementId: string; measuredAtMs: number }>;
  config?: WimGpsConfig;
}

interface Fix extends LatLon {
  timeMs: number;
}

/** V's accepted fixes (§15): §6-valid, GNSS-fixed, not an end of a > 160 km/h jump; in time order. */
export const acceptedFixes = (fixes: readonly PositionV1[], config: WimGpsConfig): { accepted: Fix[]; leftOut: ClonedPlateResult['leftOut'] } => {
  let invalid = 0;
  let notFixed = 0;
  const valid: Fix[] = [];
  for (const p of fixes) {
    if (validatePosition(p, undefined, p.receivedAtMs, config.quality).length > 0) invalid += 1;
    else if (p.gnssFixed === false) notFixed += 1;
    else valid.push({ timeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg });
  }
  valid.sort((a, b) => a.timeMs - b.timeMs);
  const drift = new Array<boolean>(valid.length).fill(false);
  for (let i = 1; i < valid.length; i += 1) {
    if (impliedSpeedKmh(valid[i - 1] as Fix, valid[i] as Fix, config.motion.jitterM) > config.quality.driftSpeedKmh) {
      drift[i - 1] = true;
      drift[i] = true;
    }
  }
  return { accepted: valid.filter((_, i) => !drift[i]), leftOut: { invalid, notFixed, drift: drift.filter(Boolean).length } };
};

export const clonedPlateConflict = (input: ClonedPlateInput): ClonedPlateResult => {
  const config = input.config ?? DEFAULT_WIM_GPS_CONFIG;
  const cfg = config.clonedPlate;
  const { weighing, vehicle, station } = input;
  const tw = weighing.measuredAtMs;
  const none: ClonedPlateResult = {
    outcome: 'no_gps',
    fixesInWindow: 0,
    leftOut: { invalid: 0, notFixed: 0, drift: 0 },
    conflicts: [],
    evidenceScore: 0,
    conflictsInWindow: 0,
    priority: 'normal',
    victimCompanyId: null,
    reasons: [],
  };
  // Matching is on plate and colour (§15): a record of another vehicle is not judged on V's track.
  if (vehicleIdOf(weighing.plate, weighing.plateColour) !== vehicleIdOf(vehicle.plate, vehicle.plateColour)) {
    return { ...none, outcome: 'not_this_vehicle' };
  }
  const { accepted, leftOut } = acceptedFixes(input.fixes, config);
  const inWindow = accepted.filter((f) => Math.abs(f.timeMs - tw) <= cfg.windowMs);
  if (inWindow.length === 0) return { ...none, leftOut, reasons: [wimGpsTexts.noGps(cfg.windowMs)] };

  const conflicts: ConflictingFix[] = [];
  for (const f of inWindow) {
    const distanceM = haversineMeters(f, station);
    const dtMs = Math.abs(f.timeMs - tw);
    const beyondM = Math.max(0, distanceM - cfg.positionErrorM);
    const neededSpeedKmh = dtMs === 0 ? null : (beyondM / dtMs) * 3_600;
    const conflict = dtMs === 0 ? distanceM > cfg.positionErrorM : (neededSpeedKmh as number) > cfg.maxPlausibleSpeedKmh;
    if (conflict) conflicts.push({ ...f, distanceM, neededSpeedKmh });
  }
  const base = { ...none, fixesInWindow: inWindow.length, leftOut };
  if (conflicts.length === 0) return { ...base, outcome: 'consistent', reasons: [wimGpsTexts.consistent()] };

  const reasons = conflicts.map((c) => wimGpsTexts.conflict(c.timeMs, c.distanceM, c.neededSpeedKmh));
  let evidenceScore = 1;
  if (weighing.axleCount !== undefined && vehicle.axleCount !== undefined && weighing.axleCount !== vehicle.axleCount) {
    evidenceScore += 1;
    reasons.push(wimGpsTexts.axleMismatch(weighing.axleCount, vehicle.axleCount));
  }
  if (weighing.vehicleClass !== undefined && vehicle.vehicleClass !== undefined && weighing.vehicleClass !== vehicle.vehicleClass) {
    evidenceScore += 1;
    reasons.push(wimGpsTexts.classMismatch(weighing.vehicleClass, vehicle.vehicleClass));
  }
  // Distinct records in (t_w − 30 d, t_w], this one included; later ones are not known at t_w.
  const ids = new Set([weighing.measurementId]);
  for (const p of input.priorConflicts ?? []) if (p.measuredAtMs > tw - cfg.priorityWindowMs && p.measuredAtMs <= tw) ids.add(p.measurementId);
  const priority = ids.size >= cfg.priorityConflicts ? 'high' : 'normal';
  if (priority === 'high') reasons.push(wimGpsTexts.repeated(ids.size, Math.round(cfg.priorityWindowMs / 86_400_000)));
  return {
    ...base,
    outcome: 'conflict',
    conflicts,
    evidenceScore,
    conflictsInWindow: ids.size,
    priority,
    victimCompanyId: vehicle.companyId ?? null,
    reasons,
  };
};
