import { z } from 'zod';
import { safeString } from './safe-string';

export const epochMs = z.number().int().nonnegative();

/**
 * The instants a request may name: 2000-01-01 to 2100-01-01 (UTC). Wider values pass
 * JavaScript's number checks but overflow PostgreSQL's `to_timestamp` (a 500), and nothing
 * the platform records is outside them.
 */
export const REQUEST_EPOCH_BOUNDS = { minMs: Date.UTC(2000, 0, 1), maxMs: Date.UTC(2100, 0, 1) } as const;
const rangeText = 'between 2000-01-01 and 2100-01-01 (epoch ms 946684800000 … 4102444800000)';

/** An instant in a query string (`fromMs`, `toMs`): digits of epoch milliseconds within REQUEST_EPOCH_BOUNDS. */
export const queryEpochMs = z.coerce
  .number({ error: 'expected epoch milliseconds' })
  .int()
  .min(REQUEST_EPOCH_BOUNDS.minMs, `must be ${rangeText}`)
  .max(REQUEST_EPOCH_BOUNDS.maxMs, `must be ${rangeText}`);

/** A calendar date (YYYY-MM-DD) that exists and lies within REQUEST_EPOCH_BOUNDS, as requests name nights and days. */
export const requestDate = safeString()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
  .refine((s) => {
    const day = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(day) && new Date(day).toISOString().slice(0, 10) === s;
  }, 'not a calendar date')
  .refine((s) => s >= '2000-01-01' && s <= '2100-01-01', 'must be between 2000-01-01 and 2100-01-01');
/** A calendar month (YYYY-MM, China local) within REQUEST_EPOCH_BOUNDS, as requests name a 考核 period, a 通报 or a 运政 list. */
export const requestMonth = safeString()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM')
  .refine((s) => s >= '2000-01' && s < '2100-01', 'must be between 2000-01 and 2099-12');
export const vehicleClass = z.enum(['tour_coach', 'long_distance_bus', 'hazmat', 'heavy_truck', 'other']);
export const plateColour = z.number().int().min(0).max(255);
export const severity = z.enum(['info', 'minor', 'major', 'serious', 'critical']);
export type Severity = z.infer<typeof severity>;

/** A 行政区划代码 (administrative-division code) or one of its prefixes: 2–12 digits, never LIKE wildcards. */
export const divisionCode = safeString().regex(/^\d{2,12}$/, 'a 行政区划代码 (2–12 digits)');

/**
 * What a weighing station is (wim_stations.kind): `fixed` 治超站, `non_site` 不停车检测点, `source` 源头称重,
 * and (issue #15, RULES.md §13) `site_exit` a source site's exit scale, `entrance` an expressway entrance scale.
 */
export const wimStationKind = z.enum(['fixed', 'non_site', 'source', 'site_exit', 'entrance']);
export type WimStationKind = z.infer<typeof wimStationKind>;
