import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { relayListQuery, relayRequest, type RelayItem } from '@roadwatch/contracts';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { answerRefusal, parseOr400 } from './http-errors';
import { API_CONTEXT } from './tokens';

/**
 * 接驳运输 relay registrations (RULES.md §3), capability `relays`: a company registers the
 * relays of its own long-distance buses and tour coaches; admins and operators those of the
 * vehicles in their scope. A vehicle outside the scope is 404, as everywhere. A company
 * registers from tonight on (the night whose 02:00 falls on today's local date): a past night
 * would exempt its bus after the fact. The monitoring centre (admins and operators) may also
 * register a past night — a relay that ran while the bus was out of coverage, whose data comes
 * back-filled later (RegisterRelayUseCase). Every write commits with its `registry.changes`
 * event, so the detectors exempt the vehicle at once, in one process or in a cluster.
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
    return this.ctx.registryCommands.registerRelay.execute({ scope, request }).catch(answerRefusal);
  }

  @Delete(':relayId')
  @HttpCode(204)
  async remove(@Param('relayId') relayId: string, @Headers('authorization') auth?: string): Promise<void> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'relays');
    await this.ctx.registryCommands.deleteRelay.execute({ scope, relayId }).catch(answerRefusal);
  }
}
