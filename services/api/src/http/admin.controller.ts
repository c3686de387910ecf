import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import { type VehicleDto, companyDto, driverDto, sourceSiteDto, speedZoneDto, terminalDto, vehicleDto, wimStationDto, driverListQuery, sourceSiteAdminListQuery, speedZoneListQuery, terminalListQuery, vehicleListQuery, wimStationAdminListQuery } from '@roadwatch/contracts';
import type { RegistryTable } from '@roadwatch/storage';
import type { z } from 'zod';
import type { AuditContext, AuditEntry } from '../auth/audit.repository';
import type { RegistryAdminRepository } from '../repositories/registry-admin.repository';
import type { ApiContext } from './api-context';
import { Scope } from '../auth/scope';
import { scopeOf } from './auth';
import { fail, notFound, parseOr400 } from './http-errors';
import { clientAddressOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';

/** A reference in the body to a row that does not exist: 400 naming the field, like a validation error. */
const missingReference = (field: string, what: string, id: string): never => fail(400, `body.${field}: ${what} ${id} not found`, [{ field: `body.${field}`, message: `no such ${what}` }]);

/** The fields of a record that differ between before and after (absent = unset), for the audit log. */
const fieldChanges = (before: unknown, after: unknown): NonNullable<AuditEntry['changes']> => {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const changes: NonNullable<AuditEntry['changes']> = {};
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[field]) === JSON.stringify(a[field])) continue;
    changes[field] = { ...(b[field] !== undefined ? { before: b[field] } : {}), ...(a[field] !== undefined ? { after: a[field] } : {}) };
  }
  return changes;
};

/** One registry table as the admin REST sees it; the routes below are the same for each. */
interface AdminResource {
  what: string;
  table: RegistryTable;
  idKey: string;
  dto: z.ZodType<Record<string, unknown>>;
  listQuery: z.ZodType<Page>;
  list(query: Page): Promise<unknown[]>;
  /** The id the row is stored under (a terminal's SIM number padded or not), undefined when absent. */
  storedId(id: string): Promise<string | undefined>;
  get(storedId: string): Promise<unknown>;
  put(dto: Record<string, unknown>, storedId?: string): Promise<unknown>;
  /** Throws a 400 naming the field when the body refers to a row that does not exist. */
  checkReferences?(dto: Record<string, unknown>): Promise<void>;
}

type Page = { limit: number; offset: number };

/** Each resource lists with its own query type; the routes only need its page. */
const resource = <Q extends Page>(def: Omit<AdminResource, 'listQuery' | 'list'> & { listQuery: z.ZodType<Q>; list(query: Q): Promise<unknown[]> }): AdminResource =>
  def as unknown as AdminResource;

const adminResources = (admin: RegistryAdminRepository): Record<string, AdminResource> => {
  const byGet = (get: (id: string) => Promise<unknown>) => async (id: string) => ((await get(id)) !== undefined ? id : undefined);
  const company = async (dto: Record<string, unknown>): Promise<void> => {
    const companyId = dto['companyId'] as string | undefined;
    if (companyId && !(await admin.companyExists(companyId))) missingReference('companyId', 'company', companyId);
  };
  // The casts bind each DTO type to its repository method; the zod schema has already checked the shape.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  return {
    terminals: resource({
      what: 'terminal', table: 'terminals', idKey: 'terminalId', dto: terminalDto as any, listQuery: terminalListQuery,
      list: (q) => admin.terminals(q, q), storedId: (id) => admin.storedTerminalId(id), get: (id) => admin.terminal(id),
      put: (dto, stored) => admin.putTerminal(dto as any, stored),
      checkReferences: async (dto) => {
        const vehicleId = dto['vehicleId'] as string | undefined;
        if (vehicleId && !(await admin.vehicleExists(vehicleId))) missingReference('vehicleId', 'vehicle', vehicleId);
      },
    }),
    drivers: resource({
      what: 'driver', table: 'drivers', idKey: 'driverId', dto: driverDto as any, listQuery: driverListQuery,
      list: (q) => admin.drivers(q, q), storedId: byGet((id) => admin.driver(id)), get: (id) => admin.driver(id), put: (dto) => admin.putDriver(dto as any), checkReferences: company,
    }),
    'speed-zones': resource({
      what: 'speed zone', table: 'road_speed_zones', idKey: 'segmentId', dto: speedZoneDto as any, listQuery: speedZoneListQuery,
      list: (q) => admin.speedZones(q, q), storedId: byGet((id) => admin.speedZone(id)), get: (id) => admin.speedZone(id), put: (dto) => admin.putSpeedZone(dto as any),
    }),
    'wim-stations': resource({
      what: 'WIM station', table: 'wim_stations', idKey: 'stationId', dto: wimStationDto as any, listQuery: wimStationAdminListQuery,
      list: (q) => admin.wimStations(q, q), storedId: byGet((id) => admin.wimStation(id)), get: (id) => admin.wimStation(id), put: (dto) => admin.putWimStation(dto as any),
    }),
    'source-sites': resource({
      what: 'source site', table: 'source_sites', idKey: 'sourceSiteId', dto: sourceSiteDto as any, listQuery: sourceSiteAdminListQuery,
      list: (q) => admin.sourceSites(q, q), storedId: byGet((id) => admin.sourceSite(id)), get: (id) => admin.sourceSite(id), put: (dto) => admin.putSourceSite(dto as any), checkReferences: company,
    }),
  };
  /* eslint-enable @typescript-eslint/no-explicit-any */
};

/**
 * Registry administration (`/v1/admin/...`, capability `registry.admin`: admin only; every
 * other role gets 403). POST creates (201; 409 when the id exists), PUT replaces the whole
 * record (404 when absent; the id comes from the path), DELETE answers 204 or 409 when
 * records still refer to the row (see RegistryAdminRepository.inUse). Every write calls
 * `onRegistryChanged`, so the live feed and — in one process — the detector and gateway
 * reload the registry now rather than at their next period.
 */
@Controller('v1/admin')
export class AdminController {
  private readonly resources: Readonly<Record<string, AdminResource>>;

  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {
    this.resources = adminResources(ctx.registryAdmin);
  }

  /** Admin only; who acts and from where, for the audit log. */
  private async admin(auth: string | undefined, request?: ClientAddress): Promise<AuditContext> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'registry.admin');
    return { actor: scope.principal.username, ...(request ? { clientAddress: clientAddressOf(request) } : {}) };
  }

  /** A registry write made: into the audit log (the fields that changed, before and after), then the registries reload. */
  private async changed<T>(by: AuditContext, action: 'registry.create' | 'registry.update' | 'registry.delete', target: string, before: unknown, after: T): Promise<T> {
    await this.ctx.audit.record({ ...by, action, target, outcome: 'success', changes: fieldChanges(before, after) });
    this.ctx.onRegistryChanged();
    return after;
  }

  // ─── companies ───

  @Get('companies')
  async companies(@Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'registry.admin');
    return { items: await this.ctx.vehicles.listCompanies(scope) };
  }

  @Post('companies')
  @HttpCode(201)
  async createCompany(@Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<unknown> {
    const by = await this.admin(auth, request);
    const company = parseOr400(companyDto, body, 'body');
    if (await this.ctx.vehicles.companyExists(company.companyId)) return fail(409, `company ${company.companyId} exists; use PUT`);
    await this.ctx.vehicles.upsertCompany(company);
    return this.changed(by, 'registry.create', `companies/${company.companyId}`, undefined, company);
  }

  @Put('companies/:companyId')
  async updateCompany(@Param('companyId') companyId: string, @Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<unknown> {
    const by = await this.admin(auth, request);
    const company = parseOr400(companyDto, { ...(body as object), companyId }, 'body');
    if (!(await this.ctx.vehicles.companyExists(companyId))) return notFound('company', companyId);
    const before = (await this.ctx.vehicles.listCompanies(Scope.of({ username: by.actor, role: 'admin' }))).find((c) => c.companyId === companyId);
    await this.ctx.vehicles.upsertCompany(company);
    return this.changed(by, 'registry.update', `companies/${companyId}`, before, company);
  }

  // ─── vehicles ───

  @Get('vehicles')
  async vehicles(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'registry.admin');
    const q = parseOr400(vehicleListQuery, query, 'query');
    return { items: await this.ctx.vehicles.list(scope, q), limit: q.limit, offset: q.offset };
  }

  @Get('vehicles/:vehicleId')
  async vehicle(@Param('vehicleId') vehicleId: string, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    return (await this.ctx.vehicles.registryRecord(vehicleId)) ?? notFound('vehicle', vehicleId);
  }

  @Post('vehicles')
  @HttpCode(201)
  async createVehicle(@Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<unknown> {
    const by = await this.admin(auth, request);
    const vehicle = parseOr400(vehicleDto, body, 'body');
    if (await this.ctx.vehicles.vehicleExists(vehicle.vehicleId)) return fail(409, `vehicle ${vehicle.vehicleId} exists; use PUT`);
    if (!(await this.ctx.vehicles.companyExists(vehicle.companyId))) return missingReference('companyId', 'company', vehicle.companyId);
    await this.plateIsFree(vehicle);
    await this.ctx.vehicles.upsertVehicle(vehicle);
    return this.changed(by, 'registry.create', `vehicles/${vehicle.vehicleId}`, undefined, vehicle);
  }

  @Put('vehicles/:vehicleId')
  async updateVehicle(@Param('vehicleId') vehicleId: string, @Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<unknown> {
    const by = await this.admin(auth, request);
    const vehicle = parseOr400(vehicleDto, { ...(body as object), vehicleId }, 'body');
    if (!(await this.ctx.vehicles.vehicleExists(vehicleId))) return notFound('vehicle', vehicleId);
    if (!(await this.ctx.vehicles.companyExists(vehicle.companyId))) return missingReference('companyId', 'company', vehicle.companyId);
    await this.plateIsFree(vehicle);
    // The record as the DTO names it: the bound terminals are listed apart.
    const { terminalIds: _terminalIds, ...before } = (await this.ctx.vehicles.registryRecord(vehicleId)) ?? { terminalIds: [] };
    await this.ctx.vehicles.upsertVehicle(vehicle);
    return this.changed(by, 'registry.update', `vehicles/${vehicleId}`, before, vehicle);
  }

  /** A plate and colour name one vehicle: another vehicle's is a 409, not a unique-key 500. */
  private async plateIsFree(vehicle: VehicleDto): Promise<void> {
    const holder = await this.ctx.vehicles.otherVehicleWithPlate(vehicle);
    if (holder !== undefined) fail(409, `plate ${vehicle.plate} (colour ${vehicle.plateColour}) is registered to vehicle ${holder}`);
  }

  // ─── terminals (never with their auth code), drivers, road speed zones, WIM stations, 货运源头单位 source sites ───

  @Get(':resource')
  list(@Param('resource') resource: string, @Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    return this.run(auth, resource, undefined, async (r) => {
      const q = parseOr400(r.listQuery, query, 'query');
      return { items: await r.list(q), limit: q.limit, offset: q.offset };
    });
  }

  @Get(':resource/:id')
  getOne(@Param('resource') resource: string, @Param('id') id: string, @Headers('authorization') auth?: string): Promise<unknown> {
    return this.run(auth, resource, undefined, async (r) => {
      const stored = await r.storedId(id);
      return (stored !== undefined ? await r.get(stored) : undefined) ?? notFound(r.what, id);
    });
  }

  @Post(':resource')
  @HttpCode(201)
  create(@Param('resource') resource: string, @Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<unknown> {
    return this.run(auth, resource, request, async (r, by) => {
      const dto = parseOr400(r.dto, body, 'body');
      const stored = await r.storedId(dto[r.idKey] as string);
      if (stored !== undefined) return fail(409, `${r.what} ${stored} exists; use PUT`);
      await r.checkReferences?.(dto);
      return this.changed(by, 'registry.create', `${resource}/${String(dto[r.idKey])}`, undefined, await r.put(dto));
    });
  }

  @Put(':resource/:id')
  update(@Param('resource') resource: string, @Param('id') id: string, @Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<unknown> {
    return this.run(auth, resource, request, async (r, by) => {
      const dto = parseOr400(r.dto, { ...(body as object), [r.idKey]: id }, 'body');
      const stored = await r.storedId(id);
      if (stored === undefined) return notFound(r.what, id);
      await r.checkReferences?.(dto);
      const before = await r.get(stored);
      return this.changed(by, 'registry.update', `${resource}/${stored}`, before, await r.put(dto, stored));
    });
  }

  @Delete(':resource/:id')
  @HttpCode(204)
  async remove(@Param('resource') resource: string, @Param('id') id: string, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<void> {
    await this.run(auth, resource, request, async (r, by) => {
      const stored = await r.storedId(id);
      if (stored === undefined) return notFound(r.what, id);
      const inUse = await this.ctx.registryAdmin.inUse(r.table, stored);
      if (inUse) return fail(409, inUse);
      const before = await r.get(stored);
      await this.ctx.registryAdmin.delete(r.table, stored);
      await this.changed(by, 'registry.delete', `${resource}/${stored}`, before, undefined);
      return undefined;
    });
  }

  /** Admin only, then the named resource (404 for a path that names none). */
  private async run<T>(auth: string | undefined, resource: string, request: ClientAddress | undefined, action: (r: AdminResource, by: AuditContext) => Promise<T>): Promise<T> {
    const by = await this.admin(auth, request);
    const r = this.resources[resource];
    if (!r) return notFound('registry resource', resource);
    return action(r, by);
  }
}
