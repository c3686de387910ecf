import { z } from 'zod';
import type { RouteSpec } from './api-routes';
import { page } from './api.schema';
import { epochMs, plateColour } from './common.schema';
import { safeString } from './safe-string';

/**
 * Targeting alerts raised from exit and entrance weighings (RULES §13, §15): an entrance
 * refusal (its trace as evidence), 未过磅出场, and 第71条 evidence of an over-limit exit record
 * (the truck seen leaving the geofence). Leads for enforcement officers, never penalties.
 */
export const siteWeighingTargetingKind = z.enum(['entrance_refusal', 'unweighed_exit', 'exit_over_limit']);
export type SiteWeighingTargetingKind = z.infer<typeof siteWeighingTargetingKind>;

export const siteWeighingTargetingQuery = z.object({
  kind: siteWeighingTargetingKind.optional(),
  fromMs: z.coerce.number().int().nonnegative().optional(),
  toMs: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type SiteWeighingTargetingQuery = z.infer<typeof siteWeighingTargetingQuery>;

export const siteWeighingTargetingItem = z.object({
  targetingId: safeString(),
  kind: siteWeighingTargetingKind,
  plate: safeString(),
  plateColour,
  vehicleId: safeString().optional(),
  stationId: safeString().optional(),
  measurementId: safeString().optional(),
  occurredAtMs: epochMs,
  regionCode: safeString().optional(),
  priority: z.enum(['normal', 'high']),
  status: z.enum(['open', 'referred', 'dismissed']),
  /** The trace (grade, site, reasons {code, zh, en}), the 未过磅出场 window or the 第71条 evidence, as the rule answered. */
  evidence: z.record(z.string(), z.unknown()),
  createdAtMs: epochMs,
});
export type SiteWeighingTargetingItem = z.infer<typeof siteWeighingTargetingItem>;

/** Rows of `apiRoutes` (capability `targeting`: admins, operators and enforcement in their region; companies never). */
export const siteWeighingRoutes: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/v1/targeting/site-weighings',
    summary: 'Targeting alerts from exit and entrance weighings in scope (entrance refusals, 未过磅出场, 第71条 departures), newest first',
    security: 'bearer',
    query: siteWeighingTargetingQuery,
    status: 200,
    response: page(siteWeighingTargetingItem).extend({ total: z.number().int() }),
    errors: [401, 403],
  },
];
