import { z } from 'zod';
import { safeString } from './safe-string';
import { plateColour, vehicleClass } from './common.schema';
import { wimStationRecordV1 } from './wim-station-record.schema';

/**
 * One entry of the vehicle registry export (ARCHITECTURE.md "Identity"): a vehicle's facts
 * and, when it has one, its terminal (SIM number). The gateway looks entries up by
 * terminal, the detector by vehicle id and by plate + colour; both read the same file.
 * `vehicleId` defaults to the id derived from plate + colour; `vehicleClass` to `other`,
 * the reading the detector also gives a vehicle it does not know.
 */
export const vehicleRegistryEntry = z.object({
  /** The terminal's SIM number, digits only, padded or not (canonicalised on lookup). */
  terminalId: safeString()
    .regex(/^\d{1,20}$/)
    .optional(),
  vehicleId: safeString().min(1).optional(),
  plate: safeString().min(1),
  plateColour,
  vehicleClass: vehicleClass.default('other'),
  companyId: safeString().optional(),
  regionCode: safeString().optional(),
  routeKm: z.number().positive().optional(),
  tripKm: z.number().positive().optional(),
  ownCapKmh: z.number().positive().optional(),
  axleCount: z.number().int().positive().optional(),
  isCombination: z.boolean().optional(),
  hasSingleDriveAxle: z.boolean().optional(),
  hasAirSuspension: z.boolean().optional(),
  hasSingleTyreNonDriveAxles: z.boolean().optional(),
  registeredMaxGrossKg: z.number().positive().optional(),
});
export type VehicleRegistryEntryV1 = z.infer<typeof vehicleRegistryEntry>;

/** The registry file: a JSON array of entries. */
export const vehicleRegistryFile = z.array(vehicleRegistryEntry);

/** A WIM station as the detector reads it: its accuracy class (JJG 907), the tolerance of its weighings (RULES.md §4). */
export const wimStationRegistryEntry = z.object({
  stationId: safeString().min(1),
  accuracyClassPct: wimStationRecordV1.shape.accuracyClassPct,
});
export type WimStationRegistryEntryV1 = z.infer<typeof wimStationRegistryEntry>;

/**
 * The registry export with more than vehicles: `{ vehicles, wimStations }`. The plain array
 * (`vehicleRegistryFile`) is the same export without stations; readers take either.
 */
export const registryExportFile = z
  .object({
    vehicles: vehicleRegistryFile,
    wimStations: z.array(wimStationRegistryEntry).default([]),
  })
  .strict();
