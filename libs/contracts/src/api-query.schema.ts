import { z } from 'zod';
import { alertRule } from './alert.schema';
import { caseStatus } from './api.schema';
import { queryEpochMs, severity, vehicleClass, wimStationKind } from './common.schema';
import { roadClass } from './registry-admin.schema';
import { safeString } from './safe-string';

/**
 * Query strings and path parameters of services/api's REST routes: each is parsed with its
 * schema here (400 naming the field) and documented from the same schema (`apiRoutes`).
 */

const ms = queryEpochMs;
const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  safeString()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(item));
const paging = { limit: z.coerce.number().int().min(1).max(1000).default(100), offset: z.coerce.number().int().min(0).default(0) };

export const vehicleListQuery = z.object({
  companyId: safeString().min(1).optional(),
  vehicleClass: vehicleClass.optional(),
  plate: safeString().min(1).optional(),
  ...paging,
});

export const trackQuery = z
  .object({ fromMs: ms, toMs: ms, maxPoints: z.coerce.number().int().min(10).max(20_000).optional() })
  .refine((q) => q.toMs > q.fromMs, { message: 'toMs must be after fromMs', path: ['toMs'] })
  .refine((q) => q.toMs - q.fromMs <= 31 * 86_400_000, { message: 'at most 31 days per request', path: ['toMs'] });

/** A terminal id as the gateway keeps it: the SIM number's digits (hex from terminals that send it so), padded or not. */
export const terminalIdParam = z.object({ terminalId: safeString().regex(/^[0-9A-Fa-f]{1,20}$/, 'a terminal (SIM) number: 1–20 digits') });

export const alertListQuery = z.object({
  rule: csv(alertRule).optional(),
  severity: csv(severity).optional(),
  companyId: safeString().min(1).optional(),
  regionCode: safeString()
    .regex(/^\d{1,12}$/, 'a division code (digits)')
    .optional(),
  vehicleId: safeString().min(1).optional(),
  fromMs: ms.optional(),
  toMs: ms.optional(),
  acknowledged: z
    .enum(['true', 'false'])
    .transform((s) => s === 'true')
    .optional(),
  ...paging,
});

export const wimListQuery = z.object({
  plate: safeString().min(1).optional(),
  stationId: safeString().min(1).optional(),
  fromMs: ms.optional(),
  toMs: ms.optional(),
  ...paging,
});

/** Map layers (WIM stations, source sites): small registry tables, paged like the rest. */
export const siteListQuery = z.object({ ...paging });

// A month at most, as for tracks: the report reads the range's positions for 上线率.
export const reportQuery = z
  .object({ fromMs: ms, toMs: ms })
  .refine((q) => q.toMs > q.fromMs, { message: 'toMs must be after fromMs', path: ['toMs'] })
  .refine((q) => q.toMs - q.fromMs <= 31 * 86_400_000, { message: 'at most 31 days per request', path: ['toMs'] });

export const caseListQuery = z.object({
  status: csv(caseStatus).optional(),
  /** A party reference: driver id, vehicle id, company id or source site id. */
  party: safeString().min(1).optional(),
  companyId: safeString().min(1).optional(),
  plate: safeString().min(1).optional(),
  /** On the violation's measurement time. */
  fromMs: ms.optional(),
  toMs: ms.optional(),
  ...paging,
});

// ─── registry administration (admin): one filter per list where a parent makes sense ───

export const terminalListQuery = z.object({ vehicleId: safeString().min(1).optional(), ...paging });
export const driverListQuery = z.object({ companyId: safeString().min(1).optional(), ...paging });
export const speedZoneListQuery = z.object({ roadClass: roadClass.optional(), ...paging });
export const wimStationAdminListQuery = z.object({ kind: wimStationKind.optional(), ...paging });
export const sourceSiteAdminListQuery = z.object({ companyId: safeString().min(1).optional(), ...paging });
