import { z } from 'zod';
import { divisionCode, epochMs } from './common.schema';
import { CHINA_BOUNDS, GEOFENCE_MAX_POINTS, geofenceRingIssue } from './registry-admin.schema';
import { safeJsonObject, safeString } from './safe-string';

/**
 * Signal tampering over HTTP (RULES.md §12, §15): the suspected episodes the enforcement job
 * stored (`/v1/tampering-episodes`, in the caller's scope: a company sees its own vehicles'),
 * and the registered blind areas (tunnels, car parks) that exclude a stretch (`/v1/blind-areas`,
 * read with `sites`, written by the admin).
 */

export const tamperingIndicatorCode = z.enum(['I1', 'I2', 'I3', 'I4', 'I5', 'I6']);
export const tamperingEpisodeStatus = z.enum(['suspected', 'withdrawn']);

export const tamperingEpisodeItem = z.object({
  episodeId: safeString(),
  vehicleId: safeString(),
  plate: safeString().optional(),
  companyId: safeString().optional(),
  regionCode: safeString().optional(),
  startMs: epochMs,
  endMs: epochMs,
  /** I1–I6 that hold, in order; I7 (context) is `contextI7`. */
  indicators: z.array(tamperingIndicatorCode),
  /** The number of distinct indicators I1–I6. */
  score: z.number().int().nonnegative(),
  contextI7: z.boolean(),
  /** The station or source site within 5 km of the start (`near`), and whether it started at night. */
  context: safeJsonObject(),
  /** Each indicator's stretch: start, end, where, how far displaced, the implied speed or the odometer growth. */
  evidence: z.array(safeJsonObject()),
  latitudeDeg: z.number().optional(),
  longitudeDeg: z.number().optional(),
  status: tamperingEpisodeStatus,
  alertId: safeString(),
  revision: z.number().int().nonnegative(),
  judgedAtMs: epochMs,
  withdrawnAtMs: epochMs.optional(),
});
export type TamperingEpisodeItem = z.infer<typeof tamperingEpisodeItem>;

export const tamperingEpisodeListQuery = z.object({
  vehicleId: safeString().min(1).max(64).optional(),
  status: tamperingEpisodeStatus.optional(),
  fromMs: z.coerce.number().int().nonnegative().optional(),
  toMs: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type TamperingEpisodeListQuery = z.infer<typeof tamperingEpisodeListQuery>;

const longitudeDeg = z.number().min(CHINA_BOUNDS.minLongitudeDeg).max(CHINA_BOUNDS.maxLongitudeDeg);
const latitudeDeg = z.number().min(CHINA_BOUNDS.minLatitudeDeg).max(CHINA_BOUNDS.maxLatitudeDeg);

/** A blind area: a polygon ring of [lon, lat] (WGS-84), or a circle of `radiusM` around its point. */
export const blindAreaDto = z
  .object({
    blindAreaId: safeString()
      .min(1)
      .max(64)
      .regex(/^[^\s/?#]+$/, 'no spaces, slashes, ? or #'),
    name: safeString().min(1).max(200),
    kind: z.enum(['tunnel', 'car_park', 'other']),
    regionCode: divisionCode.optional(),
    latitudeDeg: latitudeDeg.optional(),
    longitudeDeg: longitudeDeg.optional(),
    /** The circle's radius around the point (default 200 m). */
    radiusM: z.number().min(10).max(20_000).optional(),
    geofencePolygon: z
      .array(z.tuple([longitudeDeg, latitudeDeg]))
      .min(3)
      .max(GEOFENCE_MAX_POINTS + 1)
      .refine((points) => geofenceRingIssue(points) === undefined, {
        error: (issue) => geofenceRingIssue(issue.input as Array<[number, number]>),
        when: (payload) => payload.issues.length === 0,
      })
      .optional(),
  })
  .refine((v) => (v.latitudeDeg === undefined) === (v.longitudeDeg === undefined), {
    message: 'latitudeDeg and longitudeDeg go together',
    path: ['longitudeDeg'],
  })
  .refine((v) => v.geofencePolygon !== undefined || v.latitudeDeg !== undefined, {
    message: 'a blind area needs a geofencePolygon or a point (latitudeDeg, longitudeDeg)',
    path: ['geofencePolygon'],
  });
export type BlindAreaDto = z.infer<typeof blindAreaDto>;
export const blindAreaItem = blindAreaDto;
