import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { targetingDecisionRequest, targetingListQuery, type TargetingItem } from '@roadwatch/contracts';
import type { StoredTargeting } from '@roadwatch/storage';
import { TargetingCommandError } from '../targeting/targeting-command.error';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { fail, notFound, parseOr400 } from './http-errors';
import { clientAddressOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';

const itemOf = (lead: StoredTargeting): TargetingItem => lead as TargetingItem;

const answerRefusal = (error: unknown): never => {
  if (error instanceof TargetingCommandError) return fail(error.kind === 'not_found' ? 404 : 409, error.message);
  throw error;
};

/**
 * 布控线索 (RULES.md §13–§14), capability `targeting` (decisions `targeting.decide`): admins see
 * every lead, operators and enforcement officers those of their region prefix (another region's
 * is 404, as an id that does not exist); companies have neither capability — the victim of a
 * cloned plate hears of it through its own alerts.
 */
@Controller('v1/targeting')
export class TargetingController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get()
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: TargetingItem[]; limit: number; offset: number }> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'targeting');
    const q = parseOr400(targetingListQuery, query, 'query');
    return { items: (await this.ctx.targeting.leads.list(q, scope.filter)).map(itemOf), limit: q.limit, offset: q.offset };
  }

  @Get(':targetingId')
  async get(@Param('targetingId') targetingId: string, @Headers('authorization') auth?: string): Promise<TargetingItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'targeting');
    const lead = await this.ctx.targeting.leads.getInScope(targetingId, scope.filter);
    return lead ? itemOf(lead) : notFound('targeting lead', targetingId);
  }

  @Post(':targetingId/decision')
  @HttpCode(200)
  async decide(
    @Param('targetingId') targetingId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<TargetingItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'targeting.decide');
    const { status, note } = parseOr400(targetingDecisionRequest, body, 'body');
    const decided = await this.ctx.targeting.decide
      .execute({ scope, targetingId, status, note, nowMs: this.ctx.now(), clientAddress: clientAddressOf(request) })
      .catch(answerRefusal);
    return itemOf(decided);
  }
}
