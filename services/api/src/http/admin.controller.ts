import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import { companyDto, vehicleDto, vehicleListQuery } from '@roadwatch/contracts';
import type { AuditContext } from '@roadwatch/storage';
import { registryResources, type RegistryResource } from '../registry/registry-resources';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { answerRefusal, notFound, parseOr400 } from './http-errors';
import { clientAddressOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';

/**
 * Registry administration (`/v1/admin/...`, capability `registry.admin`: admin only; every
 * other role gets 403). POST creates (201; 409 when the id exists), PUT replaces the whole
 * record (404 when absent; the id comes from the path), DELETE answers 204 or 409 when
 * records still refer to the row (see RegistryAdminRepository.inUse). Every write is a use
 * case (ctx.registryCommands) that commits it with its `registry.changes` event, on which the
 * live feed, the detector and the gateway reload at once — in one process or in a cluster.
 */
@Controller('v1/admin')
export class AdminController {
  /** Reads go to the pool's repositories; writes to the use cases, which build their own over a transaction. */
  private readonly resources: Readonly<Record<string, RegistryResource>>;

  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {
    this.resources = registryResources({ vehicles: ctx.vehicles, registryAdmin: ctx.registryAdmin });
  }

  /** Admin only; who acts and from where, for the audit log. */
  private async admin(auth: string | undefined, request?: ClientAddress): Promise<AuditContext> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'registry.admin');
    return { actor: scope.principal.username, ...(request ? { clientAddress: clientAddressOf(request) } : {}) };
  }

  /** The use case writes the record, its audit entry and its registry.changes event in one transaction. */
  private save(by: AuditContext, resource: string, mode: 'create' | 'replace', record: Record<string, unknown>): Promise<unknown> {
    return this.ctx.registryCommands.saveRecord.execute({ by, resource, mode, record }).catch(answerRefusal);
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
    return this.save(by, 'companies', 'create', parseOr400(companyDto, body, 'body'));
  }

  @Put('companies/:companyId')
  async updateCompany(
    @Param('companyId') companyId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<unknown> {
    const by = await this.admin(auth, request);
    return this.save(by, 'companies', 'replace', parseOr400(companyDto, { ...(body as object), companyId }, 'body'));
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
    return this.save(by, 'vehicles', 'create', parseOr400(vehicleDto, body, 'body'));
  }

  @Put('vehicles/:vehicleId')
  async updateVehicle(
    @Param('vehicleId') vehicleId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<unknown> {
    const by = await this.admin(auth, request);
    return this.save(by, 'vehicles', 'replace', parseOr400(vehicleDto, { ...(body as object), vehicleId }, 'body'));
  }

  // ─── terminals (never with their auth code), drivers, road speed zones, WIM stations, 货运源头单位 source sites ───

  @Get(':resource')
  list(@Param('resource') resource: string, @Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    return this.run(auth, resource, undefined, async (r) => {
      const q = parseOr400(r.listQuery as NonNullable<RegistryResource['listQuery']>, query, 'query');
      return { items: await r.list?.(q), limit: q.limit, offset: q.offset };
    });
  }

  @Get(':resource/:id')
  getOne(@Param('resource') resource: string, @Param('id') id: string, @Headers('authorization') auth?: string): Promise<unknown> {
    return this.run(auth, resource, undefined, async (r) => {
      const stored = await r.storedId(id);
      return (stored !== undefined ? await r.get?.(stored) : undefined) ?? notFound(r.what, id);
    });
  }

  @Post(':resource')
  @HttpCode(201)
  create(@Param('resource') resource: string, @Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<unknown> {
    return this.run(auth, resource, request, (r, by) => this.save(by, resource, 'create', parseOr400(r.dto, body, 'body')));
  }

  @Put(':resource/:id')
  update(
    @Param('resource') resource: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<unknown> {
    return this.run(auth, resource, request, (r, by) => this.save(by, resource, 'replace', parseOr400(r.dto, { ...(body as object), [r.idKey]: id }, 'body')));
  }

  @Delete(':resource/:id')
  @HttpCode(204)
  async remove(
    @Param('resource') resource: string,
    @Param('id') id: string,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<void> {
    await this.run(auth, resource, request, (_r, by) => this.ctx.registryCommands.deleteRecord.execute({ by, resource, id }).catch(answerRefusal));
  }

  /** Admin only, then the named resource of the generic routes (404 for a path that names none). */
  private async run<T>(
    auth: string | undefined,
    resource: string,
    request: ClientAddress | undefined,
    action: (r: RegistryResource, by: AuditContext) => Promise<T>,
  ): Promise<T> {
    const by = await this.admin(auth, request);
    const r = this.resources[resource];
    if (!r?.table) return notFound('registry resource', resource);
    return action(r, by);
  }
}
