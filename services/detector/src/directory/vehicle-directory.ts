import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { vehicleClass as vehicleClassSchema } from '@roadwatch/contracts';
import { vehicleIdOf, type VehicleFacts } from '@roadwatch/domain';

/**
 * The vehicle registry as the detector needs it: facts by vehicle id (positions) and by
 * plate + colour (WIM records). Lookups are synchronous and in memory — the detector
 * looks up every position, so a network round trip per event is out of the question;
 * a registry that changes is reloaded, not queried.
 */
export interface VehicleDirectory {
  byVehicleId(vehicleId: string): VehicleFacts | undefined;
  byPlate(plate: string, plateColour: number): VehicleFacts | undefined;
  readonly size: number;
}

export class InMemoryVehicleDirectory implements VehicleDirectory {
  private readonly facts = new Map<string, VehicleFacts>();

  constructor(vehicles: Iterable<VehicleFacts>) {
    for (const facts of vehicles) this.facts.set(facts.vehicleId, facts);
  }

  /** The standalone mode's registry: the simulated fleet's own facts. */
  static fromFleet(fleet: Iterable<{ facts: VehicleFacts }>): InMemoryVehicleDirectory {
    return new InMemoryVehicleDirectory([...fleet].map((vehicle) => vehicle.facts));
  }

  byVehicleId(vehicleId: string): VehicleFacts | undefined {
    return this.facts.get(vehicleId);
  }

  byPlate(plate: string, plateColour: number): VehicleFacts | undefined {
    // The vehicle id is derived from plate + colour (ARCHITECTURE.md "Identity").
    return this.facts.get(vehicleIdOf(plate, plateColour));
  }

  get size(): number {
    return this.facts.size;
  }
}

const vehicleFactsSchema = z.object({
  plate: z.string().min(1),
  plateColour: z.number().int().min(0).max(255),
  vehicleClass: vehicleClassSchema,
  vehicleId: z.string().min(1).optional(),
  companyId: z.string().optional(),
  regionCode: z.string().optional(),
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

export const vehicleRegistryFileSchema = z.array(vehicleFactsSchema);

/**
 * Cluster mode, kept simple: a JSON array of vehicle facts (the registry export), read once
 * at start-up from a file or from an environment variable. A malformed file stops the
 * process with the offending entry named.
 */
export const parseVehicleRegistry = (json: string, source: string): InMemoryVehicleDirectory => {
  const result = vehicleRegistryFileSchema.safeParse(JSON.parse(json));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`vehicle registry ${source} is invalid at [${issue?.path.join('.')}]: ${issue?.message}`);
  }
  return new InMemoryVehicleDirectory(
    result.data.map((entry) => ({ ...entry, vehicleId: entry.vehicleId ?? vehicleIdOf(entry.plate, entry.plateColour) })),
  );
};

export const loadVehicleRegistryFile = (path: string): InMemoryVehicleDirectory =>
  parseVehicleRegistry(readFileSync(path, 'utf8'), path);

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
