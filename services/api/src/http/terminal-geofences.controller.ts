import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { sendGeofenceRequest, terminalAreaAlarmListQuery, terminalDownlinkListQuery, type TerminalDownlinkItem } from '@roadwatch/contracts';
import { TerminalGeofenceCommandError } from '../terminal-geofences/terminal-geofence-command.error';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { fail, parseOr400 } from './http-errors';
import { API_CONTEXT } from './tokens';

const answerRefusal = (error: unknown): never => {
  if (error instanceof TerminalGeofenceCommandError)
    return error.kind === 'not_found'
      ? fail(404, error.message)
      : fail(400, error.message, error.field ? [{ field: error.field, message: error.message }] : undefined);
  throw error;
};

/**
 * Routes and areas sent to terminals (issue #16 item 6): the monitoring centre (admins, operators
 * for the vehicles of their region; `terminal_geofences.send`) sends; sends and the terminals'
 * own area/route alarms are read in scope (`terminal_geofences`: companies their own vehicles').
 * The alarms are evidence beside the platform's own episodes, never a finding (RULES §11).
 */
@Controller('v1')
export class TerminalGeofencesController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Post('terminal-geofences')
  @HttpCode(202)
  async send(@Body() body: unknown, @Headers('authorization') auth?: string): Promise<TerminalDownlinkItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'terminal_geofences.send');
    const request = parseOr400(sendGeofenceRequest, body, 'body');
    return this.ctx.terminalGeofences.send.execute({ scope, request, nowMs: this.ctx.now() }).catch(answerRefusal);
  }

  @Get('terminal-geofences')
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'terminal_geofences');
    const q = parseOr400(terminalDownlinkListQuery, query, 'query');
    return { items: await this.ctx.terminalGeofences.downlinks.list(q, scope.filter), limit: q.limit, offset: q.offset };
  }

  @Get('terminal-area-alarms')
  async alarms(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'terminal_geofences');
    const q = parseOr400(terminalAreaAlarmListQuery, query, 'query');
    return { items: await this.ctx.terminalGeofences.alarms.list(q, scope.filter), limit: q.limit, offset: q.offset };
  }
}
