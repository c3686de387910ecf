import type { AlertV1, PositionV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { buildAlert, formatClockRangeZh, formatDuration, formatDurationZh } from '../common/alerts';
import type { RulesConfig } from '../common/rules-config';
import { windowOccurrences } from '../common/time-window';
import type { MotionInterval } from '../motion/motion-model';

/**
 * 凌晨2时至5时 (RULES.md §3, §8 "02:00–05:00"): moving time between 02:00:00 and 05:00:00
 * local, summed over the night (moved-through gaps included), > 5 min is one violation per
 * night — for long-distance buses on routes > 200 km and tour coaches on trips known to be
 * > 200 km, unless a relay (接驳运输) is registered for the vehicle that night.
 * The provincial time-window bans per class and road class (§3, e.g. hazmat 00:00–06:00 on
 * expressways) are administered area bans (`../routes/area-ban.ts`, region-wide when they have no
 * polygon), judged by services/enforcement over the stored tracks — no longer configured here.
 */

export interface RelayRegistration {
  vehicleId: string;
  driverId?: string;
  relayPoint: string;
  /** Local date of the night's 02:00 (YYYY-MM-DD). */
  nightDate: string;
}

/** The relay (接驳运输) registry as the detector knows it: a lookup by vehicle and night. */
export type RelayLookup = (vehicleId: string, nightDate: string) => RelayRegistration | undefined;

/** A registry fact a rule needed and did not find; the registry reports it (RULES.md §8). */
export interface RegistryNotice {
  kind: 'missing_registry_field';
  vehicleId: string;
  field: 'routeKm' | 'tripKm';
  rule: 'night_ban_2_5';
  /** Deterministic key (vehicle, field, night) so a notice is raised once per night. */
  noticeKey: string;
  atMs: number;
  message: string;
}

export type NightBanApplicability =
  { subject: true; distanceKm: number; basis: 'routeKm' | 'tripKm' } | { subject: false; reason: string; missingField?: 'routeKm' };

export const nightBanApplicability = (facts: VehicleFacts, config: RulesConfig): NightBanApplicability => {
  const cfg = config.nightBan;
  if (cfg.busClasses.includes(facts.vehicleClass)) {
    // §8: a long-distance bus without route_km is not subject, and the registry reports the field.
    if (facts.routeKm === undefined) return { subject: false, reason: 'routeKm missing from the registry', missingField: 'routeKm' };
    // §3: routes of ≤ 200 km one way are exempt (交运规〔2023〕2号 第32条).
    if (!(facts.routeKm > cfg.minDistanceKm)) return { subject: false, reason: `route ${facts.routeKm} km ≤ ${cfg.minDistanceKm} km` };
    return { subject: true, distanceKm: facts.routeKm, basis: 'routeKm' };
  }
  if (cfg.tripClasses.includes(facts.vehicleClass)) {
    // §8: a tour coach is subject only when its trip is *known* to exceed 200 km.
    if (facts.tripKm === undefined || !(facts.tripKm > cfg.minDistanceKm))
      return { subject: false, reason: facts.tripKm === undefined ? 'trip length unknown' : `trip ${facts.tripKm} km ≤ ${cfg.minDistanceKm} km` };
    return { subject: true, distanceKm: facts.tripKm, basis: 'tripKm' };
  }
  return { subject: false, reason: `class ${facts.vehicleClass} not subject` };
};

const NOT_CONCERNED: NightBanApplicability = { subject: false, reason: 'class not subject' };

interface WindowTally {
  /** Local date on which this occurrence of the window starts. */
  date: string;
  movingMs: number;
  firstMovingMs: number;
  /** A violation was raised, or the night was exempt by a relay. */
  decided: boolean;
}

export interface NightBanState {
  night: WindowTally | null;
  /** Night date of the last missing-field notice. */
  noticeDate: string | null;
}

export interface NightBanEvent {
  position: PositionV1;
  interval: MotionInterval | null;
  relays?: RelayLookup;
}

export const initialNightBanState = (): NightBanState => ({ night: null, noticeDate: null });

/** Adds the interval's overlap with each occurrence of the window; returns the crossing, if any. */
const tally = (
  current: WindowTally | null,
  interval: MotionInterval,
  start: string,
  end: string,
  toleranceMs: number,
): { tally: WindowTally | null; crossed: { at: WindowTally; crossingMs: number } | null } => {
  let t = current;
  let crossed: { at: WindowTally; crossingMs: number } | null = null;
  for (const w of windowOccurrences(interval.startMs, interval.endMs, start, end)) {
    const from = Math.max(interval.startMs, w.startMs);
    const to = Math.min(interval.endMs, w.endMs);
    if (to <= from) continue;
    if (!t || t.date !== w.date) t = { date: w.date, movingMs: 0, firstMovingMs: from, decided: false };
    const before = t.movingMs;
    t = { ...t, movingMs: before + (to - from) };
    if (!t.decided && t.movingMs > toleranceMs && !crossed) crossed = { at: t, crossingMs: from + (toleranceMs - before) };
  }
  return { tally: t, crossed };
};

/** The interval's two ends, an alert's evidence: built only when an alert is raised, most reports raise none. */
const evidenceOf = (interval: MotionInterval, position: PositionV1): AlertV1['evidence']['positions'] => [
  { deviceTimeMs: interval.from.timeMs, latitudeDeg: interval.from.latitudeDeg, longitudeDeg: interval.from.longitudeDeg, speedKmh: interval.from.speedKmh },
  { deviceTimeMs: position.deviceTimeMs, latitudeDeg: position.latitudeDeg, longitudeDeg: position.longitudeDeg, speedKmh: position.speedKmh },
];

export const evaluateNightBan = (
  facts: VehicleFacts,
  state: NightBanState,
  event: NightBanEvent,
  config: RulesConfig,
): { state: NightBanState; outputs: AlertV1[]; notices: RegistryNotice[] } => {
  const cfg = config.nightBan;
  const { interval, position } = event;
  if (!interval || !interval.driving) return { state, outputs: [], notices: [] };
  const outputs: AlertV1[] = [];
  const notices: RegistryNotice[] = [];
  let next = state;

  // Classes the 02:00–05:00 rule never concerns (most vehicles) skip its applicability, and the reason text it writes.
  const concerned = cfg.busClasses.includes(facts.vehicleClass) || cfg.tripClasses.includes(facts.vehicleClass);
  const applicability: NightBanApplicability = concerned ? nightBanApplicability(facts, config) : NOT_CONCERNED;
  if (applicability.subject) {
    const r = tally(next.night, interval, cfg.windowStart, cfg.windowEnd, cfg.toleranceMs);
    let night = r.tally;
    if (r.crossed && night) {
      night = { ...night, decided: true };
      const relay = event.relays?.(facts.vehicleId, night.date);
      if (!relay) {
        outputs.push(
          buildAlert(facts, {
            rule: 'night_ban_2_5',
            level: 'violation',
            severity: 'major',
            subject: 'vehicle',
            windowKey: night.date,
            startedAtMs: night.firstMovingMs,
            endedAtMs: position.deviceTimeMs,
            raisedAtMs: position.deviceTimeMs,
            limitPassedAtMs: r.crossed.crossingMs,
            ...(position.driverId ? { driverId: position.driverId } : {}),
            summary: `夜间禁行：${formatClockRangeZh(cfg.windowStart, cfg.windowEnd)}运行${formatDurationZh(night.movingMs)}（${night.date}夜间，容许${formatDurationZh(cfg.toleranceMs)}），未登记接驳运输`,
            summaryEn: `Moving ${formatDuration(night.movingMs)} between ${cfg.windowStart} and ${cfg.windowEnd} on the night of ${night.date} (tolerance ${formatDuration(cfg.toleranceMs)}), no relay registered`,
            details: {
              nightDate: night.date,
              movingInWindowMs: night.movingMs,
              toleranceMs: cfg.toleranceMs,
              exceededAtMs: Math.round(r.crossed.crossingMs),
              [applicability.basis]: applicability.distanceKm,
              intervalKind: interval.kind,
            },
            evidence: evidenceOf(interval, position),
            latitudeDeg: position.latitudeDeg,
            longitudeDeg: position.longitudeDeg,
          }),
        );
      }
    }
    if (night !== next.night) next = { ...next, night };
  } else if (applicability.missingField) {
    // Report the missing registry field once per night in which the bus moved in the window.
    const nights = windowOccurrences(interval.startMs, interval.endMs, cfg.windowStart, cfg.windowEnd).filter(
      (w) => Math.min(interval.endMs, w.endMs) > Math.max(interval.startMs, w.startMs),
    );
    const last = nights[nights.length - 1];
    if (last && next.noticeDate !== last.date) {
      notices.push({
        kind: 'missing_registry_field',
        vehicleId: facts.vehicleId,
        field: applicability.missingField,
        rule: 'night_ban_2_5',
        noticeKey: `night_ban_2_5|${facts.vehicleId}|${applicability.missingField}|${last.date}`,
        atMs: position.deviceTimeMs,
        message: `${facts.plate}: long-distance bus moving at night without routeKm in the registry; the 02:00–05:00 rule cannot apply`,
      });
      next = { ...next, noticeDate: last.date };
    }
  }

  return { state: next, outputs, notices };
};
