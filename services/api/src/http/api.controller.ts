import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ackAlertRequest,
  caseCloseRequest,
  caseDecisionRequest,
  caseReportRequest,
  loginRequest,
  type CompanyReportResponse,
  type LoginResponse,
  type TrackResponse,
  alertListQuery,
  caseListQuery,
  reportQuery,
  siteListQuery,
  terminalIdParam,
  trackQuery,
  vehicleListQuery,
  wimListQuery,
} from '@roadwatch/contracts';
import { canonicalTerminalId, unregisteredVehicleIdOf } from '@roadwatch/domain';
import { PasswordWorkBusyError, retryAfterSeconds, type ResponseHeaders } from '@roadwatch/runtime';
import { Scope } from '../auth/scope';
import type { ApiContext } from './api-context';
import { scopeOf, sessionOf } from './auth';
import { clientAddressOf, loginResponseOf, type ClientAddress } from './sign-in';
import { answerRefusal, fail, notFound, parseOr400 } from './http-errors';
import { API_CONTEXT } from './tokens';
import { trackResponseOf } from './track-response';

/**
 * Thin HTTP face: parse (400 naming fields), derive the Scope from the token, call a
 * repository (reads) or a use case (every state change) with it. Something outside the scope is 404, never 403: a company user must
 * not learn that another company's vehicle or alert exists.
 */

@Controller()
export class ApiController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get('openapi.json')
  openApi(): unknown {
    return this.ctx.openApi;
  }

  @Post('v1/auth/login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Req() request: ClientAddress, @Res({ passthrough: true }) response: ResponseHeaders): Promise<LoginResponse> {
    const { username, password } = parseOr400(loginRequest, body, 'body');
    const address = clientAddressOf(request);
    const signInFailed = (reason: string) =>
      this.ctx.audit.record({ actor: username, action: 'auth.sign_in', target: username, outcome: 'failure', reason, clientAddress: address });
    const attempt = await this.ctx.signIn
      .attempt(username, address)
      .catch((error: Error) => fail(503, `could not check sign-in limits, retry later (${error.message})`));
    if (!attempt.allowed) {
      await signInFailed(`throttled_${attempt.limitedBy}`);
      const seconds = retryAfterSeconds(attempt.retryAfterMs);
      response.setHeader('Retry-After', String(seconds));
      return fail(429, `too many failed sign-ins ${attempt.limitedBy === 'username' ? 'for this user name' : 'from this address'}; retry after ${seconds} s`);
    }
    const outcome = await this.ctx.users.authenticate(username, password).catch((error: unknown) => {
      if (!(error instanceof PasswordWorkBusyError)) throw error;
      response.setHeader('Retry-After', String(retryAfterSeconds(error.retryAfterMs)));
      return fail(503, error.message);
    });
    if (!outcome.ok) {
      await signInFailed(outcome.reason);
      // One answer for every reason: a caller must not learn which user names exist or are disabled.
      return fail(401, 'unknown user or wrong password');
    }
    await this.ctx.signIn.succeeded(username, address);
    await this.ctx.users.signedIn(username, address);
    return loginResponseOf(this.ctx, outcome);
  }

  /** Who the token names; answers even while the password must be changed. */
  @Get('v1/me')
  async me(@Headers('authorization') auth?: string): Promise<unknown> {
    const session = await sessionOf(this.ctx.sessions, auth);
    return { ...session.principal, mustChangePassword: session.mustChangePassword, capabilities: Scope.of(session.principal).capabilities };
  }

  @Get('v1/vehicles')
  async vehicles(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'vehicles');
    const q = parseOr400(vehicleListQuery, query, 'query');
    return { items: await this.ctx.vehicles.list(scope, q), limit: q.limit, offset: q.offset };
  }

  @Get('v1/vehicles/:vehicleId')
  async vehicle(@Param('vehicleId') vehicleId: string, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'vehicles');
    return (await this.ctx.vehicles.get(scope, vehicleId)) ?? notFound('vehicle', vehicleId);
  }

  @Get('v1/vehicles/:vehicleId/track')
  async track(@Param('vehicleId') vehicleId: string, @Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'tracks');
    const q = parseOr400(trackQuery, query, 'query');
    if (!(await this.ctx.vehicles.get(scope, vehicleId))) return notFound('vehicle', vehicleId);
    return this.trackOf(vehicleId, q);
  }

  /**
   * The positions a terminal sent while no vehicle was bound to it: the gateway keeps them
   * under vehicle id `terminal:<id>` (flagged unregistered). They belong to no company or
   * region, so admin and operators read them here by terminal id (padded or not), company
   * users not at all (403). An unknown terminal has an empty track.
   */
  @Get('v1/terminals/:terminalId/track')
  async unregisteredTrack(@Param('terminalId') terminalId: string, @Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    await scopeOf(this.ctx.sessions, auth, 'terminals.unregistered');
    const { terminalId: id } = parseOr400(terminalIdParam, { terminalId }, 'path');
    const q = parseOr400(trackQuery, query, 'query');
    return this.trackOf(unregisteredVehicleIdOf(canonicalTerminalId(id)), q);
  }

  private trackOf(vehicleId: string, q: { fromMs: number; toMs: number; maxPoints?: number | undefined }): Promise<TrackResponse> {
    return trackResponseOf(this.ctx, vehicleId, q, q.maxPoints ?? this.ctx.maxTrackPoints);
  }

  @Get('v1/alerts')
  async alerts(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'alerts');
    const q = parseOr400(alertListQuery, query, 'query');
    return { items: await this.ctx.alerts.list(scope, q), limit: q.limit, offset: q.offset };
  }

  @Get('v1/alerts/:alertId')
  async alert(@Param('alertId') alertId: string, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'alerts');
    return (await this.ctx.alerts.get(scope, alertId)) ?? notFound('alert', alertId);
  }

  @Get('v1/alerts/:alertId/revisions')
  async alertRevisions(@Param('alertId') alertId: string, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'alerts');
    return (await this.ctx.alerts.revisions(scope, alertId)) ?? notFound('alert', alertId);
  }

  @Post('v1/alerts/:alertId/ack')
  @HttpCode(200)
  async acknowledge(@Param('alertId') alertId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'alerts.ack');
    const { comment } = parseOr400(ackAlertRequest, body, 'body');
    return this.ctx.acknowledgeAlert.execute({ scope, alertId, comment, nowMs: this.ctx.now() }).catch(answerRefusal);
  }

  @Get('v1/wim')
  async wim(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'wim');
    const q = parseOr400(wimListQuery, query, 'query');
    return { items: await this.ctx.reports.wim(scope, q), limit: q.limit, offset: q.offset };
  }

  /** WIM stations for the map (admin, operator in its region, enforcement). */
  @Get('v1/wim/stations')
  async wimStations(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'wim');
    const q = parseOr400(siteListQuery, query, 'query');
    return { items: await this.ctx.sites.wimStations(scope, q), limit: q.limit, offset: q.offset };
  }

  /** 货运源头单位 source sites for the map; a company user gets only the sites its company runs. */
  @Get('v1/source-sites')
  async sourceSites(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'sites');
    const q = parseOr400(siteListQuery, query, 'query');
    return { items: await this.ctx.sites.sourceSites(scope, q), limit: q.limit, offset: q.offset };
  }

  @Get('v1/reports/companies')
  async companyReport(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<CompanyReportResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'reports');
    const q = parseOr400(reportQuery, query, 'query');
    return { fromMs: q.fromMs, toMs: q.toMs, rows: await this.ctx.reports.companies(scope, q.fromMs, q.toMs) };
  }

  // ─── 一超四罚 cases ───

  @Get('v1/cases')
  async cases(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'cases');
    const q = parseOr400(caseListQuery, query, 'query');
    return { items: await this.ctx.cases.list(scope, q), limit: q.limit, offset: q.offset };
  }

  @Get('v1/cases/:caseId')
  async case(@Param('caseId') caseId: string, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'cases');
    return (await this.ctx.cases.get(scope, caseId)) ?? notFound('case', caseId);
  }

  /** Enforcement users only: decide the case, adjusting fines within their legal ranges. */
  @Post('v1/cases/:caseId/decision')
  @HttpCode(200)
  async decide(@Param('caseId') caseId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await this.enforcementScope(caseId, auth, 'decide');
    const request = parseOr400(caseDecisionRequest, body, 'body');
    return this.changed(scope, caseId, (actor) => this.ctx.caseCommands.decide.execute({ caseId, actor, request, nowMs: this.ctx.now() }));
  }

  /** Enforcement users only: the decided case reported (抄告) to the home authority, 超限规定 第44条. */
  @Post('v1/cases/:caseId/report')
  @HttpCode(200)
  async reportCase(@Param('caseId') caseId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await this.enforcementScope(caseId, auth, 'report');
    const request = parseOr400(caseReportRequest, body, 'body');
    return this.changed(scope, caseId, (actor) => this.ctx.caseCommands.report.execute({ caseId, actor, request, nowMs: this.ctx.now() }));
  }

  /** Enforcement users only: close a decided or reported case with its outcome. */
  @Post('v1/cases/:caseId/close')
  @HttpCode(200)
  async closeCase(@Param('caseId') caseId: string, @Body() body: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await this.enforcementScope(caseId, auth, 'close');
    const request = parseOr400(caseCloseRequest, body, 'body');
    return this.changed(scope, caseId, (actor) => this.ctx.caseCommands.close.execute({ caseId, actor, request, nowMs: this.ctx.now() }));
  }

  /** The caller's scope when it is an enforcement user's; others who may read the case get 403, the rest the usual 404. */
  private async enforcementScope(caseId: string, auth: string | undefined, action: string): Promise<Scope> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'cases');
    if (scope.principal.role === 'enforcement') return scope;
    if (!(await this.ctx.cases.get(scope, caseId))) return notFound('case', caseId);
    return fail(403, `role ${scope.principal.role} may not ${action} cases`);
  }

  /**
   * Runs a case use case for a case the caller's scope admits (outside it: 404, nothing
   * written); answers with the case as it now reads. The use case commits the change with its
   * `cases.events` outbox row; refusals become HTTP in `answerRefusal`.
   */
  private async changed(scope: Scope, caseId: string, change: (actor: string) => Promise<unknown>): Promise<unknown> {
    if (!(await this.ctx.cases.get(scope, caseId))) return notFound('case', caseId);
    await change(scope.principal.username).catch(answerRefusal);
    return (await this.ctx.cases.get(scope, caseId)) ?? notFound('case', caseId);
  }
}
