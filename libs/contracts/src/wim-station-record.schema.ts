import { z } from 'zod';
import { refusingUnsafeCharacters, safeString } from './safe-string';
import { plateColour } from './common.schema';

/**
 * What a 治超 station or 非现场执法 point submits, over HTTP or on `wim.station-records`.
 * ingest-wim validates it, names every bad field, and normalises it into
 * `wimMeasurementV1` on `wim.measurements`.
 */
export const wimStationRecordV1 = z.object({
  stationId: safeString().min(1).max(64),
  /** The station's own id of this weighing; with stationId, the natural key. */
  recordId: safeString().min(1).max(128),
  lane: z.number().int().min(0).max(32),
  direction: safeString().min(1).max(32),
  /** ISO-8601 with offset, or epoch milliseconds. */
  measuredAt: z.union([refusingUnsafeCharacters(z.iso.datetime({ offset: true })), z.number().int().positive()]),
  plate: safeString().trim().min(2).max(16),
  plateColour,
  vehicleType: safeString().max(32).optional(),
  axleCount: z.number().int().min(2).max(12),
  axleWeightsKg: z.array(z.number().finite()).min(1).max(12),
  axleSpacingsMm: z.array(z.number().finite().nonnegative()).max(11).optional(),
  grossKg: z.number().finite().positive(),
  speedKmh: z.number().finite().nonnegative().max(200),
  heightM: z.number().positive().max(10).optional(),
  widthM: z.number().positive().max(10).optional(),
  lengthM: z.number().positive().max(40).optional(),
  imageRefs: z.array(safeString().max(512)).max(16).optional(),
  calibrationRef: safeString().max(128).optional(),
  accuracyClassPct: z.union([z.literal(0.2), z.literal(0.5), z.literal(1), z.literal(2), z.literal(5), z.literal(10)]).optional(),
});
export type WimStationRecordV1 = z.infer<typeof wimStationRecordV1>;
