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

/**
 * One resource, typed by its DTO (`D`, what its zod schema yields and its repository writes)
 * and its list query (`Q`); the routes see every resource alike. The stored id is the id as
 * given when the row is there: found by `exists` where the resource has a check cheaper than
 * `get`, else by `get`; a resource that stores ids differently (a terminal's padded SIM
 * number) says how in `storedId`.
 */
const resource = <D extends Record<string, unknown>, Q extends Page = Page>(
  def: Omit<RegistryResource, 'dto' | 'listQuery' | 'list' | 'storedId' | 'put' | 'checkReferences' | 'alsoChanged' | 'sameAsStored'> & {
    dto: z.ZodType<D>;
    listQuery?: z.ZodType<Q>;
    list?(query: Q): Promise<unknown[]>;
    storedId?(id: string): Promise<string | undefined>;
    exists?(id: string): Promise<boolean>;
    // D is the schema's: the methods are checked against it, not inferred from.
    put(dto: NoInfer<D>, storedId?: string): Promise<unknown>;
    checkReferences?(dto: NoInfer<D>): Promise<void>;
    alsoChanged?(dto: NoInfer<D>): Array<{ entity: RegistryEntity; id: string }>;
    sameAsStored?(dto: NoInfer<D>, before: unknown): Promise<boolean>;
  },
): RegistryResource => {
  const { exists, storedId, ...rest } = def;
  const found = exists ?? (async (id: string) => (await def.get(id)) !== undefined);
  // The routes hand over what the resource's own schema parsed: its DTO.
  return { ...rest, storedId: storedId ?? (async (id) => ((await found(id)) ? id : undefined)) } as unknown as RegistryResource;
};

export interface RegistryRepositories {
  vehicles: VehiclesRepository;
  registryAdmin: RegistryAdminRepository;
}

/** The registry resources by path segment (`companies`, `terminals`, …) over these repositories (a pool's or a transaction's). */
export const registryResources = ({ vehicles, registryAdmin: admin }: RegistryRepositories): Record<string, RegistryResource> => {
  const company = async ({ companyId }: { companyId?: string | undefined }): Promise<void> => {
    if (companyId && !(await admin.companyExists(companyId))) missingReference('companyId', 'company', companyId);
  };
  return {
    companies: resource({
      what: 'company',
      entity: 'company',
      idKey: 'companyId',
      dto: companyDto,
      exists: (id) => vehicles.companyExists(id),
      get: async (id) => (await vehicles.listCompanies(Scope.of({ username: 'registry', role: 'admin' }))).find((c) => c.companyId === id),
      put: async (dto) => {
        await vehicles.upsertCompany(dto);
        return dto;
      },
    }),
    vehicles: resource({
      what: 'vehicle',
      entity: 'vehicle',
      idKey: 'vehicleId',
      dto: vehicleDto,
      exists: (id) => vehicles.vehicleExists(id),
      // The record as the DTO names it: the bound terminals are listed apart.
      get: async (id) => {
        const record = await vehicles.registryRecord(id);
        if (!record) return undefined;
        const { terminalIds: _terminalIds, ...vehicle } = record;
        return vehicle;
      },
      put: async (dto) => {
        await vehicles.upsertVehicle(dto);
        return dto;
      },
      checkReferences: async (vehicle) => {
        if (!(await vehicles.companyExists(vehicle.companyId))) missingReference('companyId', 'company', vehicle.companyId);
        // A plate and colour name one vehicle: another vehicle's is a 409, not a unique-key 500.
        const holder = await vehicles.otherVehicleWithPlate(vehicle);
        if (holder !== undefined) conflict(`plate ${vehicle.plate} (colour ${vehicle.plateColour}) is registered to vehicle ${holder}`);
      },
      alsoChanged: (dto) => (dto.terminalId !== undefined ? [{ entity: 'terminal', id: dto.terminalId }] : []),
      // The body's terminalId is a binding, not a field of the stored record: the same when that terminal is bound to the vehicle.
      sameAsStored: async ({ terminalId, ...record }, before) => {
        if (Object.keys(fieldChanges(before, record)).length > 0) return false;
        if (terminalId === undefined) return true;
        const stored = await admin.storedTerminalId(terminalId);
        return stored !== undefined && (await vehicles.registryRecord(record.vehicleId))?.terminalIds.includes(stored) === true;
      },
    }),
    terminals: resource({
      what: 'terminal',
      entity: 'terminal',
      table: 'terminals',
      idKey: 'terminalId',
      dto: terminalDto,
      listQuery: terminalListQuery,
      list: (q) => admin.terminals(q, q),
      storedId: (id) => admin.storedTerminalId(id),
      get: (id) => admin.terminal(id),
      put: (dto, stored) => admin.putTerminal(dto, stored),
      checkReferences: async ({ vehicleId }) => {
        if (vehicleId && !(await admin.vehicleExists(vehicleId))) missingReference('vehicleId', 'vehicle', vehicleId);
      },
    }),
    drivers: resource({
      what: 'driver',
      entity: 'driver',
      table: 'drivers',
      idKey: 'driverId',
      dto: driverDto,
      listQuery: driverListQuery,
      list: (q) => admin.drivers(q, q),
      get: (id) => admin.driver(id),
      put: (dto) => admin.putDriver(dto),
      checkReferences: company,
    }),
    'speed-zones': resource({
      what: 'speed zone',
      entity: 'speed_zone',
      table: 'road_speed_zones',
      idKey: 'segmentId',
      dto: speedZoneDto,
      listQuery: speedZoneListQuery,
      list: (q) => admin.speedZones(q, q),
      get: (id) => admin.speedZone(id),
      put: (dto) => admin.putSpeedZone(dto),
    }),
    'wim-stations': resource({
      what: 'WIM station',
      entity: 'wim_station',
      table: 'wim_stations',
      idKey: 'stationId',
      dto: wimStationDto,
      listQuery: wimStationAdminListQuery,
      list: (q) => admin.wimStations(q, q),
      get: (id) => admin.wimStation(id),
      put: (dto) => admin.putWimStation(dto),
    }),
    'source-sites': resource({
      what: 'source site',
      entity: 'source_site',
      table: 'source_sites',
      idKey: 'sourceSiteId',
      dto: sourceSiteDto,
      listQuery: sourceSiteAdminListQuery,
      list: (q) => admin.sourceSites(q, q),
      get: (id) => admin.sourceSite(id),
      put: (dto) => admin.putSourceSite(dto),
      checkReferences: async (dto) => {
        await company(dto);
        if (dto.siteKind && !(await admin.sourceSiteKindExists(dto.siteKind))) missingReference('siteKind', 'source site kind', dto.siteKind);
      },
    }),
  };
};
