import { readFileSync } from 'node:fs';
import { vehicleRegistryFile, type VehicleRegistryEntryV1 } from '@roadwatch/contracts';
import { VehicleRegistry, vehicleIdOf, type VehicleFacts } from '@roadwatch/domain';

/**
 * The registry export (`vehicleRegistryFile` of @roadwatch/contracts: a JSON array of
 * `{ terminalId?, plate, plateColour, vehicleClass?, vehicleId?, … }`), read once at
 * start-up. A malformed registry stops the process with the source and the offending
 * entry named: running on with a partial registry would misread vehicles silently.
 */
export const parseVehicleRegistry = (json: string, source: string): VehicleRegistry => {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`vehicle registry ${source} is not valid JSON: ${(error as Error).message}`);
  }
  const result = vehicleRegistryFile.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const index = issue?.path[0];
    const entry = Array.isArray(raw) && typeof index === 'number' ? describeEntry(raw[index]) : '';
    throw new Error(`vehicle registry ${source} is invalid at [${issue?.path.join('.')}]${entry}: ${issue?.message}`);
  }
  return new VehicleRegistry(result.data.map(registrationOf));
};

export const loadVehicleRegistryFile = (path: string): VehicleRegistry => {
  let json: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`vehicle registry ${path} cannot be read: ${(error as Error).message}`);
  }
  return parseVehicleRegistry(json, path);
};

const registrationOf = ({ terminalId, vehicleId, ...rest }: VehicleRegistryEntryV1): { terminalId?: string; facts: VehicleFacts } => {
  // The id is derived from plate + colour unless the registry gives one (ARCHITECTURE.md "Identity").
  const facts: VehicleFacts = { ...rest, vehicleId: vehicleId ?? vehicleIdOf(rest.plate, rest.plateColour) };
  return terminalId === undefined ? { facts } : { terminalId, facts };
};

/** " (plate 京A12345, terminal 13800000001)" — enough to find the entry in a large file. */
const describeEntry = (entry: unknown): string => {
  if (typeof entry !== 'object' || entry === null) return '';
  const { plate, terminalId } = entry as { plate?: unknown; terminalId?: unknown };
  const parts = [typeof plate === 'string' ? `plate ${plate}` : '', typeof terminalId === 'string' ? `terminal ${terminalId}` : ''].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
};
