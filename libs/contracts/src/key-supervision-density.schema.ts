import { z } from 'zod';
import { safeString } from './safe-string';

/**
 * `GET /v1/key-supervision/density`: current 重点监管 listings counted per region code, at the
 * province (`xx0000`) and prefecture (`xxxx00`) levels, within the caller's scope. The offline
 * basemap colours its regions by it (RULES.md §10).
 */
export const keySupervisionDensityRow = z.object({
  /** 6-digit administrative division code (GB/T 2260), e.g. `440000` (province) or `440100` (prefecture). */
  regionCode: safeString().regex(/^\d{6}$/, 'a 6-digit 行政区划代码'),
  level: z.enum(['province', 'prefecture']),
  /** Vehicles listed now whose region code lies in this region. */
  vehicles: z.number().int().min(0),
  /** Companies listed now whose region code lies in this region. */
  companies: z.number().int().min(0),
});
export const keySupervisionDensitySchema = z.object({ regions: z.array(keySupervisionDensityRow), asOfMs: z.number().int() });
export type KeySupervisionDensityRow = z.infer<typeof keySupervisionDensityRow>;
export type KeySupervisionDensity = z.infer<typeof keySupervisionDensitySchema>;
