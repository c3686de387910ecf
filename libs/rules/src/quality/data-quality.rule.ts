import { QUALITY_COUNTER_KEYS, type PositionV1, type QualityCounterFields, type VehicleQualityDayV1 } from '@roadwatch/contracts';
import { haversineMeters, isAheadOfClock, type VehicleFacts } from '@roadwatch/domain';
import type { QualityConfig } from '../common/rules-config';

/**
 * Data quality (RULES.md §6, 联网联控 assessment): the valid-record check of JT/T 809-2011
 * §4.5.8, drift (a point implying > 160 km/h from its neighbours), and the per-vehicle daily
 * counters behind 数据合格率, 漂移率, 上线率 and 轨迹完整率. Offline detection is in the
 * pipeline (`checkOffline`), as a function of state and the detector's clock.
 */

const isFiniteNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isDword = (x: unknown): boolean => Number.isInteger(x) && (x as number) >= 0 && (x as number) <= 0xffff_ffff;

/** Why a record fails the valid-record check, in English (logs, details) and Chinese (the alert shown). */
export interface InvalidReason {
  field: 'time' | 'longitude' | 'latitude' | 'speed' | 'altitude' | 'direction' | 'alarm' | 'status' | 'plate' | 'plate colour';
  en: string;
  zh: string;
}

// A module function, not a closure per report: validatePosition runs on every one.
const fail = (reasons: InvalidReason[], field: InvalidReason['field'], en: string, zh: string): void => {
  reasons.push({ field, en: `${field}: ${en}`, zh });
};

/** Reasons the record is not valid; empty when it is. `nowMs` is the time of receipt or the detector's clock. */
export const validatePosition = (position: PositionV1, facts: VehicleFacts | undefined, nowMs: number, config: QualityConfig): InvalidReason[] => {
  const reasons: InvalidReason[] = [];
  const p = position;
  if (!isFiniteNumber(p.deviceTimeMs) || p.deviceTimeMs <= 0) fail(reasons, 'time', 'missing', '定位时间缺失');
  else if (isAheadOfClock(p.deviceTimeMs, nowMs, config.clockSkewMs)) {
    fail(
      reasons,
      'time',
      `${p.deviceTimeMs - nowMs} ms in the future (skew allowed ${config.clockSkewMs} ms)`,
      `定位时间超前${p.deviceTimeMs - nowMs}毫秒（允许偏差${config.clockSkewMs}毫秒）`,
    );
  }
  if (!isFiniteNumber(p.longitudeDeg) || p.longitudeDeg < config.minLongitudeDeg || p.longitudeDeg > config.maxLongitudeDeg) {
    fail(
      reasons,
      'longitude',
      `${p.longitudeDeg} outside ${config.minLongitudeDeg}–${config.maxLongitudeDeg}`,
      `经度${p.longitudeDeg}超出${config.minLongitudeDeg}–${config.maxLongitudeDeg}`,
    );
  }
  if (!isFiniteNumber(p.latitudeDeg) || p.latitudeDeg < config.minLatitudeDeg || p.latitudeDeg > config.maxLatitudeDeg) {
    fail(
      reasons,
      'latitude',
      `${p.latitudeDeg} outside ${config.minLatitudeDeg}–${config.maxLatitudeDeg}`,
      `纬度${p.latitudeDeg}超出${config.minLatitudeDeg}–${config.maxLatitudeDeg}`,
    );
  }
  if (!isFiniteNumber(p.speedKmh) || p.speedKmh < config.minSpeedKmh || p.speedKmh > config.maxSpeedKmh) {
    fail(
      reasons,
      'speed',
      `${p.speedKmh} km/h outside ${config.minSpeedKmh}–${config.maxSpeedKmh}`,
      `速度${p.speedKmh} km/h超出${config.minSpeedKmh}–${config.maxSpeedKmh} km/h`,
    );
  }
  if (!isFiniteNumber(p.altitudeM) || p.altitudeM < config.minAltitudeM || p.altitudeM > config.maxAltitudeM) {
    fail(
      reasons,
      'altitude',
      `${p.altitudeM} m outside ${config.minAltitudeM}–${config.maxAltitudeM}`,
      `高程${p.altitudeM}米超出${config.minAltitudeM}–${config.maxAltitudeM}米`,
    );
  }
  if (!isFiniteNumber(p.headingDeg) || p.headingDeg < 0 || p.headingDeg > 360)
    fail(reasons, 'direction', `${p.headingDeg} outside 0–360`, `方向${p.headingDeg}超出0–360`);
  if (!isDword(p.alarmFlags)) fail(reasons, 'alarm', 'not a DWORD', '报警标志格式错误');
  if (!isDword(p.statusFlags)) fail(reasons, 'status', 'not a DWORD', '状态位格式错误');
  const plate = p.plate ?? facts?.plate;
  if (typeof plate !== 'string' || plate.trim() === '') fail(reasons, 'plate', 'missing', '车牌号缺失');
  const colour = p.plateColour ?? facts?.plateColour;
  if (!Number.isInteger(colour) || (colour as number) < 0 || (colour as number) > 255) fail(reasons, 'plate colour', 'missing', '车牌颜色缺失');
  return reasons;
};

export interface TimedFix {
  timeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
}

/**
 * Implied speed between two points; GPS jitter is allowed for first, so a point is only
 * called drift (a mark against the carrier's 漂移率) when it holds beyond the jitter.
 */
export const impliedSpeedKmh = (a: TimedFix, b: TimedFix, jitterM: number): number => {
  const dt = b.timeMs - a.timeMs;
  const d = Math.max(0, haversineMeters(a, b) - jitterM);
  if (dt <= 0) return d > 0 ? Infinity : 0;
  return (d / dt) * 3600;
};

export interface DriftState {
  /** The last point judged drift, awaiting its successor. */
  candidate: TimedFix | null;
}

export type DriftVerdict = 'ok' | 'drift' | 'reanchor';

/**
 * Drift from its neighbours, judged without waiting for the next report: a point implying
 * > 160 km/h from the last accepted point is drift — unless the previous point was also
 * "drift" and this one agrees with it (≤ 160 km/h), in which case the accepted point was
 * the bad one and the track re-anchors here.
 */
export const judgeDrift = (
  state: DriftState,
  lastAccepted: TimedFix | null,
  point: TimedFix,
  config: QualityConfig,
  jitterM: number,
): { state: DriftState; verdict: DriftVerdict; impliedKmh: number } => {
  // No candidate kept: the state given back as it was (most reports), not a copy each.
  const cleared = state.candidate === null ? state : { candidate: null };
  if (!lastAccepted) return { state: cleared, verdict: 'ok', impliedKmh: 0 };
  const impliedKmh = impliedSpeedKmh(lastAccepted, point, jitterM);
  if (impliedKmh <= config.driftSpeedKmh) return { state: cleared, verdict: 'ok', impliedKmh };
  if (state.candidate && impliedSpeedKmh(state.candidate, point, jitterM) <= config.driftSpeedKmh) {
    return { state: cleared, verdict: 'reanchor', impliedKmh };
  }
  return { state: { candidate: point }, verdict: 'drift', impliedKmh };
};

/**
 * Per-vehicle counters for one local day, the fields of the `quality.daily` message (their
 * meaning is documented there); the detector publishes each closed day and snapshots of the
 * open one.
 */
export type QualityCounters = QualityCounterFields & {
  /** Local date (YYYY-MM-DD) of the device time of the reports counted; '' before the first. */
  date: string;
};

export const emptyCounters = (date: string): QualityCounters =>
  ({ date, ...Object.fromEntries(QUALITY_COUNTER_KEYS.map((key) => [key, 0])) }) as QualityCounters;

/**
 * Every report the counters saw, whatever became of it. Each change of a day's counters
 * counts at least one report, so an unchanged tally (same date) means unchanged counters.
 */
export const reportsCounted = (c: QualityCounters): number => c.received + c.duplicate + c.late;

/** The `quality.daily` message of one day's counters. */
export const qualityDayOf = (vehicleId: string, counters: QualityCounters, final: boolean, computedAtMs: number): VehicleQualityDayV1 => {
  const fields = Object.fromEntries(QUALITY_COUNTER_KEYS.map((key) => [key, counters[key]])) as QualityCounterFields;
  return { v: 1, vehicleId, date: counters.date, final, computedAtMs, ...fields };
};

/** Adds the stretch between consecutive accepted points to the track mileage. */
export const countTrack = (counters: QualityCounters, from: TimedFix | null, to: TimedFix, config: QualityConfig): QualityCounters => {
  if (!from) return counters;
  const counted = { ...counters };
  addTrack(counted, from, to, config);
  return counted;
};

/** `countTrack` into `counters` itself: for a caller that holds its own fresh copy (one copy per report, not two). */
export const addTrack = (counters: QualityCounters, from: TimedFix | null, to: TimedFix, config: QualityConfig): void => {
  if (!from) return;
  const d = haversineMeters(from, to);
  const complete = d <= config.completeGapM;
  counters.trackM += d;
  if (complete) counters.completeTrackM += d;
  else counters.incompleteGaps += 1;
};
