import { z } from 'zod';
import { freeText, safeJsonObject, safeString } from './safe-string';
import { alertV1 } from './alert.schema';
import { caseParty } from './case-event.schema';
import { divisionCode, epochMs, plateColour, severity, vehicleClass, wimStationKind } from './common.schema';

/**
 * The public surface of services/api: REST DTOs and socket.io events, shared with the
 * web app. REST lives under `/v1`; the live feed is the socket.io namespace `/live`.
 */

// ─── auth ──────────────────────────────────────────────────────────────────────────

export const apiRole = z.enum(['admin', 'operator', 'company', 'enforcement']);
export type ApiRole = z.infer<typeof apiRole>;

/** `POST /v1/auth/login` */
export const loginRequest = z.object({
  username: safeString().min(1).max(100),
  password: safeString().min(1).max(200),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const apiUser = z.object({
  username: safeString(),
  role: apiRole,
  /** For `company` users: the only company whose data they ever see. */
  companyId: safeString().optional(),
  /** For `operator` users: the administrative-division prefix they see (e.g. `4401`). */
  regionCode: safeString().optional(),
  displayName: safeString().optional(),
});
export type ApiUser = z.infer<typeof apiUser>;

/**
 * What a role may call (services/api's Scope holds the table, the one source of truth).
 * `wim`: WIM records and stations; `sites`: 货运源头单位 source sites; `live`: the socket.io feed;
 * `relays`: 接驳运输 relay registrations (`/v1/relays`); `users.admin`: user administration and the audit log.
 */
/** `terminals.unregistered`: the positions of terminals no vehicle is bound to, by terminal id (admin and operators). */
export const apiCapability = z.enum([
  'vehicles',
  'alerts',
  'alerts.ack',
  'tracks',
  'wim',
  'sites',
  'reports',
  'cases',
  'live',
  'registry.admin',
  'relays',
  'terminals.unregistered',
  'users.admin',
  // The 重点监管 list (RULES.md §10): reading it in scope; releasing an entry (officers).
  'key_supervision',
  'key_supervision.release',
  // 查岗 (RULES §9): read the inspections in scope; send them (operators, admin); answer them (company users)
  'inspections',
  'inspections.send',
  'inspections.answer',
  // Delivery to companies (issue #14): a company's routing, webhook secret and delivery attempts.
  'delivery',
  // the handling workflow (RULES §9): a company's 待处理 list and its steps; the on-duty board and appeal decisions
  'handling',
  'handling.duty',
  // the monthly 通报 of a region (operators, admin): it names other companies, so never a company's
  'reports.notice',
  // 考核: import the 运政 list of operating vehicles (admin, operators for their region)
  'assessment.import',
  // 布控线索 / targeting alerts for officers (RULES §13–§14): reading them (admins, operators and enforcement in their region, never a company); referring or dismissing one
  'targeting',
  'targeting.decide',
  // the shift roster (issue #15): who drives which vehicle when (admin, a company its own)
  'roster',
  // 源头倒查 (issue #15): the ranking of source units and the grade-C stops layer (admin, operators, enforcement; never a company's)
  'source_traces',
  // approved routes (issue #16): reading them and their episodes (a company its own); administering them (admin, operators of the region)
  'routes',
  'routes.admin',
  // JT/T 809 lower platforms (issue #17): the registry of lower platforms, what they told us (admin)
  'lower_platforms',
  // issue #16: a 大件 permit's audit sheet (admin, operators and enforcement of its region, its company); area bans read in scope, administered by admin and operators of the region
  'permits',
  'area_bans',
  'area_bans.admin',
  // Issue #16 item 6: routes and areas sent to terminals and the terminals' own area/route alarms (evidence); sending is the monitoring centre's
  'terminal_geofences',
  'terminal_geofences.send',
]);
export type ApiCapability = z.infer<typeof apiCapability>;

export const loginResponse = z.object({
  /** Bearer token for `Authorization: Bearer …` and for the socket.io handshake `auth.token`. */
  token: safeString(),
  expiresAtMs: epochMs,
  /** The signed-in user and what their role may call — clients show only that, never a copy of the role table. */
  user: apiUser.extend({
    capabilities: z.array(apiCapability),
    /** Set after an admin created the user or reset its password: every endpoint but `/v1/me` and `/v1/me/password` answers 403 until it is changed. */
    mustChangePassword: z.boolean(),
  }),
});
export type LoginResponse = z.infer<typeof loginResponse>;

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), limit: z.number().int(), offset: z.number().int() });

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
  /** The driver the terminal reported with this fix (0x0702 IC card), when it reported one. */
  driverId: safeString().optional(),
});
export type LatestPositionDto = z.infer<typeof latestPositionDto>;

/** `GET /v1/vehicles` item and `GET /v1/vehicles/:vehicleId`. */
export const vehicleListItem = z.object({
  vehicleId: safeString(),
  plate: safeString(),
  plateColour,
  vehicleClass,
  companyId: safeString().optional(),
  companyName: safeString().optional(),
  regionCode: safeString().optional(),
  axleCount: z.number().int().optional(),
  status: vehicleStatus,
  latest: latestPositionDto.nullable(),
  /**
   * The driver of the latest report (`latest.driverId`, a 0x0702 IC card), named when the
   * registry knows that driver id. Absent when the latest report carries no driver.
   */
  driver: z.object({ driverId: safeString(), name: safeString().optional() }).optional(),
  /**
   * Today (Asia/Shanghai) from the daily aggregate `vehicle_daily`, as fresh as its last
   * refresh (`throughMs` = the last report it includes). Absent when it has no row for today.
   * Driving hours are an estimate: the day's reporting span × the share of moving reports
   * (the same estimate as the company report), not the fatigue rule's own tally.
   */
  today: z
    .object({
      date: safeString(),
      drivingHoursEstimate: z.number().nonnegative(),
      mileageKm: z.number().optional(),
      reports: z.number().int(),
      throughMs: epochMs,
    })
    .optional(),
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
  vehicleId: safeString(),
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
  byUsername: safeString(),
  atMs: epochMs,
  comment: freeText(),
});
export type AlertAck = z.infer<typeof alertAck>;

/** The record of an alert as it stands at one revision: shown by the alert item and by each of its revisions. */
const alertRecordFields = {
  revision: true,
  level: true,
  severity: true,
  startedAtMs: true,
  endedAtMs: true,
  raisedAtMs: true,
  /** When the alert was first raised (its revision 0); absent only on alerts stored before it was kept and never revised since. */
  firstRaisedAtMs: true,
  /** Limit-type violations: when the limit was passed (4 h driven, 30 s of speeding…). */
  limitPassedAtMs: true,
  /** Chinese, shown by default. */
  summary: true,
  /** `summary` in English (same figures), shown when the UI is in English; absent on alerts stored before it existed. */
  summaryEn: true,
  points: true,
  fineYuan: true,
  latitudeDeg: true,
  longitudeDeg: true,
} as const;

/** `GET /v1/alerts` item, and the socket.io `alert` event payload. */
export const alertItem = alertV1
  .pick({
    ...alertRecordFields,
    alertId: true,
    vehicleId: true,
    plate: true,
    companyId: true,
    regionCode: true,
    rule: true,
    /** Raised from data received this late (a back-fill): shown as back-filled, not as a new alert. */
    receivedLateByMs: true,
  })
  .extend({
    /**
     * 百吨王: an overload alert whose measured gross reached the 百吨王 threshold — the
     * overload rule's `details.isBaiDunWang`, never read from the summary text. False for
     * every other rule.
     */
    isBaiDunWang: z.boolean(),
    ack: alertAck.nullable(),
    /** The vehicle is on the 重点监管 list now: `severity` is raised one step for display and routing (RULES.md §10). */
    keySupervised: z.literal(true).optional(),
    /** The severity as detected, when `severity` was raised (the handling deadline follows this one, §15). */
    detectedSeverity: severity.optional(),
  });
export type AlertItem = z.infer<typeof alertItem>;

/** One revision of an alert as it was published: the record as it stood then. */
export const alertRevisionItem = alertV1.pick(alertRecordFields);
export type AlertRevisionItem = z.infer<typeof alertRevisionItem>;

/**
 * `GET /v1/alerts/:alertId/revisions`: every revision stored, oldest first. An alert stored
 * before revisions were kept lists its one stored (latest) revision.
 */
export const alertRevisionsResponse = z.object({ alertId: alertV1.shape.alertId, items: z.array(alertRevisionItem) });
export type AlertRevisionsResponse = z.infer<typeof alertRevisionsResponse>;

/** `POST /v1/alerts/:alertId/ack` */
export const ackAlertRequest = z.object({ comment: freeText().min(1).max(2000) });
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
  /** server → client, payload `SessionEnded`, just before the server disconnects the socket: its token expired, or its user was disabled or changed */
  sessionEnded: 'sessionEnded',
  /** server → client, payload `HandlingLiveEvent`: a handling item new, escalated or changed (RULES §9), to the sockets that may see it */
  handling: 'handling',
  /** server → client, payload `InspectionLiveEvent`: a 查岗 addressed to the socket's company, as it is sent */
  inspection: 'inspection',
  /** server → client, payload `InspectionLiveEvent`: a company answered a 查岗 (to the sockets that may see that company) */
  inspectionAnswered: 'inspectionAnswered',
} as const;

export const sessionEnded = z.object({ reason: z.enum(['expired', 'revoked']) });
export type SessionEnded = z.infer<typeof sessionEnded>;

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
    companyId: safeString().min(1).optional(),
    /** Also receive alerts for the subscribed scope (default true). */
    alerts: z.boolean().default(true),
  })
  .refine((s) => s.viewport !== undefined || s.companyId !== undefined, {
    message: 'give a viewport or a companyId',
    path: ['viewport'],
  });
export type LiveSubscribe = z.input<typeof liveSubscribe>;

export const liveSubscribeAck = z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), error: safeString() })]);
export type LiveSubscribeAck = z.infer<typeof liveSubscribeAck>;

export const livePosition = z.object({
  vehicleId: safeString(),
  plate: safeString().optional(),
  companyId: safeString().optional(),
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

export const alertAckEvent = z.object({ alertId: safeString(), vehicleId: safeString(), ack: alertAck });
export type AlertAckEvent = z.infer<typeof alertAckEvent>;

// ─── WIM, reports, registry ───────────────────────────────────────────────────────

export const wimRecordItem = z.object({
  measurementId: safeString(),
  stationId: safeString(),
  measuredAtMs: epochMs,
  plate: safeString(),
  plateColour,
  axleCount: z.number().int(),
  grossKg: z.number(),
  limitKg: z.number().optional(),
  overloadPct: z.number().optional(),
  speedKmh: z.number(),
});
export type WimRecordItem = z.infer<typeof wimRecordItem>;

/**
 * `GET /v1/wim/stations` item: a weigh-in-motion station for the map layer. Coordinates are
 * WGS-84/CGCS2000 and absent when the registry has none (such a station is listed, not drawn).
 */
export const wimStationItem = z.object({
  stationId: safeString(),
  name: safeString(),
  kind: wimStationKind,
  /** JJG 907 accuracy class as a percentage. */
  accuracyClassPct: z.number().optional(),
  regionCode: safeString().optional(),
  roadName: safeString().optional(),
  latitudeDeg: z.number().optional(),
  longitudeDeg: z.number().optional(),
});
export type WimStationItem = z.infer<typeof wimStationItem>;

/** `GET /v1/source-sites` item: a 货运源头单位 loading site (quarry, logistics park, …). */
export const sourceSiteItem = z.object({
  sourceSiteId: safeString(),
  name: safeString(),
  /** The registered company operating the site, when it is one. */
  companyId: safeString().optional(),
  regionCode: safeString().optional(),
  address: safeString().optional(),
  latitudeDeg: z.number().optional(),
  longitudeDeg: z.number().optional(),
});
export type SourceSiteItem = z.infer<typeof sourceSiteItem>;

/** `GET /v1/reports/companies?fromMs=&toMs=` */
export const companyReportRow = z.object({
  companyId: safeString(),
  companyName: safeString().optional(),
  vehicles: z.number().int(),
  /** Vehicles with at least one position in the range (上线率 = online / vehicles). */
  vehiclesOnline: z.number().int(),
  onlineRate: z.number(),
  violations: z.number().int(),
  violationsByRule: z.record(safeString(), z.number().int()),
  mileageKm: z.number(),
  drivingHours: z.number(),
  /**
   * From the detector's daily quality counters (RULES.md §6) of the local days the range
   * touches; each absent when no day of the company's vehicles has the figures it needs.
   * 轨迹完整率: Σ completeTrackM ÷ Σ trackM.
   */
  trackCompleteness: z.number().min(0).max(1).optional(),
  /** 数据合格率: reports that pass the JT/T 809 §4.5.8 record check ÷ reports received (Σ (received − invalid) ÷ Σ received). */
  dataQualifiedRate: z.number().min(0).max(1).optional(),
  /** 卫星定位漂移车辆率: vehicles with ≥ 1 drift point ÷ vehicles with ≥ 1 report in those days. */
  driftVehicleRate: z.number().min(0).max(1).optional(),
  /** Vehicle-days the three figures above cover (0: none, and the three are absent). */
  qualityDays: z.number().int().nonnegative().optional(),
});
export type CompanyReportRow = z.infer<typeof companyReportRow>;

/** `GET /v1/reports/companies?fromMs&toMs` (at most 31 days). */
export const companyReportResponse = z.object({ fromMs: epochMs, toMs: epochMs, rows: z.array(companyReportRow) });
export type CompanyReportResponse = z.infer<typeof companyReportResponse>;

export const companyDto = z.object({
  companyId: safeString().min(1).max(64),
  name: safeString().min(1).max(200),
  regionCode: safeString().min(2).max(12),
  licenceNo: safeString().max(64).optional(),
});
export type CompanyDto = z.infer<typeof companyDto>;

/**
 * A vehicle's registry record as the administrator writes it (POST creates, PUT replaces it
 * whole: a fact left out is cleared). The facts are those the rules read (VehicleFacts of
 * libs/domain): a long-distance bus without `routeKm` is not subject to the 02:00–05:00 rule
 * (RULES.md §8), the axle configuration sets the overload limit (§4), the registered mass
 * the driver's points.
 */
export const vehicleDto = z.object({
  vehicleId: safeString().min(1).max(64),
  plate: safeString().min(1).max(16),
  plateColour,
  vehicleClass,
  companyId: safeString().min(1),
  regionCode: divisionCode.optional(),
  /** 车辆所有人 on the 行驶证. */
  ownerName: safeString().min(1).max(100).optional(),
  /** 道路运输证 number. */
  transportCertNo: safeString().min(1).max(64).optional(),
  /** 班线里程 one way, long-distance buses. */
  routeKm: z.number().positive().max(5_000).optional(),
  /** Trip length of the current 包车 record, tour coaches. */
  tripKm: z.number().positive().max(10_000).optional(),
  /** The vehicle's own speed cap where the registry sets one. */
  ownCapKmh: z.number().min(20).max(130).optional(),
  axleCount: z.number().int().min(2).max(8).optional(),
  /** 汽车列车 (tractor and trailer) rather than a rigid truck. */
  isCombination: z.boolean().optional(),
  hasSingleDriveAxle: z.boolean().optional(),
  hasAirSuspension: z.boolean().optional(),
  hasSingleTyreNonDriveAxles: z.boolean().optional(),
  /** 行驶证 最大允许总质量. */
  registeredMaxGrossKg: z.number().positive().max(200_000).optional(),
  /** 整备质量 (the tractor's, for a combination): 大吨小标 (RULES.md §14) compares the lowest weighing with it. */
  curbMassKg: z.number().positive().max(100_000).optional(),
  /** The trailer's 整备质量, for a combination (without it a combination is not assessed). */
  trailerCurbMassKg: z.number().positive().max(100_000).optional(),
  /** Binds this terminal (SIM number) to the vehicle. */
  terminalId: safeString().optional(),
});
export type VehicleDto = z.infer<typeof vehicleDto>;

// ─── 一超四罚 cases (services/cases opens them; enforcement users decide) ───

export const caseStatus = z.enum(['opened', 'decided', 'reported', 'closed']);

/** `GET /v1/cases` item. */
export const caseListItem = z.object({
  caseId: safeString(),
  violationId: safeString(),
  vehicleId: safeString(),
  plate: safeString().optional(),
  companyId: safeString().optional(),
  regionCode: safeString().optional(),
  status: caseStatus,
  openedAtMs: epochMs,
  decidedAtMs: epochMs.optional(),
  /** 第44条 抄告: when the decision was reported to the vehicle's home authority. */
  reportedAtMs: epochMs.optional(),
  closedAtMs: epochMs.optional(),
  measuredAtMs: epochMs.optional(),
  stationId: safeString().optional(),
  confirmedGrossKg: z.number().optional(),
  excessKg: z.number().optional(),
  isBaiDunWang: z.boolean(),
  /** 百吨王 and other escalations: recommended for review. */
  flaggedForReview: z.boolean(),
  /** The vehicle / owner's proposed (or decided) fine. */
  vehicleOwnerFineYuan: z.number().optional(),
});
export type CaseListItem = z.infer<typeof caseListItem>;

export const caseParticipant = z.object({
  party: caseParty,
  /** False: "unidentified, to be established by the officer". */
  identified: z.boolean(),
  partyRef: safeString().optional(),
  name: safeString().optional(),
  licenceNo: safeString().optional(),
  details: safeJsonObject(),
});

export const casePenalty = z.object({
  party: caseParty,
  status: z.enum(['proposed', 'decided']),
  fineYuan: z.number().optional(),
  /** The legal range the fine is decided within. */
  minYuan: z.number().optional(),
  maxYuan: z.number().optional(),
  /** Source unit: one range per conduct while the conduct is not established. */
  ranges: z
    .array(z.object({ conduct: safeString(), minYuan: z.number(), maxYuan: z.number(), basis: safeString(), basisEn: safeString().optional() }))
    .optional(),
  points: z.number().int().optional(),
  warning: z.boolean(),
  measures: z.array(safeString()),
  /** Legal basis (超限规定, 公路安全保护条例, 道交法, 记分办法 …), in Chinese. */
  basis: safeString().optional(),
  /** The basis in English, same figures; absent on cases opened before it was recorded. */
  basisEn: safeString().optional(),
  /** Repeat consequence over the rolling 12 months (营运证 revocation, 停业整顿 …), null when none. */
  consequence: safeString().nullable().optional(),
  consequenceEn: safeString().nullable().optional(),
});

/** `GET /v1/cases/:caseId` */
export const caseDetail = caseListItem.extend({
  limitKg: z.number().optional(),
  limitBasis: safeString().optional(),
  measuredGrossKg: z.number().optional(),
  parties: z.array(caseParticipant),
  penalties: z.array(casePenalty),
  /** Texts in Chinese; the `…En` twin in English, optional: cases opened before it was recorded have none. */
  repeatConsequences: z.array(z.object({ party: caseParty, consequence: safeString(), consequenceEn: safeString().optional() })),
  /** 严重违法失信 list candidates (2017 联合惩戒 memorandum). */
  blacklistCandidates: z.array(z.object({ party: safeString(), partyId: safeString(), reason: safeString(), reasonEn: safeString().optional() })),
  reviewRecommendations: z.array(z.object({ reason: safeString(), reasonEn: safeString().optional(), evidence: safeJsonObject() })),
  /** 超限规定 第44条: report to the home 运管 office within 7 working days of the decision; null until decided. */
  reportDeadline: z
    .object({ decisionDate: safeString(), dueDate: safeString(), workingDays: z.number().int(), basis: safeString(), basisEn: safeString().optional() })
    .nullable(),
  events: z.array(z.object({ eventId: safeString(), type: safeString(), party: caseParty.optional(), occurredAtMs: epochMs, details: safeJsonObject() })),
});
export type CaseDetail = z.infer<typeof caseDetail>;

/**
 * `POST /v1/cases/:caseId/decision` (enforcement): decide the case, adjusting a proposed
 * fine within its legal range. Parties not listed are decided as proposed.
 */
export const caseDecisionRequest = z.object({
  penalties: z
    .array(
      z.object({
        party: caseParty,
        fineYuan: z.number().nonnegative(),
        /** Source unit: the conduct established (its range applies). */
        conduct: z.enum(['directed_or_forced', 'let_overloaded_leave']).optional(),
      }),
    )
    .default([]),
  comment: freeText().max(2000).optional(),
});
export type CaseDecisionRequest = z.infer<typeof caseDecisionRequest>;

/**
 * `POST /v1/cases/:caseId/report` — a decided case reported (抄告) to the authority where
 * the vehicle, its company or the driver is registered (超限规定 第44条, within the deadline).
 */
export const caseReportRequest = z.object({
  /** The authority reported to, e.g. 河北省沧州市交通运输局. */
  reportedTo: safeString().trim().min(1).max(200),
  /** The document or channel, e.g. the 抄告函 number. */
  reference: safeString().trim().max(200).optional(),
  comment: freeText().max(2000).optional(),
});
export type CaseReportRequest = z.infer<typeof caseReportRequest>;

/** `POST /v1/cases/:caseId/close` — a decided (or reported) case closed, saying why. */
export const caseCloseRequest = z.object({
  outcome: z.enum(['penalties_executed', 'revoked', 'transferred']),
  comment: freeText().trim().min(1).max(2000),
});
export type CaseCloseRequest = z.infer<typeof caseCloseRequest>;
