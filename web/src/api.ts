import { driverShiftItem, driverShiftRequest, type DriverShiftItem, type DriverShiftRequest } from '@roadwatch/contracts';
import { assessmentRankingResponse, assessmentScoresResponse, type AssessmentRankingResponse, type AssessmentScoreItem } from '@roadwatch/contracts';
import {
  discoveredVehicleItem,
  lowerPlatformItem,
  lowerPlatformAlarmItem,
  lowerPlatformInspectionRequest,
  lowerPlatformRequestItem,
  lowerPlatformSupervisionRequest,
  reviewDiscoveredVehicleRequest,
  sourceQualityItem,
  type DiscoveredVehicleItem,
  type LowerPlatformItem,
  type LowerPlatformAlarmItem,
  type LowerPlatformRequestItem,
  type SourceQualityItem,
} from '@roadwatch/contracts';
import { targetingDecisionRequest, targetingItem, type TargetingItem, type TargetingKind, type TargetingStatus } from '@roadwatch/contracts';
import { areaBanItem, areaBanRequest, permitAuditResponse, type AreaBanItem, type AreaBanRequest, type PermitAuditResponse } from '@roadwatch/contracts';
// Routes and areas sent to terminals, the terminals' own alarms (issue #16 item 6)
import {
  sendGeofenceRequest,
  terminalAreaAlarmItem,
  terminalDownlinkItem,
  type SendGeofenceRequest,
  type TerminalAreaAlarmItem,
  type TerminalDownlinkItem,
} from '@roadwatch/contracts';
// Approved routes: the 路线管理 page and the live map's off-route layer (issue #16)
import {
  routeDetourItem,
  routeDetourRequest,
  routeEpisodeItem,
  routeItem,
  routeRequest,
  type RouteDetourItem,
  type RouteDetourRequest,
  type RouteEpisodeItem,
  type RouteItem,
  type RouteRequestInput,
} from '@roadwatch/contracts';
import { blindAreaItem, tamperingEpisodeItem, type BlindAreaDto, type TamperingEpisodeItem } from '@roadwatch/contracts';
import { companyDto, type CompanyDto, type SaveLowerPlatformInput } from '@roadwatch/contracts';
import { z } from 'zod';
import {
  alertItem,
  apiError,
  auditItem,
  changePasswordRequest,
  createUserRequest,
  passwordIssued,
  updateUserRequest,
  userItem,
  type AuditItem,
  type AuditListQuery,
  type CreateUserRequest,
  type PasswordIssued,
  type UpdateUserRequest,
  type UserItem,
  caseCloseRequest,
  caseDecisionRequest,
  caseDetail,
  caseSourceTraceResponse,
  sourceTraceDecisionRequest,
  type CaseSourceTraceResponse,
  type SourceTraceDecisionRequest,
  caseListItem,
  caseReportRequest,
  companyReportResponse,
  reportChartsResponse,
  type ReportChartsResponse,
  loginResponse,
  page,
  relayItem,
  relayRequest,
  sourceSiteItem,
  trackResponse,
  vehicleListItem,
  wimStationItem,
  type AlertItem,
  type CaseCloseRequest,
  type CaseDecisionRequest,
  type CaseDetail,
  type CaseListItem,
  type CaseReportRequest,
  type CompanyReportRow,
  type FieldIssue,
  type LoginResponse,
  type RelayItem,
  type RelayRequest,
  type SourceSiteItem,
  type TrackResponse,
  type VehicleListItem,
  type WimStationItem,
  keySupervisionDensitySchema,
  type KeySupervisionDensity,
} from '@roadwatch/contracts';
import {
  deliveryAttemptItem,
  deliveryItem,
  deliveryRouteRequest,
  deliveryRouteSaved,
  deliverySecretIssued,
  deliverySettingsResponse,
  type DeliveryAttemptItemDto,
  type DeliveryItemDto,
  type DeliveryRouteRequest,
  type DeliveryRouteSaved,
  type DeliverySecretIssued,
  type DeliverySettingsResponse,
  dutyBoardResponse,
  handleAlertRequest,
  handlingDetail,
  handlingItem,
  handlingListResponse,
  type DutyBoardResponse,
  type HandlingDetail,
  type HandlingItem,
  type HandlingListResponse,
  type HandlingMeasure,
  answerInspectionRequest,
  inspectionItem,
  inspectionTargetItem,
  sendInspectionRequest,
  type InspectionItem,
  type InspectionTargetItem,
  type SendInspectionRequest,
} from '@roadwatch/contracts';
import {
  keySupervisionEntryItem,
  keySupervisionEvidenceResponse,
  keySupervisionListedVehicles,
  keySupervisionReleaseRequest,
  type KeySupervisionEntryItem,
  type KeySupervisionEvidenceResponse,
} from '@roadwatch/contracts';

import {
  possibleLoadingPointsResponse,
  sourceSiteDto,
  sourceSiteKindCreateRequest,
  sourceSiteKindItem,
  sourceSiteKindListResponse,
  sourceSiteKindRenameRequest,
  sourceUnitRankingResponse,
  type PossibleLoadingPointsResponse,
  type SourceSiteDto,
  type SourceSiteKindCreateRequest,
  type SourceSiteKindItem,
  type SourceSiteKindRenameRequest,
  type SourceUnitRankingResponse,
} from '@roadwatch/contracts';
/**
 * REST client for services/api. Same origin, relative URLs (`/v1/...`): the API serves
 * this app from its staticDir. Every response is validated with the contract's schema.
 */
const SESSION_KEY = 'roadwatch.session';

export class ApiHttpError extends Error {
  /** The bad fields of a refused request (400), as the API named them (`body.nightDate`). */
  readonly issues: readonly FieldIssue[];

  constructor(
    readonly status: number,
    message: string,
    issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.issues = issues;
  }
}

export const loadSession = (): LoginResponse | undefined => {
  const raw = sessionStorage.getItem(SESSION_KEY);
  if (!raw) return undefined;
  const parsed = loginResponse.safeParse(JSON.parse(raw));
  if (!parsed.success || parsed.data.expiresAtMs <= Date.now()) {
    sessionStorage.removeItem(SESSION_KEY);
    return undefined;
  }
  return parsed.data;
};

export const clearSession = (): void => sessionStorage.removeItem(SESSION_KEY);

const storeSession = (session: LoginResponse): LoginResponse => {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
};

const request = async <T>(schema: z.ZodType<T>, path: string, init: RequestInit = {}, token?: string): Promise<T> => {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (init.body) headers.set('content-type', 'application/json');
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(path, { ...init, headers });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = apiError.safeParse(body);
    throw new ApiHttpError(res.status, err.success ? err.data.message : res.statusText, err.success ? err.data.issues : undefined);
  }
  return schema.parse(body);
};

export const login = async (username: string, password: string): Promise<LoginResponse> =>
  storeSession(await request(loginResponse, '/v1/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) }));

/** The user's own password (also while it must be changed): the answer is a fresh session, which replaces the old one. */
export const changePassword = async (token: string, currentPassword: string, newPassword: string): Promise<LoginResponse> =>
  storeSession(
    await request(
      loginResponse,
      '/v1/me/password',
      { method: 'POST', body: JSON.stringify(changePasswordRequest.parse({ currentPassword, newPassword })) },
      token,
    ),
  );

/** Audit filters as query parameters (absent ones left out). */
const auditParams = (query: Partial<AuditListQuery>): URLSearchParams => {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') q.set(key, String(value));
  return q;
};

export class Api {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  private async get<T>(schema: z.ZodType<T>, path: string): Promise<T> {
    try {
      return await request(schema, path, {}, this.token);
    } catch (e) {
      if (e instanceof ApiHttpError && e.status === 401) this.onUnauthorized();
      throw e;
    }
  }

  /** Every vehicle the user may see (the API scopes company and region users), or those of one class. */
  async vehicles(query: { vehicleClass?: VehicleListItem['vehicleClass'] } = {}): Promise<VehicleListItem[]> {
    const limit = 1000;
    const out: VehicleListItem[] = [];
    for (let offset = 0; offset < 200_000; offset += limit) {
      const q = new URLSearchParams({ limit: String(limit), offset: String(offset) });
      if (query.vehicleClass) q.set('vehicleClass', query.vehicleClass);
      const p = await this.get(page(vehicleListItem), `/v1/vehicles?${q}`);
      out.push(...p.items);
      if (p.items.length < limit) break;
    }
    return out;
  }

  vehicle(vehicleId: string): Promise<VehicleListItem> {
    return this.get(vehicleListItem, `/v1/vehicles/${encodeURIComponent(vehicleId)}`);
  }

  async alerts(query: { vehicleId?: string; limit?: number } = {}): Promise<AlertItem[]> {
    const q = new URLSearchParams({ limit: String(query.limit ?? 100) });
    if (query.vehicleId) q.set('vehicleId', query.vehicleId);
    return (await this.get(page(alertItem), `/v1/alerts?${q}`)).items;
  }

  private async post<T>(schema: z.ZodType<T>, path: string, body: unknown): Promise<T> {
    try {
      return await request(schema, path, { method: 'POST', body: JSON.stringify(body) }, this.token);
    } catch (e) {
      if (e instanceof ApiHttpError && e.status === 401) this.onUnauthorized();
      throw e;
    }
  }

  ack(alertId: string, comment: string): Promise<AlertItem> {
    return this.post(alertItem, `/v1/alerts/${encodeURIComponent(alertId)}/ack`, { comment });
  }

  /** 一超四罚 cases in scope, newest first (the API orders and scopes them). */
  async cases(limit = 100): Promise<CaseListItem[]> {
    return (await this.get(page(caseListItem), `/v1/cases?limit=${limit}`)).items;
  }

  /** One case: parties, proposed (or decided) penalties, deadline and event log. */
  caseDetail(caseId: string): Promise<CaseDetail> {
    return this.get(caseDetail, `/v1/cases/${encodeURIComponent(caseId)}`);
  }

  /** Enforcement: decide an opened case. The body is checked against the contract before it leaves. */
  decideCase(caseId: string, body: CaseDecisionRequest): Promise<CaseDetail> {
    return this.post(caseDetail, `/v1/cases/${encodeURIComponent(caseId)}/decision`, caseDecisionRequest.parse(body));
  }

  /** Enforcement: 抄告 a decided case (超限规定 第44条). */
  reportCase(caseId: string, body: CaseReportRequest): Promise<CaseDetail> {
    return this.post(caseDetail, `/v1/cases/${encodeURIComponent(caseId)}/report`, caseReportRequest.parse(body));
  }

  /** Enforcement: close a decided or reported case with its outcome. */
  closeCase(caseId: string, body: CaseCloseRequest): Promise<CaseDetail> {
    return this.post(caseDetail, `/v1/cases/${encodeURIComponent(caseId)}/close`, caseCloseRequest.parse(body));
  }

  // 源头倒查 (issue #15)
  /** The case's 货源地倒查 with the sites it names. */
  caseSourceTrace(caseId: string): Promise<CaseSourceTraceResponse> {
    return this.get(caseSourceTraceResponse, `/v1/cases/${encodeURIComponent(caseId)}/source-trace`);
  }

  /** Enforcement, admin: confirm or reject the case's 源头倒查 with a comment. */
  decideSourceTrace(caseId: string, body: SourceTraceDecisionRequest): Promise<CaseSourceTraceResponse> {
    return this.post(caseSourceTraceResponse, `/v1/cases/${encodeURIComponent(caseId)}/source-trace/decision`, sourceTraceDecisionRequest.parse(body));
  }

  /** Per-company figures (上线率, violations, 联网联控 quality rates) over [fromMs, toMs). */
  async companyReport(fromMs: number, toMs: number): Promise<CompanyReportRow[]> {
    const q = new URLSearchParams({ fromMs: String(fromMs), toMs: String(toMs) });
    return (await this.get(companyReportResponse, `/v1/reports/companies?${q}`)).rows;
  }

  /** 重点监管 listings per province and prefecture in scope: the offline basemap's colouring. */
  async keySupervisionDensity(): Promise<KeySupervisionDensity> {
    return await this.get(keySupervisionDensitySchema, '/v1/key-supervision/density');
  }

  /** WIM stations in scope (map layer; roles with the `wim` capability). */
  async wimStations(): Promise<WimStationItem[]> {
    return (await this.get(page(wimStationItem), '/v1/wim/stations?limit=1000')).items;
  }

  /** 货运源头单位 source sites in scope (map layer). */
  async sourceSites(): Promise<SourceSiteItem[]> {
    return (await this.get(page(sourceSiteItem), '/v1/source-sites?limit=1000')).items;
  }

  /** 接驳运输 registrations in scope for the nights from `fromDate` to `toDate` (inclusive), by night then vehicle. */
  async relays(fromDate: string, toDate: string): Promise<RelayItem[]> {
    const limit = 1000;
    const out: RelayItem[] = [];
    for (let offset = 0; offset < 100_000; offset += limit) {
      const q = new URLSearchParams({ fromDate, toDate, limit: String(limit), offset: String(offset) });
      const p = await this.get(page(relayItem), `/v1/relays?${q}`);
      out.push(...p.items);
      if (p.items.length < limit) break;
    }
    return out;
  }

  /** Registers a relay (the vehicle's registration for that night is replaced). The body is checked against the contract before it leaves. */
  registerRelay(body: RelayRequest): Promise<RelayItem> {
    return this.post(relayItem, '/v1/relays', relayRequest.parse(body));
  }

  // ─── 查岗 (RULES §9): operators send and read the answers; company users read and answer their own ───

  /** 查岗 in scope, newest first (a company user: its own row of each). */
  async inspections(query: { state?: 'open' | 'past'; limit?: number } = {}): Promise<InspectionItem[]> {
    const q = new URLSearchParams({ limit: String(query.limit ?? 50) });
    if (query.state) q.set('state', query.state);
    return (await this.get(page(inspectionItem), `/v1/inspections?${q}`)).items;
  }

  /** The transport companies this user may send a 查岗 to. */
  async inspectionTargets(): Promise<InspectionTargetItem[]> {
    return (await this.get(z.object({ items: z.array(inspectionTargetItem) }), '/v1/inspections/targets')).items;
  }

  /** Sends a 查岗; the body is checked against the contract before it leaves. */
  sendInspection(body: SendInspectionRequest): Promise<InspectionItem> {
    return this.post(inspectionItem, '/v1/inspections', sendInspectionRequest.parse(body));
  }

  /** The company's answer (once; after the window it is recorded as late). */
  answerInspection(inspectionId: string, answer: string): Promise<InspectionItem> {
    return this.post(inspectionItem, `/v1/inspections/${encodeURIComponent(inspectionId)}/answer`, answerInspectionRequest.parse({ answer }));
  }

  // ─── 排班 (issue #15): the shift roster in scope ───

  /** The shifts in scope, oldest first. */
  async rosterShifts(): Promise<DriverShiftItem[]> {
    return (await this.get(page(driverShiftItem), '/v1/roster/shifts?limit=1000')).items;
  }

  /** Adds a shift, or replaces `shiftId`; the body is checked against the contract before it leaves. */
  async saveRosterShift(body: DriverShiftRequest, shiftId?: string): Promise<DriverShiftItem> {
    if (!shiftId) return this.post(driverShiftItem, '/v1/roster/shifts', driverShiftRequest.parse(body));
    try {
      const path = `/v1/roster/shifts/${encodeURIComponent(shiftId)}`;
      return await request(driverShiftItem, path, { method: 'PUT', body: JSON.stringify(driverShiftRequest.parse(body)) }, this.token);
    } catch (e) {
      if (e instanceof ApiHttpError && e.status === 401) this.onUnauthorized();
      throw e;
    }
  }

  async deleteRosterShift(shiftId: string): Promise<void> {
    try {
      await request(z.undefined(), `/v1/roster/shifts/${encodeURIComponent(shiftId)}`, { method: 'DELETE' }, this.token);
    } catch (e) {
      if (e instanceof ApiHttpError && e.status === 401) this.onUnauthorized();
      throw e;
    }
  }

  async deleteRelay(relayId: string): Promise<void> {
    try {
      await request(z.undefined(), `/v1/relays/${encodeURIComponent(relayId)}`, { method: 'DELETE' }, this.token);
    } catch (e) {
      if (e instanceof ApiHttpError && e.status === 401) this.onUnauthorized();
      throw e;
    }
  }

  // ─── 用户管理 (admin) ───

  async users(): Promise<UserItem[]> {
    return (await this.get(page(userItem), '/v1/admin/users?limit=1000')).items;
  }

  /** Creates a user; the answer carries the one-time password when none was given. */
  createUser(body: CreateUserRequest): Promise<UserItem & PasswordIssued> {
    return this.post(userItem.extend(passwordIssued.shape), '/v1/admin/users', createUserRequest.parse(body));
  }

  async updateUser(username: string, body: UpdateUserRequest): Promise<UserItem> {
    try {
      return await request(
        userItem,
        `/v1/admin/users/${encodeURIComponent(username)}`,
        { method: 'PUT', body: JSON.stringify(updateUserRequest.parse(body)) },
        this.token,
      );
    } catch (e) {
      if (e instanceof ApiHttpError && e.status === 401) this.onUnauthorized();
      throw e;
    }
  }

  setUserDisabled(username: string, disabled: boolean): Promise<UserItem> {
    return this.post(userItem, `/v1/admin/users/${encodeURIComponent(username)}/${disabled ? 'disable' : 'enable'}`, {});
  }

  /** A one-time password for the user, who must change it at next sign-in. */
  resetPassword(username: string): Promise<PasswordIssued> {
    return this.post(passwordIssued, `/v1/admin/users/${encodeURIComponent(username)}/reset-password`, {});
  }

  async signIns(username: string): Promise<AuditItem[]> {
    return (await this.get(page(auditItem), `/v1/admin/users/${encodeURIComponent(username)}/sign-ins?limit=50`)).items;
  }

  async audit(query: Partial<AuditListQuery>): Promise<AuditItem[]> {
    return (await this.get(page(auditItem), `/v1/admin/audit?${auditParams(query)}`)).items;
  }

  /** The filtered audit log as the API's CSV or XLSX file. */
  auditFile(format: 'csv' | 'xlsx', query: Partial<AuditListQuery>): Promise<Blob> {
    return this.file(`/v1/admin/audit.${format}?${auditParams({ ...query, limit: undefined, offset: undefined })}`);
  }

  // ─── the reports' charts, file exports and the monthly 通报 (issue #14 item 6) ───

  /** A file the API makes (CSV, XLSX): fetched with the token, which cannot ride on a plain link. */
  private async file(path: string): Promise<Blob> {
    const res = await fetch(path, { headers: { authorization: `Bearer ${this.token}` } });
    if (res.status === 401) this.onUnauthorized();
    if (!res.ok) {
      const err = apiError.safeParse(await res.json().catch(() => undefined));
      throw new ApiHttpError(res.status, err.success ? err.data.message : res.statusText);
    }
    return res.blob();
  }

  // ─── 重点监管 (RULES.md §10) ───

  /** Entries in scope: the current list or the history, newest listing first. */
  async keySupervisionEntries(state: 'current' | 'history', limit = 500): Promise<KeySupervisionEntryItem[]> {
    return (await this.get(page(keySupervisionEntryItem), `/v1/key-supervision/entries?state=${state}&limit=${limit}`)).items;
  }

  keySupervisionEvidence(entryId: string): Promise<KeySupervisionEvidenceResponse> {
    return this.get(keySupervisionEvidenceResponse, `/v1/key-supervision/entries/${encodeURIComponent(entryId)}/evidence`);
  }

  /** An officer's release with a comment; the body is checked against the contract before it leaves. */
  releaseKeySupervision(entryId: string, comment: string): Promise<KeySupervisionEntryItem> {
    return this.post(
      keySupervisionEntryItem,
      `/v1/key-supervision/entries/${encodeURIComponent(entryId)}/release`,
      keySupervisionReleaseRequest.parse({ comment }),
    );
  }

  /** The vehicles listed now in scope (the map rings them). */
  async keySupervisedVehicleIds(): Promise<string[]> {
    return (await this.get(keySupervisionListedVehicles, '/v1/key-supervision/vehicles')).vehicleIds;
  }

  // ─── 投递 delivery to companies (issue #14) ───

  deliverySettings(companyId: string): Promise<DeliverySettingsResponse> {
    return this.get(deliverySettingsResponse, `/v1/delivery/companies/${encodeURIComponent(companyId)}`);
  }

  /** Adds a route, or replaces one (`routeId`); the answer carries the signing secret when this was the company's first webhook route. */
  async saveDeliveryRoute(companyId: string, body: DeliveryRouteRequest, routeId?: string): Promise<DeliveryRouteSaved> {
    const path = `/v1/delivery/companies/${encodeURIComponent(companyId)}/routes${routeId ? `/${encodeURIComponent(routeId)}` : ''}`;
    try {
      return await request(deliveryRouteSaved, path, { method: routeId ? 'PUT' : 'POST', body: JSON.stringify(deliveryRouteRequest.parse(body)) }, this.token);
    } catch (e) {
      if (e instanceof ApiHttpError && e.status === 401) this.onUnauthorized();
      throw e;
    }
  }

  async deleteDeliveryRoute(companyId: string, routeId: string): Promise<void> {
    try {
      await request(
        z.undefined(),
        `/v1/delivery/companies/${encodeURIComponent(companyId)}/routes/${encodeURIComponent(routeId)}`,
        { method: 'DELETE' },
        this.token,
      );
    } catch (e) {
      if (e instanceof ApiHttpError && e.status === 401) this.onUnauthorized();
      throw e;
    }
  }

  /** A new signing secret, shown this once. */
  rotateDeliverySecret(companyId: string): Promise<DeliverySecretIssued> {
    return this.post(deliverySecretIssued, `/v1/delivery/companies/${encodeURIComponent(companyId)}/secret`, {});
  }

  async deliveryAttempts(query: { companyId?: string; outcome?: string; channel?: string; limit?: number }): Promise<DeliveryAttemptItemDto[]> {
    const q = new URLSearchParams({ limit: String(query.limit ?? 200) });
    for (const key of ['companyId', 'outcome', 'channel'] as const) if (query[key]) q.set(key, query[key]);
    return (await this.get(page(deliveryAttemptItem), `/v1/delivery/attempts?${q}`)).items;
  }

  async deliveries(query: { companyId?: string; state?: string; channel?: string; limit?: number }): Promise<DeliveryItemDto[]> {
    const q = new URLSearchParams({ limit: String(query.limit ?? 200) });
    for (const key of ['companyId', 'state', 'channel'] as const) if (query[key]) q.set(key, query[key]);
    return (await this.get(page(deliveryItem), `/v1/delivery/deliveries?${q}`)).items;
  }

  // ─── the handling workflow (RULES §9): the 待处理 list, its steps, the on-duty board ───

  handlingList(query: { state?: string; rule?: string; overdue?: boolean; limit?: number } = {}): Promise<HandlingListResponse> {
    const q = new URLSearchParams({ limit: String(query.limit ?? 200) });
    if (query.state) q.set('state', query.state);
    if (query.rule) q.set('rule', query.rule);
    if (query.overdue !== undefined) q.set('overdue', String(query.overdue));
    return this.get(handlingListResponse, `/v1/handling?${q}`);
  }

  handlingDetail(alertId: string): Promise<HandlingDetail> {
    return this.get(handlingDetail, `/v1/handling/${encodeURIComponent(alertId)}`);
  }

  viewHandling(alertId: string): Promise<HandlingItem> {
    return this.post(handlingItem, `/v1/handling/${encodeURIComponent(alertId)}/view`, {});
  }

  /** The body is checked against the contract before it leaves. */
  handleAlert(alertId: string, measure: HandlingMeasure, comment: string): Promise<HandlingItem> {
    return this.post(handlingItem, `/v1/handling/${encodeURIComponent(alertId)}/handle`, handleAlertRequest.parse({ measure, comment }));
  }

  appealAlert(alertId: string, reason: string): Promise<HandlingItem> {
    return this.post(handlingItem, `/v1/handling/${encodeURIComponent(alertId)}/appeal`, { reason });
  }

  decideAppeal(alertId: string, decision: 'accepted' | 'rejected', comment: string): Promise<HandlingItem> {
    return this.post(handlingItem, `/v1/handling/${encodeURIComponent(alertId)}/appeal/decision`, { decision, comment });
  }

  dutyBoard(): Promise<DutyBoardResponse> {
    return this.get(dutyBoardResponse, '/v1/handling/duty-board?limit=200');
  }

  reportCharts(fromMs: number, toMs: number, filter: { companyId?: string; regionCode?: string } = {}): Promise<ReportChartsResponse> {
    const q = new URLSearchParams({ fromMs: String(fromMs), toMs: String(toMs) });
    if (filter.companyId) q.set('companyId', filter.companyId);
    if (filter.regionCode) q.set('regionCode', filter.regionCode);
    return this.get(reportChartsResponse, `/v1/reports/charts?${q}`);
  }

  /** The company report as the API's CSV or XLSX file, headers in the given language. */
  companyReportFile(format: 'csv' | 'xlsx', fromMs: number, toMs: number, language: 'zh' | 'en'): Promise<Blob> {
    return this.file(`/v1/reports/companies.${format}?${new URLSearchParams({ fromMs: String(fromMs), toMs: String(toMs), lang: language })}`);
  }

  /** The monthly 通报 (XLSX) of a region; without one, the caller's own (operators) or all (admin). */
  monthlyNotice(month: string, regionCode?: string): Promise<Blob> {
    const q = new URLSearchParams({ month });
    if (regionCode) q.set('regionCode', regionCode);
    return this.file(`/v1/reports/notice.xlsx?${q}`);
  }

  // 考核 (issue #14): scores and ranking in the user's scope, the XLSX export.
  async assessmentScores(query: { periodKind?: 'month' | 'rolling_7d' } = {}): Promise<AssessmentScoreItem[]> {
    const q = new URLSearchParams({ periodKind: query.periodKind ?? 'month' });
    return (await this.get(assessmentScoresResponse, `/v1/assessment/scores?${q}`)).items;
  }

  assessmentRanking(query: { periodKind?: 'month' | 'rolling_7d' } = {}): Promise<AssessmentRankingResponse> {
    return this.get(assessmentRankingResponse, `/v1/assessment/ranking?${new URLSearchParams({ periodKind: query.periodKind ?? 'month' })}`);
  }

  /** The scores as the API's XLSX workbook (the bearer token cannot ride on a plain link). */
  async assessmentXlsx(): Promise<Blob> {
    const res = await fetch('/v1/assessment/scores.xlsx', { headers: { authorization: `Bearer ${this.token}` } });
    if (res.status === 401) this.onUnauthorized();
    if (!res.ok) throw new ApiHttpError(res.status, res.statusText);
    return res.blob();
  }

  // ─── 布控线索 targeting leads (issue #15) ───

  /** Leads in scope, newest first; the filters as `GET /v1/targeting` takes them. */
  async targetingLeads(query: { kind?: TargetingKind; status?: TargetingStatus; plate?: string; limit?: number } = {}): Promise<TargetingItem[]> {
    const q = new URLSearchParams({ limit: String(query.limit ?? 500) });
    if (query.kind) q.set('kind', query.kind);
    if (query.status) q.set('status', query.status);
    if (query.plate) q.set('plate', query.plate);
    return (await this.get(page(targetingItem), `/v1/targeting?${q}`)).items;
  }

  /** An officer's decision on an open lead; the body is checked against the contract before it leaves. */
  decideTargeting(targetingId: string, status: 'referred' | 'dismissed', note: string): Promise<TargetingItem> {
    return this.post(targetingItem, `/v1/targeting/${encodeURIComponent(targetingId)}/decision`, targetingDecisionRequest.parse({ status, note }));
  }

  // ─── signal tampering (issue #16 item 5) ───

  /** Suspected tampering episodes in scope, newest first. */
  async tamperingEpisodes(query: { vehicleId?: string; limit?: number } = {}): Promise<TamperingEpisodeItem[]> {
    const q = new URLSearchParams({ limit: String(query.limit ?? 500) });
    if (query.vehicleId) q.set('vehicleId', query.vehicleId);
    return (await this.get(page(tamperingEpisodeItem), `/v1/tampering-episodes?${q}`)).items;
  }

  /** The registered blind areas in scope (tunnels, car parks). */
  async blindAreas(): Promise<BlindAreaDto[]> {
    return (await this.get(z.object({ items: z.array(blindAreaItem) }), '/v1/blind-areas')).items;
  }

  // ─── 下级平台 (issue #17): JT/T 809 lower platforms, admin ───

  async lowerPlatforms(): Promise<LowerPlatformItem[]> {
    return (await this.get(z.object({ items: z.array(lowerPlatformItem) }), '/v1/lower-platforms')).items;
  }

  async lowerPlatformQuality(fromDate: string, toDate: string): Promise<SourceQualityItem[]> {
    const q = new URLSearchParams({ fromDate, toDate });
    return (await this.get(z.object({ items: z.array(sourceQualityItem) }), `/v1/lower-platforms/quality?${q}`)).items;
  }

  async discoveredVehicles(): Promise<DiscoveredVehicleItem[]> {
    return (await this.get(z.object({ items: z.array(discoveredVehicleItem) }), '/v1/lower-platforms/vehicles?limit=500')).items;
  }

  /** Create or replace a platform (admin); the API judges the body (a bad CIDR is refused naming its line), a blank password or key keeps the stored one. */
  saveLowerPlatform(accessCode: number, body: SaveLowerPlatformInput): Promise<LowerPlatformItem> {
    return this.sendJson(lowerPlatformItem, 'PUT', `/v1/lower-platforms/${accessCode}`, body);
  }

  async deleteLowerPlatform(accessCode: number): Promise<void> {
    await this.sendJson(z.undefined(), 'DELETE', `/v1/lower-platforms/${accessCode}`);
  }

  /** Accept or reject a vehicle a platform reported; checked against the contract before it leaves. */
  async reviewDiscoveredVehicle(
    vehicle: Pick<DiscoveredVehicleItem, 'accessCode' | 'plate' | 'plateColour'>,
    decision: 'accepted' | 'rejected',
  ): Promise<void> {
    const body = reviewDiscoveredVehicleRequest.parse({ accessCode: vehicle.accessCode, plate: vehicle.plate, plateColour: vehicle.plateColour, decision });
    await this.sendJson(z.undefined(), 'POST', '/v1/lower-platforms/vehicles/review', body);
  }

  async lowerPlatformAlarms(): Promise<LowerPlatformAlarmItem[]> {
    return (await this.get(z.object({ items: z.array(lowerPlatformAlarmItem) }), '/v1/lower-platforms/alarms?limit=200')).items;
  }

  /** 查岗 and 督办 sent to the platforms with their answers, newest first. */
  async lowerPlatformRequests(): Promise<LowerPlatformRequestItem[]> {
    return (await this.get(z.object({ items: z.array(lowerPlatformRequestItem) }), '/v1/lower-platforms/requests?limit=200')).items;
  }

  /** 查岗 of a platform (0x9301 over its link); checked against the contract before it leaves. */
  inspectLowerPlatform(accessCode: number, question: string, windowMinutes: number): Promise<LowerPlatformRequestItem> {
    return this.sendJson(
      lowerPlatformRequestItem,
      'POST',
      `/v1/lower-platforms/${accessCode}/inspections`,
      lowerPlatformInspectionRequest.parse({ question, windowMinutes }),
    );
  }

  /** 督办 of an alert with the platform (0x9401); checked against the contract before it leaves. */
  superviseLowerPlatform(accessCode: number, alertId: string, windowMinutes: number): Promise<LowerPlatformRequestItem> {
    return this.sendJson(
      lowerPlatformRequestItem,
      'POST',
      `/v1/lower-platforms/${accessCode}/supervisions`,
      lowerPlatformSupervisionRequest.parse({ alertId, windowMinutes }),
    );
  }

  /** The registry's companies (admin), for the platform form's company choice. */
  async registryCompanies(): Promise<CompanyDto[]> {
    return (await this.get(z.object({ items: z.array(companyDto) }), '/v1/admin/companies')).items;
  }

  // ─── 源头倒查 map side (issue #15): site geofences and kinds (admin), the trace's track, the ranking and the grade-C layer ───

  /** A write of the map-side routes; 401 signs out like every other call. */
  private async sendJson<T>(schema: z.ZodType<T>, method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    try {
      return await request(schema, path, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }, this.token);
    } catch (e) {
      if (e instanceof ApiHttpError && e.status === 401) this.onUnauthorized();
      throw e;
    }
  }

  /** Every source site with its geofence, kind, key-site flag and exit scale (admin). */
  async adminSourceSites(): Promise<SourceSiteDto[]> {
    return (await this.get(page(sourceSiteDto), '/v1/admin/source-sites?limit=1000')).items;
  }

  /** Replace a source site (admin); the record is checked against the contract before it leaves (a crossing ring is refused naming its edges). */
  saveSourceSite(site: SourceSiteDto): Promise<SourceSiteDto> {
    return this.sendJson(sourceSiteDto, 'PUT', `/v1/admin/source-sites/${encodeURIComponent(site.sourceSiteId)}`, sourceSiteDto.parse(site));
  }

  async sourceSiteKinds(): Promise<SourceSiteKindItem[]> {
    return (await this.get(sourceSiteKindListResponse, '/v1/source-site-kinds')).items;
  }

  addSourceSiteKind(body: SourceSiteKindCreateRequest): Promise<SourceSiteKindItem> {
    return this.sendJson(sourceSiteKindItem, 'POST', '/v1/source-site-kinds', sourceSiteKindCreateRequest.parse(body));
  }

  renameSourceSiteKind(kindCode: string, body: SourceSiteKindRenameRequest): Promise<SourceSiteKindItem> {
    return this.sendJson(sourceSiteKindItem, 'PUT', `/v1/source-site-kinds/${encodeURIComponent(kindCode)}`, sourceSiteKindRenameRequest.parse(body));
  }

  async retireSourceSiteKind(kindCode: string): Promise<void> {
    await this.sendJson(z.undefined(), 'DELETE', `/v1/source-site-kinds/${encodeURIComponent(kindCode)}`);
  }

  /** The traced vehicle's positions from the loading stop to the weighing (the 货源地倒查 map). */
  sourceTraceTrack(caseId: string): Promise<TrackResponse> {
    return this.get(trackResponse, `/v1/cases/${encodeURIComponent(caseId)}/source-trace/track`);
  }

  sourceUnitRanking(fromMs: number, toMs: number, limit = 100): Promise<SourceUnitRankingResponse> {
    return this.get(
      sourceUnitRankingResponse,
      `/v1/source-traces/ranking?${new URLSearchParams({ fromMs: String(fromMs), toMs: String(toMs), limit: String(limit) })}`,
    );
  }

  /** The ranking as the API's CSV or XLSX file, headers in the given language. */
  sourceUnitRankingFile(format: 'csv' | 'xlsx', fromMs: number, toMs: number, language: 'zh' | 'en'): Promise<Blob> {
    return this.file(`/v1/source-traces/ranking.${format}?${new URLSearchParams({ fromMs: String(fromMs), toMs: String(toMs), lang: language })}`);
  }

  possibleLoadingPoints(fromMs: number, toMs: number, limit = 1000): Promise<PossibleLoadingPointsResponse> {
    return this.get(
      possibleLoadingPointsResponse,
      `/v1/source-traces/possible-loading-points?${new URLSearchParams({ fromMs: String(fromMs), toMs: String(toMs), limit: String(limit) })}`,
    );
  }

  // ─── 大件 audit sheets and area bans (issue #16) ───

  /** Area bans in scope (a company: those that bind it); retired ones on request. */
  async areaBans(includeRetired = false): Promise<AreaBanItem[]> {
    return (await this.get(page(areaBanItem), `/v1/area-bans?limit=1000&includeRetired=${String(includeRetired)}`)).items;
  }

  /** Creates or replaces a ban; the body is checked against the contract before it leaves. */
  saveAreaBan(body: AreaBanRequest): Promise<AreaBanItem> {
    const parsed = areaBanRequest.parse(body);
    return this.sendJson(areaBanItem, 'PUT', `/v1/area-bans/${encodeURIComponent(parsed.banId)}`, parsed);
  }

  retireAreaBan(banId: string): Promise<AreaBanItem> {
    return this.post(areaBanItem, `/v1/area-bans/${encodeURIComponent(banId)}/retire`, {});
  }

  /** 倒查: a permit's audit sheet over its validity (or the period given). */
  permitAudit(routeId: string, period: { fromMs?: number; toMs?: number } = {}): Promise<PermitAuditResponse> {
    const q = new URLSearchParams();
    if (period.fromMs !== undefined) q.set('fromMs', String(period.fromMs));
    if (period.toMs !== undefined) q.set('toMs', String(period.toMs));
    return this.get(permitAuditResponse, `/v1/permits/${encodeURIComponent(routeId)}/audit?${q}`);
  }

  permitAuditXlsx(routeId: string): Promise<Blob> {
    return this.file(`/v1/permits/${encodeURIComponent(routeId)}/audit.xlsx`);
  }

  // ─── routes and areas to terminals (issue #16 item 6) ───

  /** Sends a route, an area ban or a circle to the vehicle's terminal; the body is checked before it leaves. */
  sendGeofence(body: SendGeofenceRequest): Promise<TerminalDownlinkItem> {
    return this.post(terminalDownlinkItem, '/v1/terminal-geofences', sendGeofenceRequest.parse(body));
  }

  async terminalDownlinks(vehicleId: string, limit = 10): Promise<TerminalDownlinkItem[]> {
    const q = new URLSearchParams({ vehicleId, limit: String(limit) });
    return (await this.get(page(terminalDownlinkItem), `/v1/terminal-geofences?${q}`)).items;
  }

  /** The terminal's own area/route alarms: evidence, never a finding by themselves. */
  async terminalAreaAlarms(vehicleId: string, limit = 20): Promise<TerminalAreaAlarmItem[]> {
    const q = new URLSearchParams({ vehicleId, limit: String(limit) });
    return (await this.get(page(terminalAreaAlarmItem), `/v1/terminal-area-alarms?${q}`)).items;
  }

  // ─── approved routes: 路线管理 and the live map's off-route layer (issue #16) ───

  /** Approved routes in scope (a company its own); retired ones on request. */
  async routes(includeRetired = false): Promise<RouteItem[]> {
    return (await this.get(page(routeItem), `/v1/routes?limit=500&includeRetired=${String(includeRetired)}`)).items;
  }

  route(routeId: string): Promise<RouteItem> {
    return this.get(routeItem, `/v1/routes/${encodeURIComponent(routeId)}`);
  }

  /** Creates or rewrites a route (polyline, GeoJSON or KML); the body is checked against the contract before it leaves. */
  saveRoute(routeId: string, body: RouteRequestInput): Promise<RouteItem> {
    return this.sendJson(routeItem, 'PUT', `/v1/routes/${encodeURIComponent(routeId)}`, routeRequest.parse(body));
  }

  retireRoute(routeId: string): Promise<RouteItem> {
    return this.post(routeItem, `/v1/routes/${encodeURIComponent(routeId)}/retire`, {});
  }

  bindRouteVehicles(routeId: string, vehicleIds: string[]): Promise<RouteItem> {
    return this.sendJson(routeItem, 'PUT', `/v1/routes/${encodeURIComponent(routeId)}/vehicles`, { vehicleIds });
  }

  approveDetour(routeId: string, body: RouteDetourRequest): Promise<RouteDetourItem> {
    return this.post(routeDetourItem, `/v1/routes/${encodeURIComponent(routeId)}/detours`, routeDetourRequest.parse(body));
  }

  /** Route episodes in scope, newest first (the off-route stretches with their positions). */
  async routeEpisodes(query: { vehicleId?: string; kind?: RouteEpisodeItem['kind']; fromMs?: number; limit?: number } = {}): Promise<RouteEpisodeItem[]> {
    const q = new URLSearchParams({ limit: String(query.limit ?? 100) });
    if (query.vehicleId) q.set('vehicleId', query.vehicleId);
    if (query.kind) q.set('kind', query.kind);
    if (query.fromMs !== undefined) q.set('fromMs', String(query.fromMs));
    return (await this.get(z.object({ items: z.array(routeEpisodeItem) }), `/v1/route-episodes?${q}`)).items;
  }

  track(vehicleId: string, fromMs: number, toMs: number, maxPoints = 5000): Promise<TrackResponse> {
    const q = new URLSearchParams({ fromMs: String(fromMs), toMs: String(toMs), maxPoints: String(maxPoints) });
    return this.get(trackResponse, `/v1/vehicles/${encodeURIComponent(vehicleId)}/track?${q}`);
  }
}
