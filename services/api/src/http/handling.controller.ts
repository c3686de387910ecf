import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  appealAlertRequest,
  decideAppealRequest,
  dutyBoardQuery,
  handleAlertRequest,
  handlingListQuery,
  type DutyBoardResponse,
  type HandlingDetail,
  type HandlingItem,
  type HandlingListResponse,
} from '@roadwatch/contracts';
import { handlingItemOf } from '@roadwatch/storage';
import { Scope, type Capability } from '../auth/scope';
import type { ApiContext } from './api-context';
import { PASSWORD_CHANGE_REQUIRED, scopeOf, sessionOf } from './auth';
import { answerRefusal, fail, notFound, parseOr400 } from './http-errors';
import { API_CONTEXT } from './tokens';

/**
 * The handling workflow (RULES.md §9, §15). Capability `handling` (company users, admins): the
 * 待处理 list and its steps — view, handle, appeal. Capability `handling.duty` (operators,
 * admins): the on-duty board of overdue items and the appeal decisions. Both read the list
 * and an item in their scope. An item outside the scope is 404, as one that does not exist.
 * There is no delete: handling records are kept ≥ 3 years.
 */
@Controller('v1/handling')
export class HandlingController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  /** Either capability reads: 401/403 as `scopeOf`. */
  private async readerScope(auth: string | undefined): Promise<Scope> {
    const session = await sessionOf(this.ctx.sessions, auth);
    if (session.mustChangePassword) return fail(403, PASSWORD_CHANGE_REQUIRED);
    const scope = Scope.of(session.principal);
    const readers: Capability[] = ['handling', 'handling.duty'];
    return readers.some((c) => scope.can(c)) ? scope : fail(403, `role ${session.principal.role} may not use handling`);
  }

  @Get()
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<HandlingListResponse> {
    const scope = await this.readerScope(auth);
    const q = parseOr400(handlingListQuery, query, 'query');
    const nowMs = this.ctx.now();
    const [records, counts] = await Promise.all([
      this.ctx.handling.list({ scope: scope.filter, state: q.state, rule: q.rule, overdue: q.overdue, all: q.all, nowMs, limit: q.limit, offset: q.offset }),
      this.ctx.handling.counts(scope.filter, nowMs),
    ]);
    return { items: records.map((r) => handlingItemOf(r, nowMs)), limit: q.limit, offset: q.offset, counts };
  }

  @Get('duty-board')
  async board(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<DutyBoardResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'handling.duty');
    const q = parseOr400(dutyBoardQuery, query, 'query');
    const nowMs = this.ctx.now();
    const [overdue, appeals] = await Promise.all([
      this.ctx.handling.board(scope.filter, nowMs, q.limit, q.offset),
      this.ctx.handling.pendingAppeals(scope.filter, q.limit, q.offset),
    ]);
    return { overdue: overdue.map((r) => handlingItemOf(r, nowMs)), appeals: appeals.map((r) => handlingItemOf(r, nowMs)), limit: q.limit, offset: q.offset };
  }

  @Get(':alertId')
  async get(@Param('alertId') alertId: string, @Headers('authorization') auth?: string): Promise<HandlingDetail> {
    const scope = await this.readerScope(auth);
    const record = (await this.ctx.handling.get(alertId, scope.filter)) ?? notFound('handling item', alertId);
    return { ...handlingItemOf(record, this.ctx.now()), events: await this.ctx.handling.events(alertId) };
  }

  @Post(':alertId/view')
  @HttpCode(200)
  async view(@Param('alertId') alertId: string, @Headers('authorization') auth?: string): Promise<HandlingItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'handling');
    return this.ctx.handlingCommands.view.execute({ scope, alertId, nowMs: this.ctx.now() }).catch(answerRefusal);
  }

  @Post(':alertId/handle')
  @HttpCode(200)
  async handle(@Param('alertId') alertId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<HandlingItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'handling');
    const request = parseOr400(handleAlertRequest, body, 'body');
    return this.ctx.handlingCommands.handle.execute({ scope, alertId, ...request, nowMs: this.ctx.now() }).catch(answerRefusal);
  }

  @Post(':alertId/appeal')
  @HttpCode(200)
  async appeal(@Param('alertId') alertId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<HandlingItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'handling');
    const request = parseOr400(appealAlertRequest, body, 'body');
    return this.ctx.handlingCommands.appeal.execute({ scope, alertId, reason: request.reason, nowMs: this.ctx.now() }).catch(answerRefusal);
  }

  @Post(':alertId/appeal/decision')
  @HttpCode(200)
  async decide(@Param('alertId') alertId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<HandlingItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'handling.duty');
    const request = parseOr400(decideAppealRequest, body, 'body');
    return this.ctx.handlingCommands.decide.execute({ scope, alertId, ...request, nowMs: this.ctx.now() }).catch(answerRefusal);
  }
}
