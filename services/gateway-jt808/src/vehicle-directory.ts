import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { vehicleClass } from '@roadwatch/contracts';
import { vehicleIdOf, type VehicleFacts } from '@roadwatch/domain';
import { canonicalTerminalId } from './terminal-id';

/**
 * Terminal → vehicle (plate, colour, vehicleId). Looked up once per authenticated
 * connection; a terminal that is not in the directory still reports, flagged
 * `registered: false` (ARCHITECTURE.md "Identity").
 */
export interface VehicleDirectory {
  lookup(terminalId: string): Promise<VehicleFacts | undefined> | VehicleFacts | undefined;
}

export class InMemoryVehicleDirectory implements VehicleDirectory {
  private readonly byTerminal = new Map<string, VehicleFacts>();

  constructor(entries: Iterable<{ terminalId: string; facts: VehicleFacts }> = []) {
    for (const { terminalId, facts } of entries) this.set(terminalId, facts);
  }

  set(terminalId: string, facts: VehicleFacts): void {
    this.byTerminal.set(canonicalTerminalId(terminalId), facts);
  }

  lookup(terminalId: string): VehicleFacts | undefined {
    return this.byTerminal.get(canonicalTerminalId(terminalId));
  }

  get size(): number {
    return this.byTerminal.size;
  }

  /** From the simulated fleet (`createSimulatedFleet` of @roadwatch/testing), for standalone mode. */
  static fromFleet(fleet: Iterable<{ terminalPhone: string; facts: VehicleFacts }>): InMemoryVehicleDirectory {
    return new InMemoryVehicleDirectory([...fleet].map((vehicle) => ({ terminalId: vehicle.terminalPhone, facts: vehicle.facts })));
  }

  /** A JSON file: `[{ terminalId, plate, plateColour, vehicleClass?, companyId?, regionCode? }]`. */
  static async fromFile(path: string): Promise<InMemoryVehicleDirectory> {
    const rows = directoryFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    return new InMemoryVehicleDirectory(
      rows.map((row) => ({
        terminalId: row.terminalId,
        facts: {
          vehicleId: vehicleIdOf(row.plate, row.plateColour),
          plate: row.plate,
          plateColour: row.plateColour,
          vehicleClass: row.vehicleClass,
          ...(row.companyId ? { companyId: row.companyId } : {}),
          ...(row.regionCode ? { regionCode: row.regionCode } : {}),
        },
      })),
    );
  }
}

const directoryFileSchema = z.array(
  z.object({
    terminalId: z.string().regex(/^\d{1,20}$/),
    plate: z.string().min(1),
    plateColour: z.number().int().min(0).max(255),
    vehicleClass: vehicleClass.default('other'),
    companyId: z.string().optional(),
    regionCode: z.string().optional(),
  }),
);
