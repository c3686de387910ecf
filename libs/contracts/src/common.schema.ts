import { z } from 'zod';

export const epochMs = z.number().int().nonnegative();
export const vehicleClass = z.enum(['tour_coach', 'long_distance_bus', 'hazmat', 'heavy_truck', 'other']);
export const plateColour = z.number().int().min(0).max(255);
export const severity = z.enum(['info', 'minor', 'major', 'serious', 'critical']);
export type Severity = z.infer<typeof severity>;
