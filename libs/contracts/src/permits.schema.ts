import { z } from 'zod';
import { divisionCode, epochMs, vehicleClass } from './common.schema';
import { roadClass } from './registry-admin.schema';
import { freeText, safeString } from './safe-string';

/**
 * 大件 permit audit sheets and area bans over HTTP (issue #16; RULES.md §11, §15): the audit
 * sheet of a permit (倒查: the vehicle's actual track and weighings against the permit) and the
 * administered area bans that replace configuration-only time windows.
 */

const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const localDate = safeString().regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date YYYY-MM-DD');
const clock = safeString().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "a local time 'HH:MM'");

export const permitAuditQuery = z.object({
  /** One of the permit's vehicles; default the first bound. */
  vehicleId: safeString().min(1).optional(),
  /** The period read; default the permit's validity (local dates, whole days), at most 31 days. */
  fromMs: z.coerce.number().int().nonnegative().optional(),
  toMs: z.coerce.number().int().nonnegative().optional(),
  lang: z.enum(['zh', 'en']).default('zh'),
});
export type PermitAuditQuery = z.infer<typeof permitAuditQuery>;

const figure = z.enum(['grossKg', 'lengthMm', 'widthMm', 'heightMm']);

export const permitAuditResponse = z.object({
  permit: z.object({
    routeId: safeString(),
    name: safeString(),
    referenceNo: safeString().nullable(),
    companyId: safeString().optional(),
    regionCode: safeString().optional(),
    validFrom: safeString().nullable(),
    validTo: safeString().nullable(),
    allowedHours: z.array(z.object({ from: safeString(), to: safeString() })).nullable(),
    declared: z
      .object({
        grossKg: z.number().optional(),
        axles: z.number().optional(),
        lengthMm: z.number().optional(),
        widthMm: z.number().optional(),
        heightMm: z.number().optional(),
      })
      .nullable(),
    vehicleIds: z.array(safeString()),
  }),
  vehicleId: safeString(),
  plate: safeString().optional(),
  fromMs: epochMs,
  toMs: epochMs,
  reports: z.number().int().nonnegative(),
  totalM: z.number().nonnegative(),
  onRouteM: z.number().nonnegative(),
  /** Share of the distance travelled on the permitted route, 0–1; null when the vehicle did not move. */
  shareOnRoute: z.number().min(0).max(1).nullable(),
  stretches: z.array(
    z.object({
      startMs: epochMs,
      endMs: epochMs,
      issues: z.array(z.enum(['before_valid', 'after_valid', 'outside_hours'])),
      movingMs: z.number().nonnegative(),
      movingM: z.number().nonnegative(),
      counted: z.boolean(),
    }),
  ),
  outsideMovingMs: z.number().nonnegative(),
  weighings: z.array(
    z.object({
      measurementId: safeString(),
      stationId: safeString(),
      measuredAtMs: epochMs,
      axleCount: z.number().int(),
      measuredGrossKg: z.number(),
      confirmedGrossKg: z.number(),
      dimensionsM: z.object({ heightM: z.number().optional(), widthM: z.number().optional(), lengthM: z.number().optional() }),
      verdict: z.enum(['within', 'exceeded', 'outside_validity']),
      excesses: z.array(z.object({ figure, declared: z.number(), weighed: z.number() })),
      axlesDiffer: z.boolean(),
    }),
  ),
});
export type PermitAuditResponse = z.infer<typeof permitAuditResponse>;

export const areaBanWindow = z.object({ from: clock, to: clock, days: z.array(z.number().int().min(1).max(7)).max(7).optional() });

/** An area ban as an administrator writes it. */
export const areaBanRequest = z.object({
  banId: safeString().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1–64)'),
  name: freeText().pipe(z.string().trim().min(1).max(200)),
  /** The region whose operators administer it; a ban without a polygon binds the vehicles registered in it. */
  regionCode: divisionCode.optional(),
  /**
   * One ring [[lon, lat], …], at least 3 distinct points; the edge is outside. Absent: a
   * region-wide ban — it binds the vehicles registered in `regionCode` (required then) wherever
   * they drive, as the configured time-window bans of RULES.md §3 did.
   */
  polygon: z.array(lonLat).min(3).max(5_000).optional(),
  vehicleClasses: z.array(vehicleClass).min(1),
  windows: z.array(areaBanWindow).min(1).max(24),
  validFrom: localDate.optional(),
  validTo: localDate.optional(),
  roadClasses: z.array(roadClass).optional(),
});
export type AreaBanRequest = z.infer<typeof areaBanRequest>;

export const areaBanItem = areaBanRequest.extend({
  createdBy: safeString().optional(),
  createdAtMs: epochMs,
  updatedAtMs: epochMs,
  retiredAtMs: epochMs.optional(),
});
export type AreaBanItem = z.infer<typeof areaBanItem>;

export const areaBanListQuery = z.object({
  /** Retired bans too (default: in force only). */
  includeRetired: z.enum(['true', 'false']).default('false'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
