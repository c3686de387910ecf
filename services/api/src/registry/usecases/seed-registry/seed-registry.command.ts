import type { CompanyDto, DriverDto, sourceSiteDto, VehicleDto, WimStationDto } from '@roadwatch/contracts';
import type { z } from 'zod';
import type { AuditContext } from '@roadwatch/storage';

/**
 * Records a deployment brings with it (the embedded default's simulated fleet, its demo WIM
 * station and source sites), written like an administrator's: through the same resources,
 * checks, audit log and `registry.changes` events. Re-running it over the same data writes nothing.
 */
export interface SeedRegistryCommand {
  by: AuditContext;
  companies?: readonly CompanyDto[];
  /** A vehicle's `terminalId` binds its terminal. */
  vehicles?: readonly VehicleDto[];
  /** The companies' drivers (an IC card's 从业资格证 number names one). */
  drivers?: readonly DriverDto[];
  wimStations?: readonly WimStationDto[];
  /** As given (before defaults: an absent `keySite` is false). */
  sourceSites?: readonly z.input<typeof sourceSiteDto>[];
}
