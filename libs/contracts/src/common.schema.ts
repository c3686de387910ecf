import { z } from 'zod';
import { safeString } from './safe-string';

export const epochMs = z.number().int().nonnegative();
export const vehicleClass = z.enum(['tour_coach', 'long_distance_bus', 'hazmat', 'heavy_truck', 'other']);
export const plateColour = z.number().int().min(0).max(255);
export const severity = z.enum(['info', 'minor', 'major', 'serious', 'critical']);
export type Severity = z.infer<typeof severity>;

/** A 行政区划代码 (administrative-division code) or one of its prefixes: 2–12 digits, never LIKE wildcards. */
export const divisionCode = safeString().regex(/^\d{2,12}$/, 'a 行政区划代码 (2–12 digits)');
