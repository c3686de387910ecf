import { z } from 'zod';
import { epochMs, queryEpochMs } from './common.schema';
import { safeString } from './safe-string';

/**
 * Routes and areas sent to a vehicle's own terminal (JT/T 808 0x8600/0x8604/0x8606, issue #16
 * item 6) and the terminal's own area/route alarms (0x0200 alarm bits 20–23, items 0x11–0x13),
 * which are evidence beside the platform's own episodes and never trusted alone (RULES §11).
 */

/** A JT/T 808 area or route id (DWORD). */
export const jt808AreaId = z.number().int().min(1).max(0xffffffff);

const latitudeDeg = z.number().min(-90).max(90);
const longitudeDeg = z.number().min(-180).max(180);
export const geoPoint = z.object({ latitudeDeg, longitudeDeg });

/** The downlink variants of `terminal.commands` (terminal-command.schema.ts); the gateway builds the frames. */
export const geofenceCommands = [
  z.object({
    type: z.literal('set_route'),
    geofenceId: jt808AreaId,
    name: safeString().max(64),
    /** The polyline's vertices in order: the terminal's turning points. */
    points: z.array(geoPoint).min(2).max(1000),
    /** The corridor's half-width, the segment width of every segment (RULES §11: ≤ 255 m). */
    widthM: z.number().int().min(1).max(255),
  }),
  z.object({
    type: z.literal('set_polygon_area'),
    geofenceId: jt808AreaId,
    name: safeString().max(64),
    vertices: z.array(geoPoint).min(3).max(1000),
  }),
  z.object({
    type: z.literal('set_circle_area'),
    geofenceId: jt808AreaId,
    name: safeString().max(64),
    center: geoPoint,
    radiusM: z.number().int().min(1).max(100_000),
  }),
] as const;

/** What a terminal's own alarm says (the bit, with the item that explains it when sent). */
export const terminalAreaAlarmKind = z.enum(['area_in_out', 'route_in_out', 'segment_driving_time', 'route_deviation']);
export type TerminalAreaAlarmKind = z.infer<typeof terminalAreaAlarmKind>;

/** 0x12 / 0x11 position type: circle, rectangle, polygon, route. */
export const terminalAreaType = z.enum(['circle', 'rectangle', 'polygon', 'route']);

/** One of a terminal's own area/route alarms, as put on `terminal.area-alarms` (key = vehicleId). */
export const terminalAreaAlarmV1 = z.object({
  v: z.literal(1),
  vehicleId: safeString().min(1),
  terminalId: safeString().min(1),
  registered: z.boolean(),
  deviceTimeMs: epochMs,
  receivedAtMs: epochMs,
  kind: terminalAreaAlarmKind,
  /** The 0x0200 alarm DWORD as sent. */
  alarmFlags: z.number().int().nonnegative(),
  latitudeDeg,
  longitudeDeg,
  speedKmh: z.number().nonnegative(),
  /** Item 0x12 (in/out) or 0x11 (overspeed in an area): which area or route. */
  areaType: terminalAreaType.optional(),
  areaId: z.number().int().min(0).max(0xffffffff).optional(),
  direction: z.enum(['in', 'out']).optional(),
  /** Item 0x13: the segment, its driving time and whether it was too long (else too short). */
  segmentId: z.number().int().min(0).max(0xffffffff).optional(),
  segmentDrivingTimeS: z.number().int().nonnegative().optional(),
  segmentTooLong: z.boolean().optional(),
});
export type TerminalAreaAlarmV1 = z.infer<typeof terminalAreaAlarmV1>;

// ── HTTP ──────────────────────────────────────────────────────────────────────────────────

/** `POST /v1/terminal-geofences`: send an approved route, an area ban or a circle to a vehicle's terminal. */
export const sendGeofenceRequest = z.object({
  vehicleId: safeString().min(1),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('route'), routeId: safeString().min(1) }),
    z.object({ kind: z.literal('area_ban'), banId: safeString().min(1) }),
    z.object({
      kind: z.literal('circle'),
      name: safeString().min(1).max(64),
      center: geoPoint,
      radiusM: z.number().int().min(1).max(100_000),
    }),
  ]),
});
export type SendGeofenceRequest = z.infer<typeof sendGeofenceRequest>;

export const terminalDownlinkStatus = z.enum(['requested', 'sent', 'acknowledged', 'failed', 'unsupported', 'undeliverable']);
export type TerminalDownlinkStatus = z.infer<typeof terminalDownlinkStatus>;

/** One send and its outcome (the gateway's `terminal.command-results`). */
export const terminalDownlinkItem = z.object({
  commandId: safeString(),
  vehicleId: safeString(),
  terminalId: safeString(),
  /** 0x8606 route, 0x8604 polygon, 0x8600 circle. */
  messageId: z.number().int(),
  geofenceId: jt808AreaId,
  sourceKind: z.enum(['route', 'area_ban', 'circle']),
  sourceId: safeString(),
  name: safeString(),
  requestedBy: safeString(),
  requestedAtMs: epochMs,
  status: terminalDownlinkStatus,
  reason: safeString().optional(),
  answeredAtMs: epochMs.optional(),
});
export type TerminalDownlinkItem = z.infer<typeof terminalDownlinkItem>;

export const terminalDownlinkListQuery = z.object({
  vehicleId: safeString().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** A terminal's own alarm as evidence: never an alert by itself (RULES §11). */
export const terminalAreaAlarmItem = terminalAreaAlarmV1.omit({ v: true }).extend({
  /** What the platform sent under that id, when it did (`areaId` ↔ `geofenceId`). */
  geofence: z.object({ sourceKind: z.enum(['route', 'area_ban', 'circle']), sourceId: safeString(), name: safeString() }).optional(),
  /** Always true: the terminal's judgement is evidence beside the platform's episodes, not a finding. */
  evidenceOnly: z.literal(true),
});
export type TerminalAreaAlarmItem = z.infer<typeof terminalAreaAlarmItem>;

export const terminalAreaAlarmListQuery = z.object({
  vehicleId: safeString().min(1).optional(),
  // Bounded epoch ms: a value PostgreSQL cannot hold as a timestamp is a 400, not a 500.
  fromMs: queryEpochMs.optional(),
  toMs: queryEpochMs.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
