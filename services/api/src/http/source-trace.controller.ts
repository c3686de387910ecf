import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  sourceTraceDecisionRequest,
  sourceTracePeriodQuery,
  type CaseSourceTraceResponse,
  type PossibleLoadingPointsResponse,
  type SourceUnitRankingResponse,
} from '@roadwatch/contracts';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { answerRefusal, fail, notFound, parseOr400 } from './http-errors';
import { API_CONTEXT } from './tokens';

/**
 * 源头倒查 (RULES.md §13). A case's trace reads as the case does (capability `cases`, its
 * scope: outside it 404); enforcement officers and admins decide it; the ranking and the
 * grade-C layer need `source_traces` (never a company's: they name other companies).
 */
@Controller()
export class SourceTraceController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get('v1/cases/:caseId/source-trace')
  async ofCase(@Param('caseId') caseId: string, @Headers('authorization') auth?: string): Promise<CaseSourceTraceResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'cases');
    if (!(await this.ctx.cases.get(scope, caseId))) return notFound('case', caseId);
    return this.ctx.sourceTraces.ofCase(caseId);
  }

  @Post('v1/cases/:caseId/source-trace/decision')
  @HttpCode(200)
  async decide(@Param('caseId') caseId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<CaseSourceTraceResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'cases');
    // Outside the scope (another region's case, a company's view of another's) is 404 before anything else.
    if (!(await this.ctx.cases.get(scope, caseId))) return notFound('case', caseId);
    const role = scope.principal.role;
    if (role !== 'enforcement' && role !== 'admin') return fail(403, `role ${role} may not decide a source trace`);
    const request = parseOr400(sourceTraceDecisionRequest, body, 'body');
    return this.ctx.sourceTraces.decide(scope, caseId, request, this.ctx.now()).catch(answerRefusal);
  }

  @Get('v1/source-traces/ranking')
  async ranking(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<SourceUnitRankingResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'source_traces');
    return this.ctx.sourceTraces.ranking(scope, parseOr400(sourceTracePeriodQuery, query, 'query'));
  }

  @Get('v1/source-traces/possible-loading-points')
  async possibleLoadingPoints(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<PossibleLoadingPointsResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'source_traces');
    return this.ctx.sourceTraces.possibleLoadingPoints(scope, parseOr400(sourceTracePeriodQuery, query, 'query'));
  }
}
