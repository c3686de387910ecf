import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req, StreamableFile } from '@nestjs/common';
import {
  assessmentRankingQuery,
  assessmentRecomputeRequest,
  assessmentRegionParam,
  assessmentScoreQuery,
  assessmentSettingsRequest,
  operatingVehiclesImportQuery,
  XLSX_MEDIA_TYPE,
  type AssessmentRankingResponse,
  type AssessmentScoreItem,
  type AssessmentScoreQuery,
  type OperatingVehiclesImportResponse,
} from '@roadwatch/contracts';
import { assessmentConfigForRegion, DEFAULT_ASSESSMENT_CONFIG, monthPeriod, companyRanking, chinaMonthOf } from '@roadwatch/rules';
import type { Scope } from '../auth/scope';
import type { ApiContext } from '../http/api-context';
import { scopeOf } from '../http/auth';
import { fail, parseOr400 } from '../http/http-errors';
import { API_CONTEXT } from '../http/tokens';
import { AssessmentCommandError } from './assessment-command.error';
import { assessmentScoresXlsx } from './assessment-xlsx';

/** A refused 考核 command as a 400 naming its field. */
const answerAssessmentRefusal = (error: unknown): never => {
  if (error instanceof AssessmentCommandError) return fail(400, error.message, error.field ? [{ field: error.field, message: error.message }] : undefined);
  throw error;
};

/**
 * 考核 (RULES.md §10, §15; issue #14 item 4): scores read in the caller's scope — a company its
 * own rows only (a platform's row is the region's, no company's), an operator its region's —
 * with the ranking and the 处理率 list; the 运政 import (admin, operators for their region);
 * a region's table and a month's recomputation (admin). Reading uses the `reports` capability.
 */
@Controller()
export class AssessmentController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  private async scores(scope: Scope, q: AssessmentScoreQuery): Promise<AssessmentScoreItem[]> {
    const last = chinaMonthOf(this.ctx.now());
    const toMonth = q.toMonth ?? last;
    const fromMonth = q.fromMonth ?? chinaMonthOf(monthPeriod(toMonth).startMs - 330 * 86_400_000);
    if (fromMonth > toMonth) fail(400, 'fromMonth must not be after toMonth', [{ field: 'query.fromMonth', message: 'after toMonth' }]);
    return this.ctx.assessment.scores.list(scope.filter, {
      periodKind: q.periodKind,
      subjectKind: q.subjectKind,
      subjectId: q.subjectId,
      fromMs: monthPeriod(fromMonth).startMs,
      toMs: monthPeriod(toMonth).endMs,
    });
  }

  @Get('v1/assessment/scores')
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: AssessmentScoreItem[] }> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'reports');
    return { items: await this.scores(scope, parseOr400(assessmentScoreQuery, query, 'query')) };
  }

  @Get('v1/assessment/scores.xlsx')
  async xlsx(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<StreamableFile> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'reports');
    const items = await this.scores(scope, parseOr400(assessmentScoreQuery, query, 'query'));
    return new StreamableFile(await assessmentScoresXlsx(items, this.ctx.now()), {
      type: XLSX_MEDIA_TYPE,
      disposition: 'attachment; filename="assessment-scores.xlsx"',
    });
  }

  @Get('v1/assessment/ranking')
  async ranking(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<AssessmentRankingResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'reports');
    const q = parseOr400(assessmentRankingQuery, query, 'query');
    const window = q.month ? { fromMs: monthPeriod(q.month).startMs, toMs: monthPeriod(q.month).startMs + 1 } : {};
    const rows = await this.ctx.assessment.scores.list(scope.filter, { periodKind: q.periodKind, subjectKind: 'company', ...window });
    const periodStartMs = rows[0]?.periodStartMs;
    const period = rows.filter((r) => r.periodStartMs === periodStartMs);
    const overrides = await this.ctx.assessment.settings.all();
    return {
      periodKind: q.periodKind,
      periodStartMs,
      periodEndMs: period[0]?.periodEndMs,
      ...companyRanking(
        period.map((r) => ({
          companyId: r.subjectId,
          companyName: r.subjectName ?? r.subjectId,
          assessed: r.assessed,
          totalScore: r.totalScore,
          handlingRatePct: r.handlingRatePct,
          handlingLinePct: assessmentConfigForRegion(overrides, r.regionCode).handlingRateListBelowPct,
        })),
      ),
    };
  }

  @Post('v1/assessment/operating-vehicles')
  @HttpCode(200)
  async importList(
    @Query() query: unknown,
    @Req() request: { headers: Record<string, string | string[] | undefined> },
    @Body() body: unknown,
    @Headers('authorization') auth?: string,
  ): Promise<OperatingVehiclesImportResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'assessment.import');
    const { month } = parseOr400(operatingVehiclesImportQuery, query, 'query');
    const contentType = String(request.headers['content-type'] ?? '');
    return this.ctx.assessment.importOperatingVehicles.execute({ scope, month, body, contentType }).catch(answerAssessmentRefusal);
  }

  @Get('v1/admin/assessment/settings')
  async settings(@Headers('authorization') auth?: string): Promise<unknown> {
    await scopeOf(this.ctx.sessions, auth, 'registry.admin');
    const items = await this.ctx.assessment.settings.all();
    return {
      defaults: DEFAULT_ASSESSMENT_CONFIG,
      items: items.map((s) => ({ ...s, effective: assessmentConfigForRegion(items, s.regionCode) })),
    };
  }

  @Put('v1/admin/assessment/settings/:regionCode')
  async putSettings(@Param() params: unknown, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'registry.admin');
    const { regionCode } = parseOr400(assessmentRegionParam, params, 'path');
    const { configPatch } = parseOr400(assessmentSettingsRequest, body, 'body');
    return this.ctx.assessment.setSettings.execute({ scope, regionCode, configPatch }).catch(answerAssessmentRefusal);
  }

  @Post('v1/admin/assessment/recompute')
  @HttpCode(202)
  async recompute(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<void> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'registry.admin');
    const { month } = parseOr400(assessmentRecomputeRequest, body, 'body');
    await this.ctx.assessment.requestRecompute.execute({ scope, month }).catch(answerAssessmentRefusal);
  }
}
