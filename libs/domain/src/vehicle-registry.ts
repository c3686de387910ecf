import { canonicalTerminalId } from './terminal-id';
import { vehicleIdOf, type VehicleFacts } from './vehicle';

/** One vehicle of the registry and, when it has one, its terminal (SIM number). */
export interface VehicleRegistration {
  terminalId?: string;
  facts: VehicleFacts;
}

/**
 * The vehicle registry in memory (ARCHITECTURE.md "Identity"): facts by terminal (the
 * gateway, once per authenticated connection), by vehicle id (the detector, every
 * position) and by plate + colour (WIM records). Lookups are synchronous — the detector
 * looks up every position; a registry that changes is reloaded, not queried. A later
 * entry for the same terminal, vehicle id or plate replaces an earlier one.
 */
export class VehicleRegistry {
  private readonly terminals = new Map<string, VehicleFacts>();
  private readonly vehicles = new Map<string, VehicleFacts>();
  private readonly plates = new Map<string, VehicleFacts>();

  constructor(registrations: Iterable<VehicleRegistration> = []) {
    for (const { terminalId, facts } of registrations) {
      if (terminalId !== undefined) this.terminals.set(canonicalTerminalId(terminalId), facts);
      this.vehicles.set(facts.vehicleId, facts);
      this.plates.set(vehicleIdOf(facts.plate, facts.plateColour), facts);
    }
  }

  /** From a fleet such as `createSimulatedFleet` of @roadwatch/simulator (standalone mode, tests). */
  static fromFleet(fleet: Iterable<{ terminalPhone?: string; facts: VehicleFacts }>): VehicleRegistry {
    return new VehicleRegistry(
      Array.from(fleet, (vehicle) =>
        vehicle.terminalPhone === undefined ? { facts: vehicle.facts } : { terminalId: vehicle.terminalPhone, facts: vehicle.facts },
      ),
    );
  }

  /** By terminal id, padded or not (`canonicalTerminalId`). */
  byTerminal(terminalId: string): VehicleFacts | undefined {
    return this.terminals.get(canonicalTerminalId(terminalId));
  }

  byVehicleId(vehicleId: string): VehicleFacts | undefined {
    return this.vehicles.get(vehicleId);
  }

  /** By plate + colour, normalised the way `vehicleIdOf` normalises them. */
  byPlate(plate: string, plateColour: number): VehicleFacts | undefined {
    return this.plates.get(vehicleIdOf(plate, plateColour));
  }

  /** Number of vehicles (distinct vehicle ids). */
  get size(): number {
    return this.vehicles.size;
  }
}
