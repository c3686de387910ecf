import { z } from 'zod';
import { freeText, safeJsonObject, safeString } from './safe-string';
import { epochMs, severity } from './common.schema';

export const alertRule = z.enum([
  'speeding',
  'fatigue_continuous',
  'fatigue_night',
  'fatigue_daily',
  'night_ban_2_5',
  // No longer raised: the configured time-window bans became administered area bans (`area_ban`,
  // region-wide without a polygon; issue #16). Kept so alerts stored and delivered before stay readable.
  'time_window_ban',
  'overload',
  'data_gap_moved',
  'offline',
  'drift',
  'invalid_position',
  // 套牌 (RULES.md §14): the registered vehicle's company told its plate was weighed where its own GPS says it was not.
  'cloned_plate_suspected',
  // Routes (RULES.md §11, §15): an off-route episode, a 班线 stop passed, a dwell outside stops (疑似站外上下客).
  'off_route',
  'stop_passed',
  'unapproved_dwell',
  // 大件运输 and area bans (RULES.md §11, §15; services/enforcement's permit parts): moving inside a permit's corridor
  // outside its dates or hours; a roadside weighing above the permit's declared figures (大车小证); an §4 overload
  // with no permit valid that day; moving inside an area ban in its window (or anywhere, for a vehicle registered in the
  // region of a region-wide ban).
  'permit_hours',
  'permit_exceeded',
  'oversize_without_permit',
  'area_ban',
  // 人为干扰/屏蔽 (RULES.md §12, §15): a suspected tampering episode, its indicators named; an on-site device check confirms.
  'signal_tampering_suspected',
]);
export type AlertRule = z.infer<typeof alertRule>;

/** A pre-warning comes before the limit; a violation is the limit crossed. */
export const alertLevel = z.enum(['prewarning', 'violation', 'data_quality']);
export type AlertLevel = z.infer<typeof alertLevel>;

/**
 * An alert on `alerts`. The id is deterministic (vehicle, rule, triggering window) so
 * re-processing after a crash never makes a second alert; an episode that grows
 * (speeding) is re-published with the same id and a higher `revision`.
 */
export const alertV1 = z.object({
  v: z.literal(1),
  alertId: safeString().min(1),
  revision: z.number().int().nonnegative().default(0),
  vehicleId: safeString().min(1),
  plate: safeString().optional(),
  companyId: safeString().optional(),
  regionCode: safeString().optional(),
  driverId: safeString().optional(),
  rule: alertRule,
  level: alertLevel,
  severity,
  startedAtMs: epochMs,
  endedAtMs: epochMs.optional(),
  /** When this revision was raised (device time of the report that raised it). */
  raisedAtMs: epochMs,
  /**
   * When the alert's first revision was raised: the same on every revision of one alert.
   * Optional: alerts published before it existed have none (storage then keeps the earliest
   * `raisedAtMs` it saw).
   */
  firstRaisedAtMs: epochMs.optional(),
  /**
   * Limit-type rules: the instant the limit was passed — 4 h of one driving period reached,
   * 2 h of it at night, 8 h inside the trailing 24 h, 5 min of moving in the 02:00–05:00
   * window (or a time-window ban's tolerance), 30 s of one speeding episode. Carried by every
   * revision; absent on pre-warnings, other rules and older alerts.
   */
  limitPassedAtMs: epochMs.optional(),
  /** Traffic points (记分) where the rule gives them. */
  points: z.number().int().nonnegative().optional(),
  fineYuan: z.number().nonnegative().optional(),
  /**
   * Chinese, the text shown by default (the UI is Chinese-first): the regulator's terms
   * (超速, 疲劳驾驶, 超限…) with the figures.
   */
  summary: freeText(),
  /** `summary` in English, same figures; shown when the UI language is English. Optional: older alerts have none. */
  summaryEn: freeText().optional(),
  details: safeJsonObject().default({}),
  evidence: z
    .object({
      positions: z.array(z.object({ deviceTimeMs: epochMs, latitudeDeg: z.number(), longitudeDeg: z.number(), speedKmh: z.number() })).optional(),
      wimMeasurementId: safeString().optional(),
    })
    .default({}),
  latitudeDeg: z.number().optional(),
  longitudeDeg: z.number().optional(),
  /**
   * Raised from data received late: the receipt time of the report that raised (or revised)
   * the alert minus its device time, when that exceeds the detector's `receivedLateAfterMs`
   * (default 10 min) — a blind-area back-fill, a terminal's store-and-forward after weeks
   * offline. Absent for alerts from live data. The live map shows such an alert as
   * back-filled, not as news.
   */
  receivedLateByMs: z.number().int().nonnegative().optional(),
  /**
   * This revision retracts the alert (back-fill or re-judging, RULES §15): it is never due and
   * counts nowhere. Absent or false: the alert stands.
   */
  withdrawn: z.boolean().optional(),
});
export type AlertV1 = z.infer<typeof alertV1>;
