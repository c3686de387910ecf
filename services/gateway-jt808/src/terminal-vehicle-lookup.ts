import type { VehicleFacts } from '@roadwatch/domain';

/**
 * What the gateway needs of the vehicle registry: terminal → vehicle (plate, colour,
 * vehicleId), looked up once per authenticated connection. A terminal that is not in the
 * registry still reports, flagged `registered: false` (ARCHITECTURE.md "Identity").
 * `VehicleRegistry` of @roadwatch/domain is the in-memory one; the port may also be async.
 */
export interface TerminalVehicleLookup {
  byTerminal(terminalId: string): Promise<VehicleFacts | undefined> | VehicleFacts | undefined;
}
