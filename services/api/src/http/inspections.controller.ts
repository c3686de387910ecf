import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { answerInspectionRequest, inspectionListQuery, sendInspectionRequest, type InspectionItem } from '@roadwatch/contracts';
import { inspectionItemOf } from '../inspection/inspection-item';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { answerRefusal, notFound, parseOr400 } from './http-errors';
import { API_CONTEXT } from './tokens';

/**
 * 查岗 (RULES.md §9, §15): operators send to the companies of their region (admins anywhere),
 * company users see and answer their own company's. Every read is scoped by the recipient's
 * company (libs/storage `InspectionRepository`): another company's 查岗 is 404 by id, reads and
 * answers alike. The controller only parses, authorises and calls the use cases.
 */
@Controller('v1/inspections')
export class InspectionsController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get()
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'inspections');
    const q = parseOr400(inspectionListQuery, query, 'query');
    const nowMs = this.ctx.now();
    const records = await this.ctx.inspections.list({ scope: scope.filter, state: q.state, nowMs, limit: q.limit, offset: q.offset });
    return { items: records.map((r) => inspectionItemOf(r, nowMs)), limit: q.limit, offset: q.offset };
  }

  @Post()
  @HttpCode(201)
  async send(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<InspectionItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'inspections.send');
    const request = parseOr400(sendInspectionRequest, body, 'body');
    return this.ctx.inspectionCommands.send.execute({ scope, request, nowMs: this.ctx.now() }).catch(answerRefusal);
  }

  /** Declared before `:inspectionId`, which would otherwise take `targets` for an id. */
  @Get('targets')
  async targets(@Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'inspections.send');
    return { items: await this.ctx.inspections.targets(scope.filter) };
  }

  @Get(':inspectionId')
  async get(@Param('inspectionId') inspectionId: string, @Headers('authorization') auth?: string): Promise<InspectionItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'inspections');
    const record = await this.ctx.inspections.get(inspectionId, scope.filter);
    return record ? inspectionItemOf(record, this.ctx.now()) : notFound('inspection', inspectionId);
  }

  @Post(':inspectionId/answer')
  @HttpCode(200)
  async answer(@Param('inspectionId') inspectionId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<InspectionItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'inspections.answer');
    const { answer } = parseOr400(answerInspectionRequest, body, 'body');
    return this.ctx.inspectionCommands.answer.execute({ scope, inspectionId, answer, nowMs: this.ctx.now() }).catch(answerRefusal);
  }
}
