import { haversineMeters, type LatLon } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { METRES_PER_DEGREE_LAT, positionAt } from '../testing/track';
import { clonedPlateConflict, type ClonedPlateInput } from './cloned-plate.rule';
import { DEFAULT_WIM_GPS_CONFIG } from './wim-gps.config';

const MIN = 60_000;
const TW = 1_780_000_000_000;
const STATION: LatLon = { latitudeDeg: 39.5, longitudeDeg: 116.0 };
const VEHICLE = { vehicleId: '京A100001:2', plate: '京A100001', plateColour: 2, axleCount: 6, vehicleClass: 'heavy_truck' as const, companyId: 'victim-co' };
const WEIGHING = { measurementId: 'm-1', stationId: 'wim-1', measuredAtMs: TW, plate: '京A100001', plateColour: 2, axleCount: 6 };

/** A fix `northM` metres north of the station at TW + dtMs. */
const fix = (dtMs: number, northM: number, extra: Parameters<typeof positionAt>[1] = {}) =>
  positionAt(TW + dtMs, { latitudeDeg: STATION.latitudeDeg + northM / METRES_PER_DEGREE_LAT, longitudeDeg: STATION.longitudeDeg, ...extra });

/** Metres north of the station at which reaching it in dtMs takes speedKmh, after the 1 km error. */
const northFor = (speedKmh: number, dtMs: number): number => {
  const wanted = 1_000 + (speedKmh / 3_600) * Math.abs(dtMs);
  // haversine of a northward offset is the offset to well under a millimetre; correct for what is left.
  const d = haversineMeters(STATION, { latitudeDeg: STATION.latitudeDeg + wanted / METRES_PER_DEGREE_LAT, longitudeDeg: STATION.longitudeDeg });
  return wanted * (wanted / d);
};

const judge = (fixes: ClonedPlateInput['fixes'], extra: Partial<ClonedPlateInput> = {}) =>
  clonedPlateConflict({ weighing: WEIGHING, station: STATION, vehicle: VEHICLE, fixes, ...extra });

describe('套牌 (RULES.md §14, §15 "WIM × GPS")', () => {
  it.each([
    ['129.9 km/h needed 5 min before: consistent', 129.9, -5 * MIN, 'consistent'],
    ['130.1 km/h needed 5 min before: conflict (> 130)', 130.1, -5 * MIN, 'conflict'],
    ['130.1 km/h needed 5 min after: conflict', 130.1, 5 * MIN, 'conflict'],
  ])('%s', (_name, speedKmh, dtMs, outcome) => {
    const r = judge([fix(dtMs, northFor(speedKmh, dtMs))]);
    expect(r.outcome).toBe(outcome);
    if (outcome === 'conflict') {
      expect(r.conflicts[0]?.neededSpeedKmh).toBeCloseTo(speedKmh, 6);
      expect(r.victimCompanyId).toBe('victim-co');
      expect(r.reasons[0]?.zh).toContain('公里');
    }
  });

  it.each([
    ['999 m away at Δt = 0: within the 1 km error', 999, 'consistent'],
    ['1,001 m away at Δt = 0: conflict', 1_001, 'conflict'],
    ['30 km away 1 min before: conflict', 30_000, 'conflict'],
  ])('%s', (_name, northM, outcome) => {
    const dt = northM === 30_000 ? -MIN : 0;
    expect(judge([fix(dt, northM)]).outcome).toBe(outcome);
  });

  it('exactly at the line is no conflict: a needed speed equal to the limit, a distance equal to the error (strictly greater counts)', () => {
    // A fix's distance is not a round number of metres, so the lines are set to its own figures.
    const f = fix(-5 * MIN, 12_000);
    const d = haversineMeters(STATION, f);
    const exactKmh = ((d - 1_000) / (5 * MIN)) * 3_600;
    const base = DEFAULT_WIM_GPS_CONFIG.clonedPlate;
    const at130 = { ...DEFAULT_WIM_GPS_CONFIG, clonedPlate: { ...base, maxPlausibleSpeedKmh: exactKmh } };
    expect(judge([f], { config: at130 }).outcome).toBe('consistent');
    expect(judge([f], { config: { ...at130, clonedPlate: { ...at130.clonedPlate, maxPlausibleSpeedKmh: exactKmh - 1e-9 } } }).outcome).toBe('conflict');
    const g = fix(0, 1_000);
    const at1km = { ...DEFAULT_WIM_GPS_CONFIG, clonedPlate: { ...base, positionErrorM: haversineMeters(STATION, g) } };
    expect(judge([g], { config: at1km }).outcome).toBe('consistent');
  });

  it('a fix within 1 km is never a conflict however close in time (max(0, d − 1 km))', () => {
    expect(judge([fix(1, 990)]).outcome).toBe('consistent');
  });

  it.each([
    ['exactly 10 min before is in the window', -10 * MIN, 'conflict'],
    ['exactly 10 min after is in the window', 10 * MIN, 'conflict'],
    ['10 min 1 ms before is not: no GPS, no alert', -10 * MIN - 1, 'no_gps'],
  ])('%s', (_name, dtMs, outcome) => {
    expect(judge([fix(dtMs, 100_000)]).outcome).toBe(outcome);
  });

  it('no fixes at all: no alert', () => {
    expect(judge([])).toMatchObject({ outcome: 'no_gps', evidenceScore: 0, priority: 'normal' });
  });

  it('both ends of a > 160 km/h jump are left out: a lone far fix between two near ones is drift, not a conflict', () => {
    const fixes = [fix(-2 * MIN, 0), fix(-MIN, 50_000), fix(0, 0)];
    const r = judge(fixes);
    // -2 min ↔ -1 min and -1 min ↔ 0 both jump: all three are ends of a jump.
    expect(r.leftOut.drift).toBe(3);
    expect(r.outcome).toBe('no_gps');
    // A far fix agreeing with its neighbours is no drift: the vehicle really was far away.
    const real = judge([fix(-3 * MIN, 60_000), fix(-2 * MIN, 60_500), fix(-MIN, 61_000)]);
    expect(real.leftOut.drift).toBe(0);
    expect(real.outcome).toBe('conflict');
  });

  it('invalid (§6) and not-fixed reports are left out; unsorted and duplicate fixes read the same', () => {
    const r = judge([fix(0, 0, { latitudeDeg: 80 }), fix(-MIN, 40_000, { gnssFixed: false }), fix(-MIN, 0), fix(-2 * MIN, 0)]);
    expect(r.leftOut).toEqual({ invalid: 1, notFixed: 1, drift: 0 });
    expect(r.outcome).toBe('consistent');
    const ordered = [fix(-3 * MIN, 60_000), fix(-2 * MIN, 60_500), fix(-MIN, 61_000)];
    const a = judge(ordered);
    const b = judge([...ordered].reverse().concat([ordered[1] as (typeof ordered)[number]]));
    expect(b.outcome).toBe(a.outcome);
    expect(b.conflicts.map((c) => c.timeMs)).toEqual([...a.conflicts.map((c) => c.timeMs), TW - 2 * MIN].sort((x, y) => x - y));
  });

  it('a record of another plate or colour is not judged on this vehicle', () => {
    expect(judge([fix(0, 50_000)], { weighing: { ...WEIGHING, plateColour: 1 } }).outcome).toBe('not_this_vehicle');
  });

  it('axle count and class different from the registry add to the evidence score', () => {
    const far = [fix(-MIN, 50_000)];
    expect(judge(far).evidenceScore).toBe(1);
    expect(judge(far, { weighing: { ...WEIGHING, axleCount: 4 } }).evidenceScore).toBe(2);
    const both = judge(far, { weighing: { ...WEIGHING, axleCount: 4, vehicleClass: 'other' } });
    expect(both.evidenceScore).toBe(3);
    expect(both.reasons.map((r) => r.code)).toEqual(['conflict', 'axle_mismatch', 'class_mismatch']);
  });

  it.each([
    ['one earlier conflict 29 days back → high', [{ measurementId: 'm-0', measuredAtMs: TW - 29 * 1_440 * MIN }], 'high', 2],
    ['one exactly 30 days back is outside (t − 30 d, t] → normal', [{ measurementId: 'm-0', measuredAtMs: TW - 30 * 1_440 * MIN }], 'normal', 1],
    ['this one listed again counts once → normal', [{ measurementId: 'm-1', measuredAtMs: TW }], 'normal', 1],
    ['a later conflict is not known at t_w → normal', [{ measurementId: 'm-2', measuredAtMs: TW + MIN }], 'normal', 1],
  ])('priority: %s', (_name, priorConflicts, priority, count) => {
    const r = judge([fix(-MIN, 50_000)], { priorConflicts });
    expect(r.priority).toBe(priority);
    expect(r.conflictsInWindow).toBe(count);
  });
});
