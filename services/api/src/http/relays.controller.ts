import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { RELAY_VEHICLE_CLASSES, relayListQuery, relayRequest, type RelayItem } from '@roadwatch/contracts';
import { chinaDateOf } from '@roadwatch/domain';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { fail, notFound, parseOr400 } from './http-errors';
import { API_CONTEXT } from './tokens';

const badField = (field: string, message: string): never => fail(400, `${field}: ${message}`, [{ field, message }]);

/**
 * 接驳运输 relay registrations (RULES.md §3), capability `relays`: a company registers the
 * relays of its own long-distance buses and tour coaches; admins and operators those of the
 * vehicles in their scope. A vehicle outside the scope is 404, as everywhere. A company
 * registers from tonight on (the night whose 02:00 falls on today's local date): a past night
 * would exempt its bus after the fact. The monitoring centre (admins and operators) may also
 * register a past night — a relay that ran while the bus was out of coverage, whose data comes
 * back-filled later. Every write calls `onRelaysChanged`, so a detector in the same process
 * exempts the vehicle at once.
 */
@Controller('v1/relays')
export class RelaysController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get()
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'relays');
    const q = parseOr400(relayListQuery, query, 'query');
    const items: RelayItem[] = await this.ctx.relays.find({ ...q, scope: scope.filter });
    return { items, limit: q.limit, offset: q.offset };
  }

  @Post()
  @HttpCode(201)
  async register(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<RelayItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'relays');
    const request = parseOr400(relayRequest, body, 'body');
    const vehicle = (await this.ctx.vehicles.get(scope, request.vehicleId)) ?? notFound('vehicle', request.vehicleId);
    if (!(RELAY_VEHICLE_CLASSES as readonly string[]).includes(vehicle.vehicleClass)) {
      return badField('body.vehicleId', `a ${vehicle.vehicleClass} vehicle runs no relay: only ${RELAY_VEHICLE_CLASSES.join(' and ')} vehicles are registered`);
    }
    const tonight = chinaDateOf(this.ctx.now());
    if (scope.principal.role === 'company' && request.nightDate < tonight) {
      return badField('body.nightDate', `the night is over: a company registers from ${tonight} on (the monitoring centre registers past nights)`);
    }
    const relay = await this.ctx.relays.upsert({ ...request, registeredBy: scope.principal.username });
    this.ctx.onRelaysChanged();
    return relay;
  }

  @Delete(':relayId')
  @HttpCode(204)
  async remove(@Param('relayId') relayId: string, @Headers('authorization') auth?: string): Promise<void> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'relays');
    if (!(await this.ctx.relays.delete(relayId, scope.filter))) return notFound('relay registration', relayId);
    this.ctx.onRelaysChanged();
  }
}
