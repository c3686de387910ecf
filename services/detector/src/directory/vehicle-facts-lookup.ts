import type { VehicleFacts } from '@roadwatch/domain';

/**
 * What the detector needs of the vehicle registry: facts by vehicle id (positions) and by
 * plate + colour (WIM records). Lookups are synchronous and in memory — the detector
 * looks up every position, so a network round trip per event is out of the question;
 * a registry that changes is reloaded, not queried. `VehicleRegistry` of
 * @roadwatch/domain is the implementation, `loadVehicleRegistryFile` of
 * @roadwatch/runtime reads the registry export.
 */
export interface VehicleFactsLookup {
  byVehicleId(vehicleId: string): VehicleFacts | undefined;
  byPlate(plate: string, plateColour: number): VehicleFacts | undefined;
  readonly size: number;
}

/**
 * Facts for a vehicle the registry does not know. RULES.md §8: where a doubt remains it
 * goes to the party, and an alert must hold under any fair reading of the data. Of the
 * classes, `other` is the reading that asks least of the driver: the highest expressway
 * cap (120), no passenger night rules (80% speed, 2 h night driving), no 02:00–05:00 ban,
 * no hazmat caps, no class-scored points. What it still raises (a 4 h drive, > 8 h a day,
 * speeding over a posted limit) holds whatever the vehicle turns out to be. The vehicle is
 * flagged (`registered: false` in the alert details, a metric) so the registry gap is seen.
 */
export const unknownVehicleFacts = (vehicleId: string, plate?: string, plateColour?: number): VehicleFacts => ({
  vehicleId,
  plate: plate ?? vehicleId,
  plateColour: plateColour ?? 0,
  vehicleClass: 'other',
});
