import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  lowerPlatformAccessCodeParam,
  lowerPlatformInspectionRequest,
  lowerPlatformListQuery,
  saveLowerPlatformRequest,
  lowerPlatformSupervisionRequest,
  reviewDiscoveredVehicleRequest,
  sourceQualityQuery,
  type DiscoveredVehicleItem,
  type SourceQualityItem,
  type LowerPlatformItem,
  type LowerPlatformRequestItem,
} from '@roadwatch/contracts';
import type { LowerPlatformAlarm } from '@roadwatch/storage';
import { LowerPlatformCommandError } from '../lower-platforms/lower-platform-command.error';
import { lowerPlatformItemOf, lowerPlatformRequestItemOf } from '../lower-platforms/lower-platform-item';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { answerRefusal, fail, parseOr400 } from './http-errors';
import { clientAddressOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';

const answerLowerPlatformRefusal = (error: unknown): never => {
  if (error instanceof LowerPlatformCommandError) {
    if (error.kind === 'not_found') return fail(404, error.message, error.issue ? [error.issue] : undefined);
    return fail(400, error.message, error.issue ? [error.issue] : undefined);
  }
  return answerRefusal(error);
};

/**
 * JT/T 809 lower platforms (issue #17): the registry and what the platforms told us
 * (capability `lower_platforms`, admin); 查岗 of a platform (`inspections.send`) and 督办 of an
 * alert with it (`handling.duty`), sent by the gateway over the platform's link.
 */
@Controller('v1/lower-platforms')
export class LowerPlatformsController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get()
  async list(@Headers('authorization') auth?: string): Promise<{ items: LowerPlatformItem[] }> {
    await scopeOf(this.ctx.sessions, auth, 'lower_platforms');
    const online = this.ctx.lowerPlatforms.online?.();
    return { items: (await this.ctx.lowerPlatforms.platforms.list()).map((p) => lowerPlatformItemOf(p, online?.includes(p.accessCode))) };
  }

  @Get('vehicles')
  async vehicles(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: DiscoveredVehicleItem[] }> {
    await scopeOf(this.ctx.sessions, auth, 'lower_platforms');
    const q = parseOr400(lowerPlatformListQuery, query, 'query');
    const items = await this.ctx.lowerPlatforms.platforms.discoveredVehicles({
      ...(q.accessCode === undefined ? {} : { accessCode: q.accessCode }),
      limit: q.limit,
    });
    return {
      items: items.map(({ registration, staticInfo, ...rest }) => ({
        ...rest,
        ...(registration ? { registration } : {}),
        ...(staticInfo ? { staticInfo } : {}),
      })),
    };
  }

  @Post('vehicles/review')
  @HttpCode(204)
  async review(@Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<void> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'lower_platforms');
    const vehicle = parseOr400(reviewDiscoveredVehicleRequest, body, 'body');
    await this.ctx.lowerPlatforms.review.execute({ scope, clientAddress: clientAddressOf(request), vehicle }).catch(answerLowerPlatformRefusal);
  }

  @Get('alarms')
  async alarms(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: LowerPlatformAlarm[] }> {
    await scopeOf(this.ctx.sessions, auth, 'lower_platforms');
    const q = parseOr400(lowerPlatformListQuery, query, 'query');
    return { items: await this.ctx.lowerPlatforms.platforms.alarms({ ...(q.accessCode === undefined ? {} : { accessCode: q.accessCode }), limit: q.limit }) };
  }

  /**
   * The per-source split of the reports' data quality. Admin only (`lower_platforms`): the
   * figures span every region, and a platform forwards vehicles of any region.
   */
  @Get('quality')
  async quality(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: SourceQualityItem[] }> {
    await scopeOf(this.ctx.sessions, auth, 'lower_platforms');
    const q = parseOr400(sourceQualityQuery, query, 'query');
    const rate = (part: number, whole: number): number | undefined => (whole > 0 ? part / whole : undefined);
    const rows = await this.ctx.lowerPlatforms.platforms.qualityBySource(q.fromDate, q.toDate);
    return {
      items: rows.map((r) => {
        const item: SourceQualityItem = { source: r.source, vehicles: r.vehicles, onlineVehicles: r.onlineVehicles, received: r.received };
        if (r.platformName !== undefined) item.platformName = r.platformName;
        const online = rate(r.onlineVehicles, r.vehicles);
        const track = rate(r.completeTrackM, r.trackM);
        const valid = rate(r.valid, r.received);
        if (online !== undefined) item.onlineRate = online;
        if (track !== undefined) item.trackCompletenessRate = track;
        if (valid !== undefined) item.validRate = valid;
        return item;
      }),
    };
  }

  @Get('requests')
  async requests(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: LowerPlatformRequestItem[] }> {
    await scopeOf(this.ctx.sessions, auth, 'lower_platforms');
    const q = parseOr400(lowerPlatformListQuery, query, 'query');
    const items = await this.ctx.lowerPlatforms.platforms.requests({ ...(q.accessCode === undefined ? {} : { accessCode: q.accessCode }), limit: q.limit });
    return { items: items.map(lowerPlatformRequestItemOf) };
  }

  @Put(':accessCode')
  async save(
    @Param() params: unknown,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<LowerPlatformItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'lower_platforms');
    const { accessCode } = parseOr400(lowerPlatformAccessCodeParam, params, 'path');
    const platform = parseOr400(saveLowerPlatformRequest, body, 'body');
    return this.ctx.lowerPlatforms.save
      .execute({ scope, clientAddress: clientAddressOf(request), accessCode, request: platform })
      .catch(answerLowerPlatformRefusal);
  }

  @Delete(':accessCode')
  @HttpCode(204)
  async remove(@Param() params: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<void> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'lower_platforms');
    const { accessCode } = parseOr400(lowerPlatformAccessCodeParam, params, 'path');
    await this.ctx.lowerPlatforms.delete.execute({ scope, clientAddress: clientAddressOf(request), accessCode }).catch(answerLowerPlatformRefusal);
  }

  @Post(':accessCode/inspections')
  @HttpCode(201)
  async inspect(
    @Param() params: unknown,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<LowerPlatformRequestItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'inspections.send');
    const { accessCode } = parseOr400(lowerPlatformAccessCodeParam, params, 'path');
    const inspection = parseOr400(lowerPlatformInspectionRequest, body, 'body');
    return this.ctx.lowerPlatforms.inspect
      .execute({ scope, clientAddress: clientAddressOf(request), accessCode, request: inspection, nowMs: this.ctx.now() })
      .catch(answerLowerPlatformRefusal);
  }

  @Post(':accessCode/supervisions')
  @HttpCode(201)
  async supervise(
    @Param() params: unknown,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<LowerPlatformRequestItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'handling.duty');
    const { accessCode } = parseOr400(lowerPlatformAccessCodeParam, params, 'path');
    const supervision = parseOr400(lowerPlatformSupervisionRequest, body, 'body');
    return this.ctx.lowerPlatforms.supervise
      .execute({ scope, clientAddress: clientAddressOf(request), accessCode, request: supervision, nowMs: this.ctx.now() })
      .catch(answerLowerPlatformRefusal);
  }
}
