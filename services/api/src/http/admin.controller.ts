import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { companyDto, driverDto, sourceSiteDto, speedZoneDto, terminalDto, vehicleDto, wimStationDto } from '@roadwatch/contracts';
import type { RegistryTable } from '@roadwatch/storage';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { fail, notFound, parseOr400 } from './http-errors';
import { driverListQuery, sourceSiteAdminListQuery, speedZoneListQuery, terminalListQuery, vehicleListQuery, wimStationAdminListQuery } from './queries';
import { API_CONTEXT } from './tokens';

/** A reference in the body to a row that does not exist: 400 naming the field, like a validation error. */
const missingReference = (field: string, what: string, id: string): never => fail(400, `body.${field}: ${what} ${id} not found`, [{ field: `body.${field}`, message: `no such ${what}` }]);

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
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  private async admin(auth: string | undefined): Promise<void> {
    await scopeOf(this.ctx.tokens, auth, 'registry.admin');
  }

  private changed<T>(value: T): T {
    this.ctx.onRegistryChanged();
    return value;
  }

  private async remove(table: RegistryTable, what: string, id: string, exists: boolean): Promise<void> {
    if (!exists) return notFound(what, id);
    const inUse = await this.ctx.registryAdmin.inUse(table, id);
    if (inUse) return fail(409, inUse);
    await this.ctx.registryAdmin.delete(table, id);
    this.ctx.onRegistryChanged();
  }

  // ─── companies ───

  @Get('companies')
  async companies(@Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.tokens, auth, 'registry.admin');
    return { items: await this.ctx.vehicles.listCompanies(scope) };
  }

  @Post('companies')
  @HttpCode(201)
  async createCompany(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const company = parseOr400(companyDto, body, 'body');
    if (await this.ctx.vehicles.companyExists(company.companyId)) return fail(409, `company ${company.companyId} exists; use PUT`);
    await this.ctx.vehicles.upsertCompany(company);
    return this.changed(company);
  }

  @Put('companies/:companyId')
  async updateCompany(@Param('companyId') companyId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const company = parseOr400(companyDto, { ...(body as object), companyId }, 'body');
    if (!(await this.ctx.vehicles.companyExists(companyId))) return notFound('company', companyId);
    await this.ctx.vehicles.upsertCompany(company);
    return this.changed(company);
  }

  // ─── vehicles ───

  @Get('vehicles')
  async vehicles(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.tokens, auth, 'registry.admin');
    const q = parseOr400(vehicleListQuery, query, 'query');
    return { items: await this.ctx.vehicles.list(scope, q), limit: q.limit, offset: q.offset };
  }

  @Post('vehicles')
  @HttpCode(201)
  async createVehicle(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const vehicle = parseOr400(vehicleDto, body, 'body');
    if (await this.ctx.vehicles.vehicleExists(vehicle.vehicleId)) return fail(409, `vehicle ${vehicle.vehicleId} exists; use PUT`);
    if (!(await this.ctx.vehicles.companyExists(vehicle.companyId))) return missingReference('companyId', 'company', vehicle.companyId);
    await this.ctx.vehicles.upsertVehicle(vehicle);
    return this.changed(vehicle);
  }

  @Put('vehicles/:vehicleId')
  async updateVehicle(@Param('vehicleId') vehicleId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const vehicle = parseOr400(vehicleDto, { ...(body as object), vehicleId }, 'body');
    if (!(await this.ctx.vehicles.vehicleExists(vehicleId))) return notFound('vehicle', vehicleId);
    if (!(await this.ctx.vehicles.companyExists(vehicle.companyId))) return missingReference('companyId', 'company', vehicle.companyId);
    await this.ctx.vehicles.upsertVehicle(vehicle);
    return this.changed(vehicle);
  }

  // ─── terminals (never with their auth code) ───

  @Get('terminals')
  async terminals(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const q = parseOr400(terminalListQuery, query, 'query');
    return { items: await this.ctx.registryAdmin.terminals(q, q), limit: q.limit, offset: q.offset };
  }

  @Get('terminals/:terminalId')
  async terminal(@Param('terminalId') terminalId: string, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    return (await this.ctx.registryAdmin.terminal(terminalId)) ?? notFound('terminal', terminalId);
  }

  @Post('terminals')
  @HttpCode(201)
  async createTerminal(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const terminal = parseOr400(terminalDto, body, 'body');
    const stored = await this.ctx.registryAdmin.storedTerminalId(terminal.terminalId);
    if (stored) return fail(409, `terminal ${stored} exists; use PUT`);
    if (terminal.vehicleId && !(await this.ctx.registryAdmin.vehicleExists(terminal.vehicleId))) return missingReference('vehicleId', 'vehicle', terminal.vehicleId);
    return this.changed(await this.ctx.registryAdmin.putTerminal(terminal));
  }

  @Put('terminals/:terminalId')
  async updateTerminal(@Param('terminalId') terminalId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const terminal = parseOr400(terminalDto, { ...(body as object), terminalId }, 'body');
    const stored = await this.ctx.registryAdmin.storedTerminalId(terminalId);
    if (!stored) return notFound('terminal', terminalId);
    if (terminal.vehicleId && !(await this.ctx.registryAdmin.vehicleExists(terminal.vehicleId))) return missingReference('vehicleId', 'vehicle', terminal.vehicleId);
    return this.changed(await this.ctx.registryAdmin.putTerminal(terminal, stored));
  }

  @Delete('terminals/:terminalId')
  @HttpCode(204)
  async deleteTerminal(@Param('terminalId') terminalId: string, @Headers('authorization') auth?: string): Promise<void> {
    await this.admin(auth);
    const stored = await this.ctx.registryAdmin.storedTerminalId(terminalId);
    await this.remove('terminals', 'terminal', stored ?? terminalId, stored !== undefined);
  }

  // ─── drivers ───

  @Get('drivers')
  async drivers(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const q = parseOr400(driverListQuery, query, 'query');
    return { items: await this.ctx.registryAdmin.drivers(q, q), limit: q.limit, offset: q.offset };
  }

  @Get('drivers/:driverId')
  async driver(@Param('driverId') driverId: string, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    return (await this.ctx.registryAdmin.driver(driverId)) ?? notFound('driver', driverId);
  }

  @Post('drivers')
  @HttpCode(201)
  async createDriver(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const driver = parseOr400(driverDto, body, 'body');
    if (await this.ctx.registryAdmin.driver(driver.driverId)) return fail(409, `driver ${driver.driverId} exists; use PUT`);
    if (driver.companyId && !(await this.ctx.registryAdmin.companyExists(driver.companyId))) return missingReference('companyId', 'company', driver.companyId);
    return this.changed(await this.ctx.registryAdmin.putDriver(driver));
  }

  @Put('drivers/:driverId')
  async updateDriver(@Param('driverId') driverId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const driver = parseOr400(driverDto, { ...(body as object), driverId }, 'body');
    if (!(await this.ctx.registryAdmin.driver(driverId))) return notFound('driver', driverId);
    if (driver.companyId && !(await this.ctx.registryAdmin.companyExists(driver.companyId))) return missingReference('companyId', 'company', driver.companyId);
    return this.changed(await this.ctx.registryAdmin.putDriver(driver));
  }

  @Delete('drivers/:driverId')
  @HttpCode(204)
  async deleteDriver(@Param('driverId') driverId: string, @Headers('authorization') auth?: string): Promise<void> {
    await this.admin(auth);
    await this.remove('drivers', 'driver', driverId, (await this.ctx.registryAdmin.driver(driverId)) !== undefined);
  }

  // ─── road speed zones ───

  @Get('speed-zones')
  async speedZones(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const q = parseOr400(speedZoneListQuery, query, 'query');
    return { items: await this.ctx.registryAdmin.speedZones(q, q), limit: q.limit, offset: q.offset };
  }

  @Get('speed-zones/:segmentId')
  async speedZone(@Param('segmentId') segmentId: string, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    return (await this.ctx.registryAdmin.speedZone(segmentId)) ?? notFound('speed zone', segmentId);
  }

  @Post('speed-zones')
  @HttpCode(201)
  async createSpeedZone(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const zone = parseOr400(speedZoneDto, body, 'body');
    if (await this.ctx.registryAdmin.speedZone(zone.segmentId)) return fail(409, `speed zone ${zone.segmentId} exists; use PUT`);
    return this.changed(await this.ctx.registryAdmin.putSpeedZone(zone));
  }

  @Put('speed-zones/:segmentId')
  async updateSpeedZone(@Param('segmentId') segmentId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const zone = parseOr400(speedZoneDto, { ...(body as object), segmentId }, 'body');
    if (!(await this.ctx.registryAdmin.speedZone(segmentId))) return notFound('speed zone', segmentId);
    return this.changed(await this.ctx.registryAdmin.putSpeedZone(zone));
  }

  @Delete('speed-zones/:segmentId')
  @HttpCode(204)
  async deleteSpeedZone(@Param('segmentId') segmentId: string, @Headers('authorization') auth?: string): Promise<void> {
    await this.admin(auth);
    await this.remove('road_speed_zones', 'speed zone', segmentId, (await this.ctx.registryAdmin.speedZone(segmentId)) !== undefined);
  }

  // ─── WIM stations ───

  @Get('wim-stations')
  async wimStations(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const q = parseOr400(wimStationAdminListQuery, query, 'query');
    return { items: await this.ctx.registryAdmin.wimStations(q, q), limit: q.limit, offset: q.offset };
  }

  @Get('wim-stations/:stationId')
  async wimStation(@Param('stationId') stationId: string, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    return (await this.ctx.registryAdmin.wimStation(stationId)) ?? notFound('WIM station', stationId);
  }

  @Post('wim-stations')
  @HttpCode(201)
  async createWimStation(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const station = parseOr400(wimStationDto, body, 'body');
    if (await this.ctx.registryAdmin.wimStation(station.stationId)) return fail(409, `WIM station ${station.stationId} exists; use PUT`);
    return this.changed(await this.ctx.registryAdmin.putWimStation(station));
  }

  @Put('wim-stations/:stationId')
  async updateWimStation(@Param('stationId') stationId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const station = parseOr400(wimStationDto, { ...(body as object), stationId }, 'body');
    if (!(await this.ctx.registryAdmin.wimStation(stationId))) return notFound('WIM station', stationId);
    return this.changed(await this.ctx.registryAdmin.putWimStation(station));
  }

  @Delete('wim-stations/:stationId')
  @HttpCode(204)
  async deleteWimStation(@Param('stationId') stationId: string, @Headers('authorization') auth?: string): Promise<void> {
    await this.admin(auth);
    await this.remove('wim_stations', 'WIM station', stationId, (await this.ctx.registryAdmin.wimStation(stationId)) !== undefined);
  }

  // ─── 货运源头单位 source sites ───

  @Get('source-sites')
  async sourceSites(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const q = parseOr400(sourceSiteAdminListQuery, query, 'query');
    return { items: await this.ctx.registryAdmin.sourceSites(q, q), limit: q.limit, offset: q.offset };
  }

  @Get('source-sites/:sourceSiteId')
  async sourceSite(@Param('sourceSiteId') sourceSiteId: string, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    return (await this.ctx.registryAdmin.sourceSite(sourceSiteId)) ?? notFound('source site', sourceSiteId);
  }

  @Post('source-sites')
  @HttpCode(201)
  async createSourceSite(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const site = parseOr400(sourceSiteDto, body, 'body');
    if (await this.ctx.registryAdmin.sourceSite(site.sourceSiteId)) return fail(409, `source site ${site.sourceSiteId} exists; use PUT`);
    if (site.companyId && !(await this.ctx.registryAdmin.companyExists(site.companyId))) return missingReference('companyId', 'company', site.companyId);
    return this.changed(await this.ctx.registryAdmin.putSourceSite(site));
  }

  @Put('source-sites/:sourceSiteId')
  async updateSourceSite(@Param('sourceSiteId') sourceSiteId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await this.admin(auth);
    const site = parseOr400(sourceSiteDto, { ...(body as object), sourceSiteId }, 'body');
    if (!(await this.ctx.registryAdmin.sourceSite(sourceSiteId))) return notFound('source site', sourceSiteId);
    if (site.companyId && !(await this.ctx.registryAdmin.companyExists(site.companyId))) return missingReference('companyId', 'company', site.companyId);
    return this.changed(await this.ctx.registryAdmin.putSourceSite(site));
  }

  @Delete('source-sites/:sourceSiteId')
  @HttpCode(204)
  async deleteSourceSite(@Param('sourceSiteId') sourceSiteId: string, @Headers('authorization') auth?: string): Promise<void> {
    await this.admin(auth);
    await this.remove('source_sites', 'source site', sourceSiteId, (await this.ctx.registryAdmin.sourceSite(sourceSiteId)) !== undefined);
  }
}
