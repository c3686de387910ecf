import { z } from 'zod';
import { refusingUnsafeCharacters, safeString } from './safe-string';
import { plateColour } from './common.schema';

/**
 * What a 治超 station or 非现场执法 point submits, over HTTP or on `wim.station-records`.
 * ingest-wim validates it, names every bad field, and normalises it into
 * `wimMeasurementV1` on `wim.measurements`.
 */
export const wimStationRecordV1 = z.object({
  /** Absent in records from before exit and entrance scales: a WIM record. */
  kind: z.literal('wim').optional(),
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

/** What kind of scale sent a record; a station may only send its own kind (`WIM_STATION_KINDS`). */
export const stationRecordKind = z.enum(['wim', 'site_exit', 'entrance']);
export type StationRecordKind = z.infer<typeof stationRecordKind>;

/** The fields every kind of weighing shares: who weighed which vehicle when. */
const weighingIdentity = wimStationRecordV1.pick({
  stationId: true,
  recordId: true,
  measuredAt: true,
  plate: true,
  plateColour: true,
  vehicleType: true,
  axleCount: true,
  grossKg: true,
  imageRefs: true,
  calibrationRef: true,
  accuracyClassPct: true,
});

/** A 货运源头单位's exit scale (static, RULES §13): gross, tare and net, the loading slip. */
export const siteExitRecordV1 = weighingIdentity.extend({
  kind: z.literal('site_exit'),
  tareKg: z.number().finite().nonnegative(),
  netKg: z.number().finite().nonnegative(),
  loadingSlipNo: safeString().min(1).max(64).optional(),
  axleWeightsKg: z.array(z.number().finite()).min(1).max(12).optional(),
});
export type SiteExitRecordV1 = z.infer<typeof siteExitRecordV1>;

/** An expressway entrance scale (入口称重检测): refused entry or not. */
export const entranceRecordV1 = weighingIdentity.extend({
  kind: z.literal('entrance'),
  entryRefused: z.boolean(),
  lane: z.number().int().min(0).max(32).optional(),
  axleWeightsKg: z.array(z.number().finite()).min(1).max(12).optional(),
});
export type EntranceRecordV1 = z.infer<typeof entranceRecordV1>;

/**
 * Any station's record, by `kind`; a record without one is a WIM record as before, so old
 * stations and old messages on `wim.station-records` still read.
 */
export const stationRecordV1 = z.discriminatedUnion('kind', [wimStationRecordV1, siteExitRecordV1, entranceRecordV1]);
export type StationRecordV1 = z.infer<typeof stationRecordV1>;
