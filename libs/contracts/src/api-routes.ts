import { z } from 'zod';
import {
  ackAlertRequest,
  alertItem,
  alertRevisionsResponse,
  caseCloseRequest,
  caseDecisionRequest,
  caseDetail,
  caseListItem,
  caseReportRequest,
  companyDto,
  companyReportResponse,
  loginRequest,
  loginResponse,
  page,
  sourceSiteItem,
  trackResponse,
  vehicleDto,
  vehicleListItem,
  wimRecordItem,
  wimStationItem,
} from './api.schema';
import {
  alertListQuery,
  caseListQuery,
  driverListQuery,
  reportQuery,
  siteListQuery,
  sourceSiteAdminListQuery,
  speedZoneListQuery,
  terminalIdParam,
  terminalListQuery,
  trackQuery,
  vehicleListQuery,
  wimListQuery,
  wimStationAdminListQuery,
} from './api-query.schema';
import {
  driverDto,
  driverItem,
  sourceSiteDto,
  speedZoneDto,
  speedZoneItem,
  terminalDto,
  terminalItem,
  wimStationAdminItem,
  wimStationDto,
} from './registry-admin.schema';
import { relayItem, relayListQuery, relayRequest } from './relay.schema';
import { monthlyNoticeQuery, reportChartsQuery, reportChartsResponse, reportExportQuery } from './report-charts.schema';
import { answerInspectionRequest, inspectionItem, inspectionListQuery, inspectionTargetItem, sendInspectionRequest } from './inspection.schema';
import {
  deliveryAttemptItem,
  deliveryAttemptListQuery,
  deliveryItem,
  deliveryListQuery,
  deliveryRouteRequest,
  deliveryRouteSaved,
  deliverySecretIssued,
  deliverySettingsResponse,
} from './delivery.schema';
import {
  auditItem,
  auditListQuery,
  changePasswordRequest,
  createUserRequest,
  passwordIssued,
  resetPasswordRequest,
  updateUserRequest,
  userItem,
  userListQuery,
} from './users.schema';
import { safeString } from './safe-string';
import { stationRecordV1 } from './wim-station-record.schema';
import { handlingRoutes } from './handling-routes';
import { ASSESSMENT_ROUTES } from './assessment.schema';
import { rosterRoutes } from './roster-routes';
import { lowerPlatformRoutes } from './lower-platform-routes';
import { keySupervisionRoutes } from './key-supervision-routes';
import { sourceTraceRoutes } from './source-trace-routes';
import { sourceSiteKindRoutes } from './source-site-kind.schema';
import { targetingRoutes } from './targeting-routes';
import { approvedRouteRoutes } from './approved-routes-routes';
import { permitsRoutes } from './permits-routes';
import { terminalGeofenceRoutes } from './terminal-geofence-routes';
import { tamperingRoutes } from './tampering-routes';

/**
 * The route tables of the HTTP services: one row per route, naming the zod schemas its
 * handler parses (path, query, body) and the one it answers with. The OpenAPI documents are
 * generated from these rows (libs/runtime `openApiDocumentOf`), and a unit test holds them to
 * the controllers' own routes, so a route cannot be served undocumented.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** Error statuses a route may answer besides the 400 of its input and 413 of its body, which follow from the row. */
export type ErrorStatus = 401 | 403 | 404 | 409 | 429 | 503;

export interface RouteSpec {
  method: HttpMethod;
  /** As the controller declares it (`/v1/vehicles/:vehicleId`). */
  path: string;
  summary: string;
  /** `bearer`: a sign-in token; `stationKey`: an ingest-wim station's x-api-key; `none`: open. */
  security: 'bearer' | 'stationKey' | 'none';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  status: 200 | 201 | 202 | 204;
  /** The body of the success answer (none for 204). */
  response?: z.ZodType;
  /** The success answer's media type when it is not JSON (the CSV and XLSX exports). */
  responseType?: 'text/csv' | 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  errors: readonly ErrorStatus[];
}

/** A path id: any non-empty safe string (a NUL is a 400 naming it, not a 500 from PostgreSQL). */
const id = safeString().min(1);
const pathOf = (name: string) => z.object({ [name]: id });

const signedIn: ErrorStatus[] = [401, 403];
const signedInOne: ErrorStatus[] = [401, 403, 404];

/** `/v1/admin/<name>` tables with the same five routes each (admin only). */
export const ADMIN_RESOURCES = {
  terminals: {
    idKey: 'terminalId',
    what: 'Terminal (SIM number → vehicle; the auth code is never returned; padded and unpadded ids name one terminal)',
    listQuery: terminalListQuery,
    input: terminalDto,
    item: terminalItem,
  },
  drivers: { idKey: 'driverId', what: 'Driver (company must exist)', listQuery: driverListQuery, input: driverDto, item: driverItem },
  'speed-zones': {
    idKey: 'segmentId',
    what: 'Road speed zone (posted limit 5–130 km/h along a polyline of 2–5,000 [lon, lat] points inside China, spanning at most 5° of longitude and 5° of latitude; bbox computed by the server)',
    listQuery: speedZoneListQuery,
    input: speedZoneDto,
    item: speedZoneItem,
  },
  'wim-stations': {
    idKey: 'stationId',
    what: 'WIM station (kept, 409, while WIM records or violations refer to it)',
    listQuery: wimStationAdminListQuery,
    input: wimStationDto,
    item: wimStationAdminItem,
  },
  'source-sites': {
    idKey: 'sourceSiteId',
    what: '货运源头单位 source site (company must exist; kept, 409, while a case names it)',
    listQuery: sourceSiteAdminListQuery,
    input: sourceSiteDto,
    item: sourceSiteDto,
  },
} as const;
export type AdminResourceName = keyof typeof ADMIN_RESOURCES;

/** The admin answer for one vehicle: its registry record and the terminals bound to it. */
export const vehicleRecordItem = vehicleDto.omit({ terminalId: true }).extend({ terminalIds: z.array(safeString()) });

const adminRoutes = (Object.entries(ADMIN_RESOURCES) as Array<[AdminResourceName, (typeof ADMIN_RESOURCES)[AdminResourceName]]>).flatMap(
  ([name, r]): RouteSpec[] => {
    const one = `/v1/admin/${name}/:${r.idKey}`;
    const params = pathOf(r.idKey);
    return [
      {
        method: 'get',
        path: `/v1/admin/${name}`,
        summary: `${r.what}: list (admin)`,
        security: 'bearer',
        query: r.listQuery,
        status: 200,
        response: page(r.item),
        errors: signedIn,
      },
      {
        method: 'post',
        path: `/v1/admin/${name}`,
        summary: `${r.what}: create (admin); 409 when the id exists`,
        security: 'bearer',
        body: r.input,
        status: 201,
        response: r.item,
        errors: [401, 403, 409],
      },
      { method: 'get', path: one, summary: `${r.what}: one (admin)`, security: 'bearer', params, status: 200, response: r.item, errors: signedInOne },
      {
        method: 'put',
        path: one,
        summary: `${r.what}: replace (admin); the id comes from the path`,
        security: 'bearer',
        params,
        body: r.input,
        status: 200,
        response: r.item,
        errors: signedInOne,
      },
      {
        method: 'delete',
        path: one,
        summary: `${r.what}: delete (admin); 409 while records still refer to it`,
        security: 'bearer',
        params,
        status: 204,
        errors: [401, 403, 404, 409],
      },
    ];
  },
);

/** 用户管理 and the audit log (admin only: every other role 403). */
function userRoutes(): RouteSpec[] {
  const user = pathOf('username');
  const userPath = '/v1/admin/users/:username';
  return [
    {
      method: 'get',
      path: '/v1/admin/users',
      summary: 'Users (admin)',
      security: 'bearer',
      query: userListQuery,
      status: 200,
      response: page(userItem),
      errors: signedIn,
    },
    {
      method: 'post',
      path: '/v1/admin/users',
      summary:
        'Create a user (admin). Without `password` a one-time temporary password is made and returned once; either way the user must change it at first sign-in. A company user names an existing company; only operators and enforcement users have a region. 409 when the name is taken',
      security: 'bearer',
      body: createUserRequest,
      status: 201,
      response: userItem.extend(passwordIssued.shape),
      errors: [401, 403, 409, 503],
    },
    { method: 'get', path: userPath, summary: 'One user (admin)', security: 'bearer', params: user, status: 200, response: userItem, errors: signedInOne },
    {
      method: 'put',
      path: userPath,
      summary:
        "Replace role, company, region and display name (admin; fields left out are cleared). A change of role, company or region ends the user's sessions within the session bound",
      security: 'bearer',
      params: user,
      body: updateUserRequest,
      status: 200,
      response: userItem,
      errors: signedInOne,
    },
    {
      method: 'post',
      path: `${userPath}/disable`,
      summary: 'Disable a user (admin; not oneself, 409): its tokens and sockets end within the session bound',
      security: 'bearer',
      params: user,
      status: 200,
      response: userItem,
      errors: [401, 403, 404, 409],
    },
    {
      method: 'post',
      path: `${userPath}/enable`,
      summary: 'Enable a user again (admin)',
      security: 'bearer',
      params: user,
      status: 200,
      response: userItem,
      errors: signedInOne,
    },
    {
      method: 'post',
      path: `${userPath}/reset-password`,
      summary:
        'Reset a password (admin): the given one, or a one-time temporary one returned once; the user must change it at next sign-in and its sessions end',
      security: 'bearer',
      params: user,
      body: resetPasswordRequest,
      status: 200,
      response: passwordIssued,
      errors: [401, 403, 404, 503],
    },
    {
      method: 'get',
      path: `${userPath}/sign-ins`,
      summary: "The user's sign-ins, successful or failed with their reason and client address, newest first (admin)",
      security: 'bearer',
      params: user,
      query: auditListQuery,
      status: 200,
      response: page(auditItem),
      errors: signedIn,
    },
    {
      method: 'get',
      path: '/v1/admin/audit',
      summary:
        'The audit log, newest first (admin): every admin action (users, registry) with actor, target, the fields before and after and the client address; every sign-in, with the reason of a failure',
      security: 'bearer',
      query: auditListQuery,
      status: 200,
      response: page(auditItem),
      errors: signedIn,
    },
    {
      method: 'get',
      path: '/v1/admin/audit.csv',
      summary:
        'The filtered audit log as CSV (UTF-8 with BOM, oldest first, at most 100,000 rows — `X-Truncated` when cut; limit and offset are ignored). The export is itself audited',
      security: 'bearer',
      query: auditListQuery,
      status: 200,
      response: z.string(),
      responseType: 'text/csv',
      errors: signedIn,
    },
    {
      method: 'get',
      path: '/v1/admin/audit.xlsx',
      summary:
        'The filtered audit log as XLSX (typed cells, the time a date in China time, a frozen header; oldest first, at most 100,000 rows — `X-Truncated` when cut). The export is itself audited',
      security: 'bearer',
      query: auditListQuery,
      status: 200,
      response: z.string().meta({ format: 'binary' }),
      responseType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      errors: signedIn,
    },
  ];
}

/** services/api (`/openapi.json` on the API's port). */
export const apiRoutes: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/v1/auth/login',
    summary:
      'Sign in; the token goes in `Authorization: Bearer` and the socket.io handshake `auth.token`. 429 with Retry-After after too many failures for the user name or address; 503 (Retry-After) while the password work is saturated',
    security: 'none',
    body: loginRequest,
    status: 200,
    response: loginResponse,
    errors: [401, 429, 503],
  },
  {
    method: 'get',
    path: '/v1/me',
    summary:
      'The signed-in user the token names, its capabilities and whether it must change its password (answers while it must); 401 once the user is disabled, deleted or changed',
    security: 'bearer',
    status: 200,
    response: loginResponse.shape.user,
    errors: [401, 503],
  },
  {
    method: 'post',
    path: '/v1/me/password',
    summary:
      "Change one's own password (allowed while it must be changed): the current one, and a new one of ≥ 10 characters that is not the user name and not guessable (zxcvbn score ≥ 3). Answers a fresh sign-in; the user's other sessions end. 400 names body.newPassword or body.currentPassword",
    security: 'bearer',
    body: changePasswordRequest,
    status: 200,
    response: loginResponse,
    errors: [401, 503],
  },
  {
    method: 'get',
    path: '/v1/vehicles',
    summary: 'Vehicles in scope with latest position and status',
    security: 'bearer',
    query: vehicleListQuery,
    status: 200,
    response: page(vehicleListItem),
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/vehicles/:vehicleId',
    summary: 'One vehicle',
    security: 'bearer',
    params: pathOf('vehicleId'),
    status: 200,
    response: vehicleListItem,
    errors: signedInOne,
  },
  {
    method: 'get',
    path: '/v1/vehicles/:vehicleId/track',
    summary: 'Track playback (≤ 31 days); above maxPoints bucketed, each bucket keeping its fastest report',
    security: 'bearer',
    params: pathOf('vehicleId'),
    query: trackQuery,
    status: 200,
    response: trackResponse,
    errors: signedInOne,
  },
  {
    method: 'get',
    path: '/v1/terminals/:terminalId/track',
    summary:
      'Track of an unregistered terminal (no vehicle bound; kept as vehicle `terminal:<id>`), by its SIM number padded or not — admin and operators only (403 for other roles); empty when it sent nothing in the range',
    security: 'bearer',
    params: terminalIdParam,
    query: trackQuery,
    status: 200,
    response: trackResponse,
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/alerts',
    summary: 'Alerts in scope (rule and severity accept comma-separated lists)',
    security: 'bearer',
    query: alertListQuery,
    status: 200,
    response: page(alertItem),
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/alerts/:alertId',
    summary: 'One alert',
    security: 'bearer',
    params: pathOf('alertId'),
    status: 200,
    response: alertItem,
    errors: signedInOne,
  },
  {
    method: 'get',
    path: '/v1/alerts/:alertId/revisions',
    summary: 'Every revision of one alert, oldest first (when it was first raised, when the limit was passed, how the record grew); 404 like the alert itself',
    security: 'bearer',
    params: pathOf('alertId'),
    status: 200,
    response: alertRevisionsResponse,
    errors: signedInOne,
  },
  {
    method: 'post',
    path: '/v1/alerts/:alertId/ack',
    summary: 'Acknowledge with a comment (who and when are recorded)',
    security: 'bearer',
    params: pathOf('alertId'),
    body: ackAlertRequest,
    status: 200,
    response: alertItem,
    errors: signedInOne,
  },
  {
    method: 'get',
    path: '/v1/wim',
    summary: 'WIM records in scope',
    security: 'bearer',
    query: wimListQuery,
    status: 200,
    response: page(wimRecordItem),
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/wim/stations',
    summary: 'WIM stations for the map layer (admin, enforcement; operators: their region prefix). Company users: 403',
    security: 'bearer',
    query: siteListQuery,
    status: 200,
    response: page(wimStationItem),
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/source-sites',
    summary:
      '货运源头单位 source sites for the map layer (admin, enforcement; operators: their region prefix; company users: only the sites their own company runs, usually none)',
    security: 'bearer',
    query: siteListQuery,
    status: 200,
    response: page(sourceSiteItem),
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/reports/companies',
    summary: 'Per company: 上线率, violations by rule, mileage and driving hours (daily aggregate), data-quality rates (≤ 31 days)',
    security: 'bearer',
    query: reportQuery,
    status: 200,
    response: companyReportResponse,
    errors: signedIn,
  },
  // ─── the reports' charts and files (issue #14 item 6) ───
  {
    method: 'get',
    path: '/v1/reports/charts',
    summary:
      'The charts of the reports page (≤ 31 days): per local day 上线率, 数据合格率, 轨迹完整率 and 漂移率 of the vehicles in scope, and violations by rule and local hour of day. `companyId` and `regionCode` narrow the scope, never widen it',
    security: 'bearer',
    query: reportChartsQuery,
    status: 200,
    response: reportChartsResponse,
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/reports/companies.csv',
    summary:
      'The company report (the rows of /v1/reports/companies) as CSV: UTF-8 with BOM, one column per rule, a formula start defused; headers in `lang` (zh by default)',
    security: 'bearer',
    query: reportExportQuery,
    status: 200,
    response: z.string(),
    responseType: 'text/csv',
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/reports/companies.xlsx',
    summary: 'The company report as XLSX: typed cells (numbers, percentages), a frozen header row; headers in `lang` (zh by default)',
    security: 'bearer',
    query: reportExportQuery,
    status: 200,
    response: z.string().meta({ format: 'binary' }),
    responseType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/reports/notice.xlsx',
    summary:
      "The monthly 通报 of a region (XLSX, Chinese): the companies' 考核 scores of the month ranked, with each indicator and 处理率 < 90 % marked, and the 重点监管 entries listed during the month. Operators: their own region or a part of it (the default); admin: any (default all); company users 403",
    security: 'bearer',
    query: monthlyNoticeQuery,
    status: 200,
    response: z.string().meta({ format: 'binary' }),
    responseType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/cases',
    summary:
      '一超四罚 cases in scope (admin: all; operator and enforcement: those weighed at a station of their region prefix, else of a vehicle of it, all without a region; company: its own vehicles). `status` accepts a comma-separated list; `party` is a party reference; fromMs/toMs on the measurement time',
    security: 'bearer',
    query: caseListQuery,
    status: 200,
    response: page(caseListItem),
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/cases/:caseId',
    summary:
      'One case: four parties, proposed penalties with legal basis and range, repeat consequences, 严重违法失信 candidates, 百吨王 review, 第44条 report deadline, event log',
    security: 'bearer',
    params: pathOf('caseId'),
    status: 200,
    response: caseDetail,
    errors: signedInOne,
  },
  {
    method: 'post',
    path: '/v1/cases/:caseId/decision',
    summary: 'Decide the case (enforcement): fines listed are adjusted within their legal range, the rest decided as proposed. 409 when already decided',
    security: 'bearer',
    params: pathOf('caseId'),
    body: caseDecisionRequest,
    status: 200,
    response: caseDetail,
    errors: [401, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/v1/cases/:caseId/report',
    summary: '抄告 (enforcement): a decided case reported to the home authority (超限规定 第44条). 409 unless decided',
    security: 'bearer',
    params: pathOf('caseId'),
    body: caseReportRequest,
    status: 200,
    response: caseDetail,
    errors: [401, 403, 404, 409],
  },
  {
    method: 'post',
    path: '/v1/cases/:caseId/close',
    summary: 'Close a decided or reported case (enforcement) with its outcome and a comment. 409 when opened or already closed',
    security: 'bearer',
    params: pathOf('caseId'),
    body: caseCloseRequest,
    status: 200,
    response: caseDetail,
    errors: [401, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/v1/relays',
    summary: '接驳运输 relay registrations of the vehicles in scope, by night from fromDate to toDate (YYYY-MM-DD, inclusive)',
    security: 'bearer',
    query: relayListQuery,
    status: 200,
    response: page(relayItem),
    errors: signedIn,
  },
  {
    method: 'post',
    path: '/v1/relays',
    summary:
      "Register a relay for a night (the vehicle is exempt from the 02:00–05:00 rule that night); nightDate is the local date of the night's 02:00, yesterday's at the earliest; only long_distance_bus and tour_coach vehicles; one per vehicle and night (registering again replaces it)",
    security: 'bearer',
    body: relayRequest,
    status: 201,
    response: relayItem,
    errors: signedInOne,
  },
  {
    method: 'delete',
    path: '/v1/relays/:relayId',
    summary: 'Withdraw a relay registration of a vehicle in scope',
    security: 'bearer',
    params: pathOf('relayId'),
    status: 204,
    errors: signedInOne,
  },
  // 查岗 (RULES §9, §15): send (operators in their region, admin), read (in scope), answer (a company, its own, once).
  {
    method: 'get',
    path: '/v1/inspections',
    summary: '查岗 in scope, newest first: an operator sees the companies addressed in its region with their answers, a company user only its own row',
    security: 'bearer',
    query: inspectionListQuery,
    status: 200,
    response: page(inspectionItem),
    errors: signedIn,
  },
  {
    method: 'post',
    path: '/v1/inspections',
    summary:
      'Send a 查岗 question to named companies or to every transport company in scope, with an answer window (default 10 min); a company outside the scope refuses the whole request (404), nothing is written',
    security: 'bearer',
    body: sendInspectionRequest,
    status: 201,
    response: inspectionItem,
    errors: signedInOne,
  },
  {
    method: 'get',
    path: '/v1/inspections/targets',
    summary: 'The transport companies the caller may send a 查岗 to (its region for an operator, every one for an admin)',
    security: 'bearer',
    status: 200,
    response: z.object({ items: z.array(inspectionTargetItem) }),
    errors: signedIn,
  },
  {
    method: 'get',
    path: '/v1/inspections/:inspectionId',
    summary: 'One 查岗 with the recipients in scope (404 when none is)',
    security: 'bearer',
    params: pathOf('inspectionId'),
    status: 200,
    response: inspectionItem,
    errors: signedInOne,
  },
  {
    method: 'post',
    path: '/v1/inspections/:inspectionId/answer',
    summary: "A company user answers its company's 查岗, once (409 when already answered); after the window the answer is recorded and marked late",
    security: 'bearer',
    params: pathOf('inspectionId'),
    body: answerInspectionRequest,
    status: 200,
    response: inspectionItem,
    errors: [401, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/v1/admin/companies',
    summary: 'Companies (admin)',
    security: 'bearer',
    status: 200,
    response: z.object({ items: z.array(companyDto) }),
    errors: signedIn,
  },
  {
    method: 'post',
    path: '/v1/admin/companies',
    summary: 'Create a company (admin); 409 when it exists',
    security: 'bearer',
    body: companyDto,
    status: 201,
    response: companyDto,
    errors: [401, 403, 409],
  },
  {
    method: 'put',
    path: '/v1/admin/companies/:companyId',
    summary: 'Update a company (admin)',
    security: 'bearer',
    params: pathOf('companyId'),
    body: companyDto,
    status: 200,
    response: companyDto,
    errors: signedInOne,
  },
  {
    method: 'get',
    path: '/v1/admin/vehicles',
    summary: 'Vehicles (admin)',
    security: 'bearer',
    query: vehicleListQuery,
    status: 200,
    response: page(vehicleListItem),
    errors: signedIn,
  },
  {
    method: 'post',
    path: '/v1/admin/vehicles',
    summary: 'Create a vehicle, optionally binding a terminal (admin); 409 when it exists or another vehicle has its plate and colour',
    security: 'bearer',
    body: vehicleDto,
    status: 201,
    response: vehicleDto,
    errors: [401, 403, 409],
  },
  {
    method: 'get',
    path: '/v1/admin/vehicles/:vehicleId',
    summary: "The vehicle's registry record with the terminals bound to it (admin)",
    security: 'bearer',
    params: pathOf('vehicleId'),
    status: 200,
    response: vehicleRecordItem,
    errors: signedInOne,
  },
  {
    method: 'put',
    path: '/v1/admin/vehicles/:vehicleId',
    summary: "Replace a vehicle's record: facts left out are cleared (admin); 409 when another vehicle has its plate and colour",
    security: 'bearer',
    params: pathOf('vehicleId'),
    body: vehicleDto,
    status: 200,
    response: vehicleDto,
    errors: [401, 403, 404, 409],
  },
  ...adminRoutes,
  ...userRoutes(),
  ...keySupervisionRoutes,
  ...deliveryRoutes(),
  ...handlingRoutes,
  // 考核 (issue #14)
  ...ASSESSMENT_ROUTES,
  // 源头倒查 (issue #15)
  ...sourceTraceRoutes,
  // 布控线索 (issue #15)
  ...targetingRoutes,
  // The shift roster (issue #15)
  ...rosterRoutes,
  // Signal tampering (issue #16 item 5)
  ...tamperingRoutes,
  // Approved routes and their episodes (issue #16)
  ...approvedRouteRoutes,
  // JT/T 809 lower platforms (issue #17)
  ...lowerPlatformRoutes,
  // 货运源头单位 site kinds (issue #15)
  ...sourceSiteKindRoutes,
  // 大件 permit audit sheets and area bans (issue #16)
  ...permitsRoutes,
  // Routes and areas sent to terminals, the terminals' own alarms (issue #16 item 6)
  ...terminalGeofenceRoutes,
];

/** Delivery to companies (issue #14 item 1), capability `delivery`: the admin every company's, a company user its own (another's is 404). */
function deliveryRoutes(): RouteSpec[] {
  const company = z.object({ companyId: id });
  const route = z.object({ companyId: id, routeId: id });
  return [
    {
      method: 'get',
      path: '/v1/delivery/companies/:companyId',
      summary:
        "A company's delivery settings: its routes (webhook and SMS, with rule and severity filters), its registered webhook (used while it has no route), whether a signing secret is set (never the secret)",
      security: 'bearer',
      params: company,
      status: 200,
      response: deliverySettingsResponse,
      errors: signedInOne,
    },
    {
      method: 'post',
      path: '/v1/delivery/companies/:companyId/routes',
      summary:
        'Add a route. A webhook target must be http(s), without credentials, on a public address (400 naming body.target otherwise); the first webhook route issues the signing secret, returned this once. 409 when the company has a route on that channel and target',
      security: 'bearer',
      params: company,
      body: deliveryRouteRequest,
      status: 201,
      response: deliveryRouteSaved,
      errors: [401, 403, 404, 409],
    },
    {
      method: 'put',
      path: '/v1/delivery/companies/:companyId/routes/:routeId',
      summary: 'Replace a route (checked as when added)',
      security: 'bearer',
      params: route,
      body: deliveryRouteRequest,
      status: 200,
      response: deliveryRouteSaved,
      errors: [401, 403, 404, 409],
    },
    {
      method: 'delete',
      path: '/v1/delivery/companies/:companyId/routes/:routeId',
      summary: 'Delete a route (deliveries already pending on it still go out)',
      security: 'bearer',
      params: route,
      status: 204,
      errors: signedInOne,
    },
    {
      method: 'post',
      path: '/v1/delivery/companies/:companyId/secret',
      summary: 'Issue a new webhook signing secret (HMAC-SHA256 key), returned this once; the old one stops signing at once',
      security: 'bearer',
      params: company,
      status: 201,
      response: deliverySecretIssued,
      errors: signedInOne,
    },
    {
      method: 'get',
      path: '/v1/delivery/attempts',
      summary: 'Every delivery attempt in scope (webhook POSTs and SMS), newest first: outcome, HTTP status, error, next attempt',
      security: 'bearer',
      query: deliveryAttemptListQuery,
      status: 200,
      response: page(deliveryAttemptItem),
      errors: signedIn,
    },
    {
      method: 'get',
      path: '/v1/delivery/deliveries',
      summary: 'Deliveries in scope (one per alert revision, channel and target), newest first, with their state: pending, delivered or given up',
      security: 'bearer',
      query: deliveryListQuery,
      status: 200,
      response: page(deliveryItem),
      errors: signedIn,
    },
  ];
}

/** ingest-wim's answer to one weighing. */
export const wimIntakeAccepted = z.object({
  status: z.enum(['accepted', 'duplicate']),
  measurementId: safeString(),
  /** Plausibility findings (RULES.md §4); the record is kept. */
  warnings: z.array(safeString()),
});

/** ingest-wim's answer to a batch: every record's outcome by index. */
export const wimBatchOutcome = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  results: z.array(
    z.object({
      index: z.number().int(),
      status: z.enum(['accepted', 'duplicate', 'invalid', 'forbidden']),
      measurementId: safeString().optional(),
      warnings: z.array(safeString()).optional(),
      issues: z.array(z.object({ field: safeString(), message: safeString() })).optional(),
      reason: safeString().optional(),
    }),
  ),
});

export const MAX_WIM_BATCH_RECORDS = 500;

/** services/ingest-wim (`/openapi.json` on its port). */
export const wimRoutes: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/v1/wim/measurements',
    summary:
      "Submit one weighing; 202 once it is stored on Kafka. 403 when the record names another station than the key; 429 (Retry-After) over the station's budget; 503 while storage is unavailable",
    security: 'stationKey',
    body: stationRecordV1,
    status: 202,
    response: wimIntakeAccepted,
    errors: [401, 403, 429, 503],
  },
  {
    method: 'post',
    path: '/v1/wim/measurements/batch',
    summary: `Submit up to ${MAX_WIM_BATCH_RECORDS} weighings; valid ones are kept, invalid ones reported by index (413 above ${MAX_WIM_BATCH_RECORDS} records or 2 MB)`,
    security: 'stationKey',
    // The 500-record cap answers 413 (documented), not 400, so it is left out of the schema.
    body: z.object({
      records: z
        .array(stationRecordV1)
        .describe(`at most ${MAX_WIM_BATCH_RECORDS} records, each as for one weighing; an invalid one is reported by index, the rest kept`),
    }),
    status: 200,
    response: wimBatchOutcome,
    errors: [401, 429, 503],
  },
];
