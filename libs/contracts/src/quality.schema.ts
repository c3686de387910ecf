import { z } from 'zod';
import { safeString } from './safe-string';
import { epochMs } from './common.schema';

const count = z.number().int().nonnegative();
const metres = z.number().nonnegative();

/**
 * A vehicle's data-quality counters for one local day (RULES.md §6, 联网联控 assessment).
 * The one definition of the fields: the rules' QualityCounters, the storage row and the
 * report sums are derived from it. Every field only grows within a day.
 */
export const qualityCounterFields = z.object({
  /** Reports fed to the rules (valid or not; retransmissions and late reports excluded). */
  received: count,
  /** Reports that passed the JT/T 809 §4.5.8 check and were not drift (数据合格率 = valid ÷ received). */
  valid: count,
  invalid: count,
  /** Points implying > 160 km/h from their neighbours (卫星定位漂移). */
  drift: count,
  /** Exact retransmissions, archived but not fed to the rules. */
  duplicate: count,
  /** Reports at or before the watermark (a back-fill after its window), archived only. */
  late: count,
  /** Distance along consecutive valid points. */
  trackM: metres,
  /** The part of trackM whose stretches are within `quality.completeGapM` (轨迹完整率 = completeTrackM ÷ trackM). */
  completeTrackM: metres,
  /** Stretches longer than `quality.completeGapM`. */
  incompleteGaps: count,
  /** Gaps the vehicle moved through (RULES.md §8). */
  movedThroughGaps: count,
});
export type QualityCounterFields = z.infer<typeof qualityCounterFields>;
export type QualityCounterKey = keyof QualityCounterFields;
export const QUALITY_COUNTER_KEYS: readonly QualityCounterKey[] = qualityCounterFields.keyof().options;

/** Local (Asia/Shanghai) calendar date. */
export const localDate = safeString().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/**
 * On `quality.daily` (key vehicleId): a vehicle's counters for one local day, from the
 * detector. `final: false` is a snapshot of a day still open (sent every
 * `quality.snapshotEveryMs` while it changes); `final: true` is sent once when a later day's
 * report closes it. A later message of the same day never has fewer `received`.
 */
export const vehicleQualityDayV1 = qualityCounterFields.extend({
  v: z.literal(1),
  vehicleId: safeString().min(1),
  date: localDate,
  final: z.boolean(),
  computedAtMs: epochMs,
});
export type VehicleQualityDayV1 = z.infer<typeof vehicleQualityDayV1>;
