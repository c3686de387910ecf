import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req, StreamableFile } from '@nestjs/common';
import {
  sourceSiteKindCreateRequest,
  sourceSiteKindRenameRequest,
  sourceUnitRankingFileQuery,
  XLSX_MEDIA_TYPE,
  type SourceSiteKindItem,
  type TrackResponse,
} from '@roadwatch/contracts';
import { chinaDateOf } from '@roadwatch/domain';
import { CSV_MEDIA_TYPE, tableCsv, tableXlsx } from '@roadwatch/runtime';
import { rankedRows, sourceUnitRankingColumns, sourceUnitRankingSheet } from '../source-trace/source-unit-ranking-file';
import type { AuditContext } from '@roadwatch/storage';
import { traceTrackWindow } from '../source-trace/trace-track-window';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { answerRefusal, notFound, parseOr400 } from './http-errors';
import { clientAddressOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';
import { trackResponseOf } from './track-response';

/**
 * Issue #15's map side: the admin's list of 货运源头单位 site kinds (capability `registry.admin`:
 * admin only, every write audited; a kind in use is kept, 409) and the track the case page's
 * 货源地倒查 map draws (read as the case is: capability `cases`, 404 outside scope).
 */
@Controller('v1')
export class SourceTraceMapController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  private async admin(auth: string | undefined, request?: ClientAddress): Promise<AuditContext> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'registry.admin');
    return { actor: scope.principal.username, ...(request ? { clientAddress: clientAddressOf(request) } : {}) };
  }

  @Get('source-site-kinds')
  async list(@Headers('authorization') auth?: string): Promise<{ items: SourceSiteKindItem[] }> {
    await this.admin(auth);
    return { items: await this.ctx.sourceSiteKinds.list() };
  }

  @Post('source-site-kinds')
  @HttpCode(201)
  async add(@Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<SourceSiteKindItem> {
    const by = await this.admin(auth, request);
    return this.ctx.sourceSiteKinds.add(by, parseOr400(sourceSiteKindCreateRequest, body, 'body')).catch(answerRefusal);
  }

  @Put('source-site-kinds/:kindCode')
  async rename(
    @Param('kindCode') kindCode: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<SourceSiteKindItem> {
    const by = await this.admin(auth, request);
    return this.ctx.sourceSiteKinds.rename(by, kindCode, parseOr400(sourceSiteKindRenameRequest, body, 'body')).catch(answerRefusal);
  }

  @Delete('source-site-kinds/:kindCode')
  @HttpCode(204)
  async retire(@Param('kindCode') kindCode: string, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<void> {
    const by = await this.admin(auth, request);
    await this.ctx.sourceSiteKinds.retire(by, kindCode).catch(answerRefusal);
  }

  /** The source-unit ranking as CSV (UTF-8 with BOM) — capability `source_traces`, in scope like the ranking. */
  @Get('source-traces/ranking.csv')
  rankingCsv(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<StreamableFile> {
    return this.rankingFile('csv', query, auth);
  }

  /** The source-unit ranking as an XLSX sheet. */
  @Get('source-traces/ranking.xlsx')
  rankingXlsx(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<StreamableFile> {
    return this.rankingFile('xlsx', query, auth);
  }

  private async rankingFile(format: 'csv' | 'xlsx', query: unknown, auth: string | undefined): Promise<StreamableFile> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'source_traces');
    const q = parseOr400(sourceUnitRankingFileQuery, query, 'query');
    const ranking = await this.ctx.sourceTraces.ranking(scope, q);
    const name = `source-ranking_${chinaDateOf(q.fromMs)}_${chinaDateOf(q.toMs - 1)}.${format}`;
    const body =
      format === 'csv'
        ? Buffer.from(tableCsv(sourceUnitRankingColumns(q.lang), rankedRows(ranking)), 'utf8')
        : await tableXlsx([sourceUnitRankingSheet(ranking, q.lang)], { createdAtMs: this.ctx.now() });
    return new StreamableFile(body, { type: format === 'csv' ? CSV_MEDIA_TYPE : XLSX_MEDIA_TYPE, disposition: `attachment; filename="${name}"` });
  }

  @Get('cases/:caseId/source-trace/track')
  async traceTrack(@Param('caseId') caseId: string, @Headers('authorization') auth?: string): Promise<TrackResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'cases');
    if (!(await this.ctx.cases.get(scope, caseId))) return notFound('case', caseId);
    const { trace } = await this.ctx.sourceTraces.ofCase(caseId);
    const vehicleId = trace?.vehicleId ?? '';
    const window = trace ? traceTrackWindow(trace) : { fromMs: 0, toMs: 1 };
    if (!trace || !vehicleId) return { vehicleId, ...window, downsampled: false, bucketMs: 0, points: [] };
    return trackResponseOf(this.ctx, vehicleId, window, this.ctx.maxTrackPoints);
  }
}
