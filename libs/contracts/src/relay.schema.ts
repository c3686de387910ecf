import { z } from 'zod';
import { safeString } from './safe-string';
import { epochMs, requestDate, vehicleClass } from './common.schema';
import { localDate } from './quality.schema';
import { chinaLatitudeDeg, chinaLongitudeDeg, withPlace } from './registry-admin.schema';

/**
 * 接驳运输 relay registrations (`/v1/relays`; RULES.md §3): a long-distance passenger
 * vehicle registered as running a relay on a night — the driver handing over, the one taking
 * over, and the relay point — is exempt from the 02:00–05:00 rule that night. Registered in
 * advance or for tonight (the night of yesterday's date at the latest, while it lasts).
 */

/** The classes the 02:00–05:00 rule applies to (libs/rules `nightBan` busClasses and tripClasses), the only ones registered. */
export const RELAY_VEHICLE_CLASSES = ['long_distance_bus', 'tour_coach'] as const satisfies readonly z.infer<typeof vehicleClass>[];

/** A calendar date that exists (2026-02-30 does not), within 2000–2100 (0000-01-01 is refused, not sent to SQL). */
export const nightDate = requestDate;

/** A driver: the registry's driver id or the name, as the company knows them. */
const driver = safeString().trim().min(1).max(100);

export const relayRequest = withPlace(
  z.object({
    vehicleId: safeString().min(1).max(64),
    /** Local (GMT+8) date of the night's 02:00. */
    nightDate,
    /** 接驳点: where the drivers change (a service area, a station). */
    relayPoint: safeString().trim().min(1).max(200),
    latitudeDeg: chinaLatitudeDeg.optional(),
    longitudeDeg: chinaLongitudeDeg.optional(),
    handingOverDriver: driver,
    takingOverDriver: driver,
  }),
).refine((r) => r.handingOverDriver !== r.takingOverDriver, { message: 'the relay driver must be another driver', path: ['takingOverDriver'] });
export type RelayRequest = z.infer<typeof relayRequest>;

export const relayItem = z.object({
  relayId: safeString(),
  vehicleId: safeString(),
  /** The vehicle's plate as the registry has it now. */
  plate: safeString().optional(),
  nightDate: localDate,
  relayPoint: safeString(),
  latitudeDeg: z.number().optional(),
  longitudeDeg: z.number().optional(),
  handingOverDriver: safeString(),
  takingOverDriver: safeString(),
  /** The user who registered it. */
  registeredBy: safeString(),
  /** The vehicle's company when it was registered. */
  companyId: safeString().optional(),
  createdAtMs: epochMs,
});
export type RelayItem = z.infer<typeof relayItem>;

/** `GET /v1/relays`: nights from `fromDate` to `toDate` inclusive. */
export const relayListQuery = z
  .object({
    vehicleId: safeString().min(1).optional(),
    fromDate: nightDate.optional(),
    toDate: nightDate.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .refine((q) => q.fromDate === undefined || q.toDate === undefined || q.fromDate <= q.toDate, {
    message: 'toDate must not be before fromDate',
    path: ['toDate'],
  });
export type RelayListQuery = z.infer<typeof relayListQuery>;
