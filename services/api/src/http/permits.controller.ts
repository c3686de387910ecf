import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req, StreamableFile } from '@nestjs/common';
import { areaBanListQuery, areaBanRequest, permitAuditQuery, XLSX_MEDIA_TYPE, type AreaBanItem, type PermitAuditResponse } from '@roadwatch/contracts';
import { permitAuditXlsx } from '../permits/permit-audit-xlsx';
import { PermitsRequestError } from '../permits/permits.api';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { fail, parseOr400 } from './http-errors';
import { clientAddressOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';

const answerRefusal = (error: unknown): never => {
  if (error instanceof PermitsRequestError) return fail(error.kind === 'not_found' ? 404 : error.kind === 'forbidden' ? 403 : 400, error.message);
  throw error;
};

/**
 * 大件 audit sheets (capability `permits`: admin, operators and enforcement by the permit's
 * region, a company its own permits — another's is 404) and area bans (`area_bans` to read in
 * scope, `area_bans.admin` to create, replace or retire: admin, operators of the region).
 */
@Controller()
export class PermitsController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get('v1/permits/:routeId/audit')
  async audit(@Param('routeId') routeId: string, @Query() query: unknown, @Headers('authorization') auth?: string): Promise<PermitAuditResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'permits');
    const q = parseOr400(permitAuditQuery, query, 'query');
    return this.ctx.permits.audit(scope, routeId, q).catch(answerRefusal);
  }

  @Get('v1/permits/:routeId/audit.xlsx')
  async auditXlsx(@Param('routeId') routeId: string, @Query() query: unknown, @Headers('authorization') auth?: string): Promise<StreamableFile> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'permits');
    const q = parseOr400(permitAuditQuery, query, 'query');
    const sheet = await this.ctx.permits.audit(scope, routeId, q).catch(answerRefusal);
    const xlsx = await permitAuditXlsx(sheet, this.ctx.now());
    const name = `permit-audit_${routeId.replace(/[^A-Za-z0-9_.-]/g, '_')}.xlsx`;
    return new StreamableFile(xlsx, { type: XLSX_MEDIA_TYPE, disposition: `attachment; filename="${name}"` });
  }

  @Get('v1/area-bans')
  async listBans(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: AreaBanItem[]; limit: number; offset: number }> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'area_bans');
    const q = parseOr400(areaBanListQuery, query, 'query');
    const items = await this.ctx.permits.listBans(scope, { includeRetired: q.includeRetired === 'true', limit: q.limit, offset: q.offset });
    return { items, limit: q.limit, offset: q.offset };
  }

  @Put('v1/area-bans/:banId')
  @HttpCode(200)
  async saveBan(
    @Param('banId') banId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<AreaBanItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'area_bans.admin');
    const ban = parseOr400(areaBanRequest, body, 'body');
    return this.ctx.permits.saveBan(scope, banId, ban, this.ctx.now(), clientAddressOf(request)).catch(answerRefusal);
  }

  @Post('v1/area-bans/:banId/retire')
  @HttpCode(200)
  async retireBan(@Param('banId') banId: string, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<AreaBanItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'area_bans.admin');
    return this.ctx.permits.retireBan(scope, banId, this.ctx.now(), clientAddressOf(request)).catch(answerRefusal);
  }
}
