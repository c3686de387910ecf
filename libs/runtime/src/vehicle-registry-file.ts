import { readFileSync } from 'node:fs';
import { registryExportFile, vehicleRegistryFile, type VehicleRegistryEntryV1, type WimStationRegistryEntryV1 } from '@roadwatch/contracts';
import { VehicleRegistry, vehicleIdOf, type VehicleFacts } from '@roadwatch/domain';

/** What the registry export holds for the services: the vehicles, and each WIM station's accuracy class by station id. */
export interface RegistryExport {
  vehicles: VehicleRegistry;
  wimStationClasses: Record<string, number>;
}

/**
 * The registry export, read once at start-up: a JSON array of vehicle entries
 * (`vehicleRegistryFile` of @roadwatch/contracts: `{ terminalId?, plate, plateColour,
 * vehicleClass?, vehicleId?, … }`), or `{ "vehicles": [...], "wimStations": [{ stationId,
 * accuracyClassPct }] }` (`registryExportFile`). A malformed registry stops the process with the
 * source and the offending entry named: running on with a partial registry would misread
 * vehicles silently.
 */
const vehiclesOnly = vehicleRegistryFile.transform((vehicles) => ({ vehicles, wimStations: [] as WimStationRegistryEntryV1[] }));

export const parseRegistryExport = (json: string, source: string): RegistryExport => {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new Error(`vehicle registry ${source} is not valid JSON: ${(error as Error).message}`);
  }
  // An object without `vehicles` is read as a bad array, as before the object form existed.
  const withStations = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'vehicles' in raw;
  const result = withStations ? registryExportFile.safeParse(raw) : vehiclesOnly.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`vehicle registry ${source} is invalid at [${issue?.path.join('.')}]${describeEntry(entryAt(raw, issue?.path ?? []))}: ${issue?.message}`);
  }
  const wimStationClasses: Record<string, number> = {};
  for (const { stationId, accuracyClassPct } of result.data.wimStations) if (accuracyClassPct !== undefined) wimStationClasses[stationId] = accuracyClassPct;
  return { vehicles: new VehicleRegistry(result.data.vehicles.map(registrationOf)), wimStationClasses };
};

export const parseVehicleRegistry = (json: string, source: string): VehicleRegistry => parseRegistryExport(json, source).vehicles;

export const loadRegistryExportFile = (path: string): RegistryExport => {
  let json: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`vehicle registry ${path} cannot be read: ${(error as Error).message}`);
  }
  return parseRegistryExport(json, path);
};

export const loadVehicleRegistryFile = (path: string): VehicleRegistry => loadRegistryExportFile(path).vehicles;

/** The entry an issue's path points into: the element at its first index. */
const entryAt = (raw: unknown, path: readonly PropertyKey[]): unknown => {
  let at: unknown = raw;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
    if (typeof key === 'number') return at;
  }
  return undefined;
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
