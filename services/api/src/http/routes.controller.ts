import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import { routeDetourRequest, routeEpisodeQuery, routeListQuery, routeRequest, routeVehiclesRequest } from '@roadwatch/contracts';
import type { StoredDetour, StoredRoute, StoredRouteEpisode } from '@roadwatch/storage';
import { RouteImportError } from '../routes/route-geometry-import';
import { RouteCommandError } from '../routes/routes.api';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { fail, notFound, parseOr400 } from './http-errors';
import { type ClientAddress, commandContextOf } from './sign-in';
import { API_CONTEXT } from './tokens';

const answerRefusal = (error: unknown): never => {
  if (error instanceof RouteImportError) return fail(400, error.message, [{ field: error.field, message: error.message }]);
  if (error instanceof RouteCommandError) return fail({ not_found: 404, conflict: 409, forbidden: 403, invalid: 400 }[error.kind], error.message);
  throw error;
};

/**
 * Approved routes (RULES.md §11, issue #16): capability `routes` reads them and their episodes
 * (admin all, operators their region, a company its own — another's is 404), `routes.admin`
 * administers them (admin, operators of the region), every write audited.
 */
@Controller('v1')
export class RoutesController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get('routes')
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: StoredRoute[]; limit: number; offset: number }> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'routes');
    const q = parseOr400(routeListQuery, query, 'query');
    return { items: await this.ctx.routes.routes.list(q, scope.filter), limit: q.limit, offset: q.offset };
  }

  @Get('routes/:routeId')
  async get(@Param('routeId') routeId: string, @Headers('authorization') auth?: string): Promise<StoredRoute> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'routes');
    return (await this.ctx.routes.routes.get(routeId, scope.filter)) ?? notFound('route', routeId);
  }

  @Put('routes/:routeId')
  async upsert(
    @Param('routeId') routeId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<StoredRoute> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'routes.admin');
    const route = parseOr400(routeRequest, body, 'body');
    return this.ctx.routes.commands.upsert(routeId, route, commandContextOf(this.ctx, scope, request)).catch(answerRefusal);
  }

  @Post('routes/:routeId/retire')
  @HttpCode(200)
  async retire(@Param('routeId') routeId: string, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<StoredRoute> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'routes.admin');
    return this.ctx.routes.commands.retire(routeId, commandContextOf(this.ctx, scope, request)).catch(answerRefusal);
  }

  @Put('routes/:routeId/vehicles')
  async bind(
    @Param('routeId') routeId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<StoredRoute> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'routes.admin');
    const { vehicleIds } = parseOr400(routeVehiclesRequest, body, 'body');
    return this.ctx.routes.commands.bind(routeId, vehicleIds, commandContextOf(this.ctx, scope, request)).catch(answerRefusal);
  }

  @Post('routes/:routeId/detours')
  @HttpCode(201)
  async detour(
    @Param('routeId') routeId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<StoredDetour> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'routes.admin');
    const detour = parseOr400(routeDetourRequest, body, 'body');
    return this.ctx.routes.commands.approveDetour(routeId, detour, commandContextOf(this.ctx, scope, request)).catch(answerRefusal);
  }

  @Get('route-episodes')
  async episodes(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: StoredRouteEpisode[] }> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'routes');
    const q = parseOr400(routeEpisodeQuery, query, 'query');
    return { items: await this.ctx.routes.episodes.list({ ...q, nowMs: this.ctx.now() }, scope.filter) };
  }
}
