import { z } from 'zod';
import { safeString } from './safe-string';
import { epochMs, plateColour } from './common.schema';

/**
 * A weigh-in-motion record from a 治超 station or 非现场执法 point. Shape is checked
 * here; physical plausibility (axle weights, gross vs Σ axles) is a rule in libs/rules.
 */
export const wimMeasurementV1 = z.object({
  v: z.literal(1),
  /** Natural key: station id + the station's own record id. */
  measurementId: safeString().min(1),
  stationId: safeString().min(1),
  stationRecordId: safeString().min(1),
  lane: z.number().int().nonnegative(),
  direction: safeString().min(1),
  measuredAtMs: epochMs,
  plate: safeString().min(1),
  plateColour: plateColour,
  vehicleType: safeString().optional(),
  axleCount: z.number().int().positive(),
  axleWeightsKg: z.array(z.number()),
  axleSpacingsMm: z.array(z.number().nonnegative()).default([]),
  grossKg: z.number(),
  speedKmh: z.number().nonnegative(),
  heightM: z.number().positive().optional(),
  widthM: z.number().positive().optional(),
  lengthM: z.number().positive().optional(),
  imageRefs: z.array(safeString()).default([]),
  calibrationRef: safeString().optional(),
  /** JJG 907 accuracy class of the scale (0.2/0.5/1/2/5/10), as a percentage. */
  accuracyClassPct: z.number().positive().optional(),
  receivedAtMs: epochMs,
  /**
   * Absent on WIM records (and all older messages). A source site's exit scale and an
   * expressway entrance scale weigh too (RULES §13) but are no roadside weighing: the
   * detector never judges them as 超限; the enforcement parts read them.
   */
  recordKind: z.enum(['wim', 'site_exit', 'entrance']).optional(),
  /** Exit scale: tare and net (gross − tare), and the loading slip (装载单) number. */
  tareKg: z.number().nonnegative().optional(),
  netKg: z.number().nonnegative().optional(),
  loadingSlipNo: safeString().optional(),
  /** Entrance scale: whether the vehicle was refused entry (劝返). */
  entryRefused: z.boolean().optional(),
});
export type WimMeasurementV1 = z.infer<typeof wimMeasurementV1>;

export const wimMeasurementId = (stationId: string, stationRecordId: string): string => `${stationId}/${stationRecordId}`;

/** A measurement's kind; older messages carry none and are WIM records. */
export const recordKindOf = (measurement: Pick<WimMeasurementV1, 'recordKind'>): 'wim' | 'site_exit' | 'entrance' => measurement.recordKind ?? 'wim';
