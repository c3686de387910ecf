import { z } from 'zod';
import { epochMs } from './common.schema';
import { safeString } from './safe-string';

/** `POST /v1/roster/shifts`, `PUT /v1/roster/shifts/:shiftId`: who drives which vehicle in [startsAtMs, endsAtMs). */
export const driverShiftRequest = z
  .object({
    driverId: safeString().min(1).max(64),
    vehicleId: safeString().min(1).max(64),
    startsAtMs: epochMs,
    endsAtMs: epochMs,
  })
  .refine((s) => s.endsAtMs > s.startsAtMs, { message: 'endsAtMs must be after startsAtMs', path: ['endsAtMs'] })
  // A shift longer than a week is a typing mistake, not a roster (RULES §2 caps a week's driving far below it).
  .refine((s) => s.endsAtMs - s.startsAtMs <= 7 * 86_400_000, { message: 'a shift lasts at most 7 days', path: ['endsAtMs'] });
export type DriverShiftRequest = z.infer<typeof driverShiftRequest>;

export const driverShiftItem = z.object({
  shiftId: safeString(),
  companyId: safeString(),
  driverId: safeString(),
  vehicleId: safeString(),
  startsAtMs: z.number().int(),
  endsAtMs: z.number().int(),
});
export type DriverShiftItem = z.infer<typeof driverShiftItem>;

/** `GET /v1/roster/shifts`: the shifts in scope, oldest first; those overlapping [fromMs, toMs) when given. */
export const driverShiftListQuery = z.object({
  companyId: safeString().min(1).max(64).optional(),
  vehicleId: safeString().min(1).max(64).optional(),
  driverId: safeString().min(1).max(64).optional(),
  fromMs: z.coerce.number().int().nonnegative().optional(),
  toMs: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type DriverShiftListQuery = z.infer<typeof driverShiftListQuery>;
