import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import { driverShiftListQuery, driverShiftRequest, type DriverShiftItem } from '@roadwatch/contracts';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { answerRefusal, parseOr400 } from './http-errors';
import { clientAddressOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';

/** A roster command's refusal as HTTP; anything else as every other refusal. */
/**
 * The shift roster (issue #15; RULES.md §15 "Four parties": the roster names the driver when no
 * IC card does), capability `roster`: the admin every company's shifts, a company user its own
 * drivers and vehicles only — another company's shift, vehicle or driver answers 404, as one
 * that does not exist. Writes are use cases, audited.
 */
@Controller('v1/roster')
export class RosterController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get('shifts')
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: DriverShiftItem[]; limit: number; offset: number }> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'roster');
    const q = parseOr400(driverShiftListQuery, query, 'query');
    // A company reads its own: the scope's company replaces any asked for (another's reads as none).
    const companyId = scope.filter.companyId ?? q.companyId;
    if (scope.filter.companyId !== undefined && q.companyId !== undefined && q.companyId !== scope.filter.companyId)
      return { items: [], limit: q.limit, offset: q.offset };
    return { items: await this.ctx.roster.shifts.find({ ...q, companyId }), limit: q.limit, offset: q.offset };
  }

  @Post('shifts')
  @HttpCode(201)
  async create(@Body() body: unknown, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<DriverShiftItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'roster');
    const shift = parseOr400(driverShiftRequest, body, 'body');
    return this.ctx.roster.save.execute({ scope, request: shift, clientAddress: clientAddressOf(request) }).catch(answerRefusal);
  }

  @Put('shifts/:shiftId')
  async replace(
    @Param('shiftId') shiftId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<DriverShiftItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'roster');
    const shift = parseOr400(driverShiftRequest, body, 'body');
    return this.ctx.roster.save.execute({ scope, shiftId, request: shift, clientAddress: clientAddressOf(request) }).catch(answerRefusal);
  }

  @Delete('shifts/:shiftId')
  @HttpCode(204)
  async remove(@Param('shiftId') shiftId: string, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<void> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'roster');
    await this.ctx.roster.delete.execute({ scope, shiftId, clientAddress: clientAddressOf(request) }).catch(answerRefusal);
  }
}
