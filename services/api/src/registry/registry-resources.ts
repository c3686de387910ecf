import {
  companyDto,
  driverDto,
  driverListQuery,
  sourceSiteAdminListQuery,
  sourceSiteDto,
  speedZoneDto,
  speedZoneListQuery,
  terminalDto,
  terminalListQuery,
  vehicleDto,
  wimStationAdminListQuery,
  wimStationDto,
  type RegistryEntity,
  type VehicleDto,
} from '@roadwatch/contracts';
import type { RegistryTable } from '@roadwatch/storage';
import type { z } from 'zod';
import { Scope } from '../auth/scope';
import type { RegistryAdminRepository } from '../repositories/registry-admin.repository';
import type { VehiclesRepository } from '../repositories/vehicles.repository';
import { conflict, missingReference } from './registry-command.error';
import { fieldChanges } from './registry-unit-of-work';

export type Page = { limit: number; offset: number };

/** One registry table as the admin REST sees it; the routes and the write use cases are the same for each. */
export interface RegistryResource {
  what: string;
  entity: RegistryEntity;
  idKey: string;
  dto: z.ZodType<Record<string, unknown>>;
  /** For the resources listed by the generic routes; companies and vehicles have routes of their own (and no delete). */
  table?: RegistryTable;
  listQuery?: z.ZodType<Page>;
  list?(query: Page): Promise<unknown[]>;
  /** The id the row is stored under (a terminal's SIM number padded or not), undefined when absent. */
  storedId(id: string): Promise<string | undefined>;
  /** The record as the admin REST answers it (the audit log's `before`). */
  get(storedId: string): Promise<unknown>;
  put(dto: Record<string, unknown>, storedId?: string): Promise<unknown>;
  /** Refuses (RegistryCommandError naming the field) a body that refers to a row that does not exist. */
  checkReferences?(dto: Record<string, unknown>): Promise<void>;
  /** Other rows the write changes besides its own (a vehicle's body binds a terminal). */
  alsoChanged?(dto: Record<string, unknown>): Array<{ entity: RegistryEntity; id: string }>;
  /** Whether the stored record (`before`, as `get` answers it) is already what the body says (a seed re-run then writes nothing); default: the same fields. */
  sameAsStored?(dto: Record<string, unknown>, before: unknown): Promise<boolean>;
}

/** Each resource lists with its own query type; the routes only need its page. */
const resource = <Q extends Page>(
  def: Omit<RegistryResource, 'listQuery' | 'list'> & { listQuery?: z.ZodType<Q>; list?(query: Q): Promise<unknown[]> },
): RegistryResource => def as unknown as RegistryResource;

export interface RegistryRepositories {
  vehicles: VehiclesRepository;
  registryAdmin: RegistryAdminRepository;
}

/** The registry resources by path segment (`companies`, `terminals`, …) over these repositories (a pool's or a transaction's). */
export const registryResources = ({ vehicles, registryAdmin: admin }: RegistryRepositories): Record<string, RegistryResource> => {
  const byGet = (get: (id: string) => Promise<unknown>) => async (id: string) => ((await get(id)) !== undefined ? id : undefined);
  const company = async (dto: Record<string, unknown>): Promise<void> => {
    const companyId = dto['companyId'] as string | undefined;
    if (companyId && !(await admin.companyExists(companyId))) missingReference('companyId', 'company', companyId);
  };
  // The casts bind each DTO type to its repository method; the zod schema has already checked the shape.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  return {
    companies: resource({
      what: 'company',
      entity: 'company',
      idKey: 'companyId',
      dto: companyDto as any,
      storedId: byGet(async (id) => ((await vehicles.companyExists(id)) ? id : undefined)),
      get: async (id) => (await vehicles.listCompanies(Scope.of({ username: 'registry', role: 'admin' }))).find((c) => c.companyId === id),
      put: async (dto) => {
        await vehicles.upsertCompany(dto as any);
        return dto;
      },
    }),
    vehicles: resource({
      what: 'vehicle',
      entity: 'vehicle',
      idKey: 'vehicleId',
      dto: vehicleDto as any,
      storedId: byGet(async (id) => ((await vehicles.vehicleExists(id)) ? id : undefined)),
      // The record as the DTO names it: the bound terminals are listed apart.
      get: async (id) => {
        const record = await vehicles.registryRecord(id);
        if (!record) return undefined;
        const { terminalIds: _terminalIds, ...vehicle } = record;
        return vehicle;
      },
      put: async (dto) => {
        await vehicles.upsertVehicle(dto as any);
        return dto;
      },
      checkReferences: async (dto) => {
        const vehicle = dto as unknown as VehicleDto;
        if (!(await vehicles.companyExists(vehicle.companyId))) missingReference('companyId', 'company', vehicle.companyId);
        // A plate and colour name one vehicle: another vehicle's is a 409, not a unique-key 500.
        const holder = await vehicles.otherVehicleWithPlate(vehicle);
        if (holder !== undefined) conflict(`plate ${vehicle.plate} (colour ${vehicle.plateColour}) is registered to vehicle ${holder}`);
      },
      alsoChanged: (dto) => (typeof dto['terminalId'] === 'string' ? [{ entity: 'terminal', id: dto['terminalId'] }] : []),
      // The body's terminalId is a binding, not a field of the stored record: the same when that terminal is bound to the vehicle.
      sameAsStored: async ({ terminalId, ...record }, before) => {
        if (Object.keys(fieldChanges(before, record)).length > 0) return false;
        if (typeof terminalId !== 'string') return true;
        const stored = await admin.storedTerminalId(terminalId);
        return stored !== undefined && (await vehicles.registryRecord(record['vehicleId'] as string))?.terminalIds.includes(stored) === true;
      },
    }),
    terminals: resource({
      what: 'terminal',
      entity: 'terminal',
      table: 'terminals',
      idKey: 'terminalId',
      dto: terminalDto as any,
      listQuery: terminalListQuery,
      list: (q) => admin.terminals(q, q),
      storedId: (id) => admin.storedTerminalId(id),
      get: (id) => admin.terminal(id),
      put: (dto, stored) => admin.putTerminal(dto as any, stored),
      checkReferences: async (dto) => {
        const vehicleId = dto['vehicleId'] as string | undefined;
        if (vehicleId && !(await admin.vehicleExists(vehicleId))) missingReference('vehicleId', 'vehicle', vehicleId);
      },
    }),
    drivers: resource({
      what: 'driver',
      entity: 'driver',
      table: 'drivers',
      idKey: 'driverId',
      dto: driverDto as any,
      listQuery: driverListQuery,
      list: (q) => admin.drivers(q, q),
      storedId: byGet((id) => admin.driver(id)),
      get: (id) => admin.driver(id),
      put: (dto) => admin.putDriver(dto as any),
      checkReferences: company,
    }),
    'speed-zones': resource({
      what: 'speed zone',
      entity: 'speed_zone',
      table: 'road_speed_zones',
      idKey: 'segmentId',
      dto: speedZoneDto as any,
      listQuery: speedZoneListQuery,
      list: (q) => admin.speedZones(q, q),
      storedId: byGet((id) => admin.speedZone(id)),
      get: (id) => admin.speedZone(id),
      put: (dto) => admin.putSpeedZone(dto as any),
    }),
    'wim-stations': resource({
      what: 'WIM station',
      entity: 'wim_station',
      table: 'wim_stations',
      idKey: 'stationId',
      dto: wimStationDto as any,
      listQuery: wimStationAdminListQuery,
      list: (q) => admin.wimStations(q, q),
      storedId: byGet((id) => admin.wimStation(id)),
      get: (id) => admin.wimStation(id),
      put: (dto) => admin.putWimStation(dto as any),
    }),
    'source-sites': resource({
      what: 'source site',
      entity: 'source_site',
      table: 'source_sites',
      idKey: 'sourceSiteId',
      dto: sourceSiteDto as any,
      listQuery: sourceSiteAdminListQuery,
      list: (q) => admin.sourceSites(q, q),
      storedId: byGet((id) => admin.sourceSite(id)),
      get: (id) => admin.sourceSite(id),
      put: (dto) => admin.putSourceSite(dto as any),
      checkReferences: company,
    }),
  };
  /* eslint-enable @typescript-eslint/no-explicit-any */
};
