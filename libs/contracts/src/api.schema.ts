import { z } from 'zod';
import { alertRule } from './alert.schema';
import { epochMs, plateColour, severity, vehicleClass } from './common.schema';

/**
 * The public surface of services/api: REST DTOs and socket.io events, shared with the
 * web app. REST lives under `/v1`; the live feed is the socket.io namespace `/live`.
 */

// ─── auth ──────────────────────────────────────────────────────────────────────────

export const apiRole = z.enum(['admin', 'operator', 'company', 'enforcement']);
export type ApiRole = z.infer<typeof apiRole>;

/** `POST /v1/auth/login` */
export const loginRequest = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const apiUser = z.object({
  username: z.string(),
  role: apiRole,
  /** For `company` users: the only company whose data they ever see. */
  companyId: z.string().optional(),
  /** For `operator` users: the administrative-division prefix they see (e.g. `4401`). */
  regionCode: z.string().optional(),
  displayName: z.string().optional(),
});
export type ApiUser = z.infer<typeof apiUser>;

export const loginResponse = z.object({
  /** Bearer token for `Authorization: Bearer …` and for the socket.io handshake `auth.token`. */
  token: z.string(),
  expiresAtMs: epochMs,
  user: apiUser,
});
export type LoginResponse = z.infer<typeof loginResponse>;

/** Every 4xx/5xx body. `issues` names the bad fields of a request. */
export const apiError = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type ApiError = z.infer<typeof apiError>;

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), limit: z.number().int(), offset: z.number().int() });

// ─── vehicles ──────────────────────────────────────────────────────────────────────

export const vehicleStatus = z.enum(['moving', 'stopped', 'offline', 'unknown']);
export type VehicleStatus = z.infer<typeof vehicleStatus>;

export const latestPositionDto = z.object({
  deviceTimeMs: epochMs,
  latitudeDeg: z.number(),
  longitudeDeg: z.number(),
  speedKmh: z.number(),
  headingDeg: z.number(),
  accOn: z.boolean().optional(),
});
export type LatestPositionDto = z.infer<typeof latestPositionDto>;

/** `GET /v1/vehicles` item and `GET /v1/vehicles/:vehicleId`. */
export const vehicleListItem = z.object({
  vehicleId: z.string(),
  plate: z.string(),
  plateColour,
  vehicleClass,
  companyId: z.string().optional(),
  companyName: z.string().optional(),
  regionCode: z.string().optional(),
  axleCount: z.number().int().optional(),
  status: vehicleStatus,
  latest: latestPositionDto.nullable(),
});
export type VehicleListItem = z.infer<typeof vehicleListItem>;

/** `GET /v1/vehicles/:vehicleId/track?fromMs=&toMs=&maxPoints=` */
export const trackPoint = z.object({
  tMs: epochMs,
  latitudeDeg: z.number(),
  longitudeDeg: z.number(),
  speedKmh: z.number(),
  headingDeg: z.number(),
});
export type TrackPoint = z.infer<typeof trackPoint>;

export const trackResponse = z.object({
  vehicleId: z.string(),
  fromMs: epochMs,
  toMs: epochMs,
  /** True when the range held more points than `maxPoints` and was bucketed. */
  downsampled: z.boolean(),
  bucketMs: z.number().int().nonnegative(),
  points: z.array(trackPoint),
});
export type TrackResponse = z.infer<typeof trackResponse>;

// ─── alerts ────────────────────────────────────────────────────────────────────────

export const alertAck = z.object({
  byUsername: z.string(),
  atMs: epochMs,
  comment: z.string(),
});
export type AlertAck = z.infer<typeof alertAck>;

/** `GET /v1/alerts` item, and the socket.io `alert` event payload. */
export const alertItem = z.object({
  alertId: z.string(),
  revision: z.number().int(),
  vehicleId: z.string(),
  plate: z.string().optional(),
  companyId: z.string().optional(),
  regionCode: z.string().optional(),
  rule: alertRule,
  level: z.enum(['prewarning', 'violation', 'data_quality']),
  severity,
  startedAtMs: epochMs,
  endedAtMs: epochMs.optional(),
  raisedAtMs: epochMs,
  summary: z.string(),
  points: z.number().int().optional(),
  fineYuan: z.number().optional(),
  latitudeDeg: z.number().optional(),
  longitudeDeg: z.number().optional(),
  ack: alertAck.nullable(),
});
export type AlertItem = z.infer<typeof alertItem>;

/** `POST /v1/alerts/:alertId/ack` */
export const ackAlertRequest = z.object({ comment: z.string().min(1).max(2000) });
export type AckAlertRequest = z.infer<typeof ackAlertRequest>;

// ─── live feed (socket.io namespace `/live`) ──────────────────────────────────────

/** Namespace and event names. Connect with `io(url + LIVE_NAMESPACE, { auth: { token } })`. */
export const LIVE_NAMESPACE = '/live';
export const LIVE_EVENTS = {
  /** client → server, payload `LiveSubscribe`, ack `LiveSubscribeAck` */
  subscribe: 'subscribe',
  /** client → server, no payload: drop every subscription */
  unsubscribe: 'unsubscribe',
  /** server → client, payload `PositionsBatch`, once per tick with every changed vehicle */
  positions: 'positions',
  /** server → client, payload `AlertItem`, pushed as soon as it is consumed */
  alert: 'alert',
  /** server → client, payload `AlertAckEvent`, when anyone acknowledges an alert the socket may see */
  alertAck: 'alertAck',
} as const;

export const bbox = z
  .object({
    west: z.number().min(-180).max(180),
    south: z.number().min(-90).max(90),
    east: z.number().min(-180).max(180),
    north: z.number().min(-90).max(90),
  })
  .refine((b) => b.south <= b.north, { message: 'south must be <= north', path: ['south'] });
export type Bbox = z.infer<typeof bbox>;

/**
 * Replaces the socket's subscription. Either a map viewport, a company, or both (AND).
 * A `company` user is always restricted to their own company, whatever they ask for.
 */
export const liveSubscribe = z
  .object({
    viewport: bbox.optional(),
    companyId: z.string().min(1).optional(),
    /** Also receive alerts for the subscribed scope (default true). */
    alerts: z.boolean().default(true),
  })
  .refine((s) => s.viewport !== undefined || s.companyId !== undefined, {
    message: 'give a viewport or a companyId',
    path: ['viewport'],
  });
export type LiveSubscribe = z.input<typeof liveSubscribe>;

export const liveSubscribeAck = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type LiveSubscribeAck = z.infer<typeof liveSubscribeAck>;

export const livePosition = z.object({
  vehicleId: z.string(),
  plate: z.string().optional(),
  companyId: z.string().optional(),
  deviceTimeMs: epochMs,
  latitudeDeg: z.number(),
  longitudeDeg: z.number(),
  speedKmh: z.number(),
  headingDeg: z.number(),
  accOn: z.boolean(),
});
export type LivePosition = z.infer<typeof livePosition>;

export const positionsBatch = z.object({
  /** Server time of the tick. */
  tickMs: epochMs,
  /** Latest position of every vehicle in the subscription that moved/reported since the last tick. */
  positions: z.array(livePosition),
});
export type PositionsBatch = z.infer<typeof positionsBatch>;

export const alertAckEvent = z.object({ alertId: z.string(), vehicleId: z.string(), ack: alertAck });
export type AlertAckEvent = z.infer<typeof alertAckEvent>;

// ─── WIM, reports, registry ───────────────────────────────────────────────────────

export const wimRecordItem = z.object({
  measurementId: z.string(),
  stationId: z.string(),
  measuredAtMs: epochMs,
  plate: z.string(),
  plateColour,
  axleCount: z.number().int(),
  grossKg: z.number(),
  limitKg: z.number().optional(),
  overloadPct: z.number().optional(),
  speedKmh: z.number(),
});
export type WimRecordItem = z.infer<typeof wimRecordItem>;

/** `GET /v1/reports/companies?fromMs=&toMs=` */
export const companyReportRow = z.object({
  companyId: z.string(),
  companyName: z.string().optional(),
  vehicles: z.number().int(),
  /** Vehicles with at least one position in the range (上线率 = online / vehicles). */
  vehiclesOnline: z.number().int(),
  onlineRate: z.number(),
  violations: z.number().int(),
  violationsByRule: z.record(z.string(), z.number().int()),
  mileageKm: z.number(),
  drivingHours: z.number(),
});
export type CompanyReportRow = z.infer<typeof companyReportRow>;

export const companyDto = z.object({
  companyId: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  regionCode: z.string().min(2).max(12),
  licenceNo: z.string().max(64).optional(),
});
export type CompanyDto = z.infer<typeof companyDto>;

export const vehicleDto = z.object({
  vehicleId: z.string().min(1).max(64),
  plate: z.string().min(1).max(16),
  plateColour,
  vehicleClass,
  companyId: z.string().min(1),
  regionCode: z.string().min(2).max(12).optional(),
  axleCount: z.number().int().min(2).max(8).optional(),
  terminalId: z.string().optional(),
});
export type VehicleDto = z.infer<typeof vehicleDto>;
