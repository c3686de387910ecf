import { z } from 'zod';
import * as c from '@roadwatch/contracts';
import {
  alertListQuery,
  caseListQuery,
  driverListQuery,
  reportQuery,
  siteListQuery,
  sourceSiteAdminListQuery,
  speedZoneListQuery,
  terminalListQuery,
  trackQuery,
  vehicleListQuery,
  wimListQuery,
  wimStationAdminListQuery,
} from './queries';

const schema = (s: z.ZodType): unknown => z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
const pageOf = (name: string) => ({ content: { 'application/json': { schema: { type: 'object', properties: { items: { type: 'array', items: ref(name) }, limit: { type: 'integer' }, offset: { type: 'integer' } } } } } });

/** Query parameters listed from the same zod object that validates them. */
const params = (s: z.ZodType, path: string[] = []): unknown[] => {
  const shape = (schema(s) as { properties?: Record<string, unknown>; required?: string[] }) ?? {};
  const inPath = path.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const inQuery = Object.entries(shape.properties ?? {}).map(([name, sch]) => ({ name, in: 'query', required: shape.required?.includes(name) ?? false, schema: sch }));
  return [...inPath, ...inQuery];
};

const errors = {
  '400': { description: 'invalid request; `issues` names each bad field', ...json('Error') },
  '401': { description: 'missing, invalid or expired token, or its user was disabled, deleted or changed since', ...json('Error') },
  '403': { description: 'the role may not use this endpoint, or the user must change its password first (POST /v1/me/password)', ...json('Error') },
};
const notFound = { '404': { description: 'does not exist, or is outside the caller\'s scope', ...json('Error') } };

const conflict = { '409': { description: 'exists (POST) or still referred to (DELETE)', ...json('Error') } };

/** List, create, read, replace and delete of one registry table under /v1/admin (admin only). */
const adminResource = (path: string, id: string, what: string, listQuery: z.ZodType, input: string, item: string) => ({
  [`/v1/admin/${path}`]: {
    get: { summary: `${what}: list (admin)`, parameters: params(listQuery), responses: { '200': pageOf(item), ...errors } },
    post: { summary: `${what}: create (admin)`, requestBody: { required: true, ...json(input) }, responses: { '201': json(item), ...conflict, ...errors } },
  },
  [`/v1/admin/${path}/{${id}}`]: {
    get: { summary: `${what}: one (admin)`, parameters: params(z.object({}), [id]), responses: { '200': json(item), ...errors, ...notFound } },
    put: { summary: `${what}: replace (admin); the id comes from the path`, parameters: params(z.object({}), [id]), requestBody: { required: true, ...json(input) }, responses: { '200': json(item), ...errors, ...notFound } },
    delete: { summary: `${what}: delete (admin)`, parameters: params(z.object({}), [id]), responses: { '204': { description: 'deleted' }, ...conflict, ...errors, ...notFound } },
  },
});

/** OpenAPI 3.1, its schemas generated from the zod schemas in libs/contracts that the handlers use. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'roadwatch API',
    version: '1.0.0',
    description:
      'Monitoring of 两客一危 vehicles and heavy trucks. Every answer is scoped server-side by the token: operators see their region code prefix, ' +
      'company users only their own company, enforcement users WIM and cases. Live feed: socket.io namespace `/live` (see `LIVE_EVENTS` in @roadwatch/contracts).',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Error: schema(c.apiError),
      LoginRequest: schema(c.loginRequest),
      LoginResponse: schema(c.loginResponse),
      Vehicle: schema(c.vehicleListItem),
      Track: schema(c.trackResponse),
      Alert: schema(c.alertItem),
      AckAlertRequest: schema(c.ackAlertRequest),
      WimRecord: schema(c.wimRecordItem),
      WimStation: schema(c.wimStationItem),
      SourceSite: schema(c.sourceSiteItem),
      CompanyReportRow: schema(c.companyReportRow),
      Company: schema(c.companyDto),
      VehicleInput: schema(c.vehicleDto),
      TerminalInput: schema(c.terminalDto),
      Terminal: schema(c.terminalItem),
      Driver: schema(c.driverDto),
      SpeedZoneInput: schema(c.speedZoneDto),
      SpeedZone: schema(c.speedZoneItem),
      WimStationInput: schema(c.wimStationDto),
      SourceSiteInput: schema(c.sourceSiteDto),
      LiveSubscribe: schema(c.liveSubscribe),
      PositionsBatch: schema(c.positionsBatch),
      Case: schema(c.caseListItem),
      CaseDetail: schema(c.caseDetail),
      CaseDecisionRequest: schema(c.caseDecisionRequest),
      CaseReportRequest: schema(c.caseReportRequest),
      CaseCloseRequest: schema(c.caseCloseRequest),
      RelayRequest: schema(c.relayRequest),
      Relay: schema(c.relayItem),
      User: schema(c.userItem),
      CreateUserRequest: schema(c.createUserRequest),
      UpdateUserRequest: schema(c.updateUserRequest),
      ResetPasswordRequest: schema(c.resetPasswordRequest),
      PasswordIssued: schema(c.passwordIssued),
      ChangePasswordRequest: schema(c.changePasswordRequest),
      AuditEntry: schema(c.auditItem),
    },
  },
  security: [{ bearer: [] }],
  paths: {
    '/v1/auth/login': {
      post: { summary: 'Log in; the token goes in `Authorization: Bearer` and the socket.io handshake `auth.token`', security: [], requestBody: { required: true, ...json('LoginRequest') }, responses: { '200': json('LoginResponse'), ...errors } },
    },
    '/v1/me': { get: { summary: 'The signed-in user, its capabilities and whether it must change its password (answers while it must)', responses: { '200': json('User'), ...errors } } },
    '/v1/me/password': {
      post: {
        summary: 'Change one\'s own password (allowed while it must be changed): the current one, and a new one of ≥ 10 characters that is not the user name and not guessable (zxcvbn score ≥ 3). Answers a fresh token; the user\'s other sessions end. 400 names body.newPassword or body.currentPassword',
        requestBody: { required: true, ...json('ChangePasswordRequest') },
        responses: { '200': json('LoginResponse'), ...errors },
      },
    },
    '/v1/admin/users': {
      get: { summary: 'Users (admin)', parameters: params(c.userListQuery), responses: { '200': pageOf('User'), ...errors } },
      post: {
        summary: 'Create a user (admin). Without `password` a one-time temporary password is made and returned once; either way the user must change it at first sign-in. A company user names an existing company; only operators and enforcement users have a region',
        requestBody: { required: true, ...json('CreateUserRequest') },
        responses: { '201': json('PasswordIssued'), ...conflict, ...errors },
      },
    },
    '/v1/admin/users/{username}': {
      get: { summary: 'One user (admin)', parameters: params(z.object({}), ['username']), responses: { '200': json('User'), ...errors, ...notFound } },
      put: {
        summary: 'Replace role, company, region and display name (admin; fields left out are cleared). A change of role, company or region ends the user\'s sessions within the session bound',
        parameters: params(z.object({}), ['username']),
        requestBody: { required: true, ...json('UpdateUserRequest') },
        responses: { '200': json('User'), ...errors, ...notFound },
      },
    },
    '/v1/admin/users/{username}/disable': { post: { summary: 'Disable a user (admin; not oneself, 409): its sessions and sockets end within the session bound', parameters: params(z.object({}), ['username']), responses: { '200': json('User'), ...conflict, ...errors, ...notFound } } },
    '/v1/admin/users/{username}/enable': { post: { summary: 'Enable a user again (admin)', parameters: params(z.object({}), ['username']), responses: { '200': json('User'), ...errors, ...notFound } } },
    '/v1/admin/users/{username}/reset-password': {
      post: {
        summary: 'Reset a password (admin): the given one, or a one-time temporary one returned once; the user must change it at next sign-in and its sessions end',
        parameters: params(z.object({}), ['username']),
        requestBody: { required: false, ...json('ResetPasswordRequest') },
        responses: { '200': json('PasswordIssued'), ...errors, ...notFound },
      },
    },
    '/v1/admin/users/{username}/sign-ins': {
      get: { summary: 'The user\'s sign-ins, successful or failed with their reason and client address, newest first (admin)', parameters: params(c.auditListQuery, ['username']), responses: { '200': pageOf('AuditEntry'), ...errors } },
    },
    '/v1/admin/audit': {
      get: { summary: 'The audit log, newest first (admin): every admin action with actor, target, before/after and client address, every sign-in. Filters actor, action, target, fromMs/toMs', parameters: params(c.auditListQuery), responses: { '200': pageOf('AuditEntry'), ...errors } },
    },
    '/v1/admin/audit.csv': {
      get: {
        summary: 'The filtered audit log as CSV (UTF-8 with BOM, oldest first, at most 100,000 rows — `X-Truncated` when cut); limit/offset are ignored. The export is itself audited',
        parameters: params(c.auditListQuery),
        responses: { '200': { description: 'CSV: auditId, at, actor, action, target, outcome, reason, clientAddress, changes (JSON)', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors },
      },
    },
    '/v1/vehicles': { get: { summary: 'Vehicles in scope with latest position and status', parameters: params(vehicleListQuery), responses: { '200': pageOf('Vehicle'), ...errors } } },
    '/v1/vehicles/{vehicleId}': { get: { summary: 'One vehicle', parameters: params(z.object({}), ['vehicleId']), responses: { '200': json('Vehicle'), ...errors, ...notFound } } },
    '/v1/vehicles/{vehicleId}/track': {
      get: { summary: 'Track playback; bucketed to maxPoints (first report per bucket) for long ranges', parameters: params(trackQuery, ['vehicleId']), responses: { '200': json('Track'), ...errors, ...notFound } },
    },
    '/v1/terminals/{terminalId}/track': {
      get: {
        summary: 'Track of an unregistered terminal (no vehicle bound; kept as vehicle `terminal:<id>`), by its SIM number padded or not — admin and operators only (403 for other roles); empty when it sent nothing in the range',
        parameters: params(trackQuery, ['terminalId']),
        responses: { '200': json('Track'), ...errors },
      },
    },
    '/v1/alerts': { get: { summary: 'Alerts in scope (rule and severity accept comma-separated lists)', parameters: params(alertListQuery), responses: { '200': pageOf('Alert'), ...errors } } },
    '/v1/alerts/{alertId}': { get: { summary: 'One alert', parameters: params(z.object({}), ['alertId']), responses: { '200': json('Alert'), ...errors, ...notFound } } },
    '/v1/alerts/{alertId}/ack': {
      post: { summary: 'Acknowledge with a comment (who and when are recorded)', parameters: params(z.object({}), ['alertId']), requestBody: { required: true, ...json('AckAlertRequest') }, responses: { '200': json('Alert'), ...errors, ...notFound } },
    },
    '/v1/wim': { get: { summary: 'WIM records in scope', parameters: params(wimListQuery), responses: { '200': pageOf('WimRecord'), ...errors } } },
    '/v1/wim/stations': {
      get: { summary: 'WIM stations for the map layer (admin, enforcement; operators: their region prefix). Company users: 403', parameters: params(siteListQuery), responses: { '200': pageOf('WimStation'), ...errors } },
    },
    '/v1/source-sites': {
      get: { summary: '货运源头单位 source sites for the map layer (admin, enforcement; operators: their region prefix; company users: only the sites their own company runs, usually none)', parameters: params(siteListQuery), responses: { '200': pageOf('SourceSite'), ...errors } },
    },
    '/v1/reports/companies': {
      get: {
        summary: 'Per company: 上线率, violations by rule, mileage and driving hours (daily aggregate)',
        parameters: params(reportQuery),
        responses: { '200': { content: { 'application/json': { schema: { type: 'object', properties: { rows: { type: 'array', items: ref('CompanyReportRow') } } } } } }, ...errors },
      },
    },
    '/v1/cases': {
      get: {
        summary: '一超四罚 cases in scope (enforcement and admin: all; operator: region prefix; company: its own vehicles). `status` accepts a comma-separated list; `party` is a party reference (driver, vehicle, company or source site id); fromMs/toMs on the measurement time',
        parameters: params(caseListQuery),
        responses: { '200': pageOf('Case'), ...errors },
      },
    },
    '/v1/cases/{caseId}': {
      get: { summary: 'One case: four parties, proposed penalties with legal basis and range, repeat consequences, 严重违法失信 candidates, 百吨王 review, 第44条 report deadline, event log', parameters: params(z.object({}), ['caseId']), responses: { '200': json('CaseDetail'), ...errors, ...notFound } },
    },
    '/v1/cases/{caseId}/decision': {
      post: {
        summary: 'Decide the case (enforcement): fines listed are adjusted within their legal range (source unit: name the conduct), the rest decided as proposed; a `decided` event goes to cases.events. 409 when already decided',
        parameters: params(z.object({}), ['caseId']),
        requestBody: { required: true, ...json('CaseDecisionRequest') },
        responses: { '200': json('CaseDetail'), '409': json('Error'), ...errors, ...notFound },
      },
    },
    '/v1/cases/{caseId}/report': {
      post: {
        summary: '抄告 (enforcement): a decided case reported to the home authority (超限规定 第44条); the `reported` event records whether it was within the deadline. 409 unless decided',
        parameters: params(z.object({}), ['caseId']),
        requestBody: { required: true, ...json('CaseReportRequest') },
        responses: { '200': json('CaseDetail'), '409': json('Error'), ...errors, ...notFound },
      },
    },
    '/v1/cases/{caseId}/close': {
      post: {
        summary: 'Close a decided or reported case (enforcement) with its outcome and a comment; a `closed` event goes to cases.events. 409 when opened or already closed',
        parameters: params(z.object({}), ['caseId']),
        requestBody: { required: true, ...json('CaseCloseRequest') },
        responses: { '200': json('CaseDetail'), '409': json('Error'), ...errors, ...notFound },
      },
    },
    '/v1/relays': {
      get: { summary: '接驳运输 relay registrations of the vehicles in scope (company users: their own), by night from fromDate to toDate (YYYY-MM-DD, inclusive)', parameters: params(c.relayListQuery), responses: { '200': pageOf('Relay'), ...errors } },
      post: {
        summary: 'Register a relay (vehicle, driver pair, relay point) for a night: the vehicle is exempt from the 02:00–05:00 rule that night. nightDate is the local date of the night\'s 02:00, yesterday\'s at the earliest; only long_distance_bus and tour_coach vehicles (400 on body.vehicleId otherwise); a vehicle outside the scope is 404. One per vehicle and night: registering the night again replaces it',
        requestBody: { required: true, ...json('RelayRequest') },
        responses: { '201': json('Relay'), ...errors, ...notFound },
      },
    },
    '/v1/relays/{relayId}': {
      delete: { summary: 'Withdraw a relay registration of a vehicle in scope', parameters: params(z.object({}), ['relayId']), responses: { '204': { description: 'deleted' }, ...errors, ...notFound } },
    },
    '/v1/admin/companies': {
      get: { summary: 'Companies (admin)', responses: { '200': pageOf('Company'), ...errors } },
      post: { summary: 'Create a company (admin)', requestBody: { required: true, ...json('Company') }, responses: { '201': json('Company'), '409': json('Error'), ...errors } },
    },
    '/v1/admin/companies/{companyId}': { put: { summary: 'Update a company (admin)', parameters: params(z.object({}), ['companyId']), requestBody: { required: true, ...json('Company') }, responses: { '200': json('Company'), ...errors, ...notFound } } },
    '/v1/admin/vehicles': {
      get: { summary: 'Vehicles (admin)', parameters: params(vehicleListQuery), responses: { '200': pageOf('Vehicle'), ...errors } },
      post: { summary: 'Create a vehicle, optionally binding a terminal (admin)', requestBody: { required: true, ...json('VehicleInput') }, responses: { '201': json('VehicleInput'), '409': json('Error'), ...errors } },
    },
    '/v1/admin/vehicles/{vehicleId}': {
      get: { summary: 'The vehicle\'s registry record with the terminals bound to it (admin)', parameters: params(z.object({}), ['vehicleId']), responses: { '200': json('VehicleInput'), ...errors, ...notFound } },
      put: { summary: 'Replace a vehicle\'s record: facts left out are cleared (admin)', parameters: params(z.object({}), ['vehicleId']), requestBody: { required: true, ...json('VehicleInput') }, responses: { '200': json('VehicleInput'), ...errors, ...notFound } } },
    ...adminResource('terminals', 'terminalId', 'Terminal (SIM number → vehicle; the auth code is never returned; padded and unpadded ids name one terminal)', terminalListQuery, 'TerminalInput', 'Terminal'),
    ...adminResource('drivers', 'driverId', 'Driver (company must exist)', driverListQuery, 'Driver', 'Driver'),
    ...adminResource('speed-zones', 'segmentId', 'Road speed zone (posted limit 5–130 km/h along a polyline of 2–5,000 [lon, lat] points inside China, spanning at most 5° of longitude and 5° of latitude; bbox computed by the server)', speedZoneListQuery, 'SpeedZoneInput', 'SpeedZone'),
    ...adminResource('wim-stations', 'stationId', 'WIM station (kept, 409, while WIM records or violations refer to it)', wimStationAdminListQuery, 'WimStationInput', 'WimStationInput'),
    ...adminResource('source-sites', 'sourceSiteId', '货运源头单位 source site (company must exist; kept, 409, while a case names it)', sourceSiteAdminListQuery, 'SourceSiteInput', 'SourceSiteInput'),
  },
};
