import { terminalAreaAlarmV1, type TerminalAreaAlarmV1 } from '@roadwatch/contracts';
import { findLocationItem, type LocationReport } from '@roadwatch/jt808';
import type { ReportingVehicle } from './position-mapper';

/** 0x0200 alarm bits 20–23 (RULES §7) and what each is called as evidence. */
const AREA_ALARM_BITS: ReadonlyArray<[number, TerminalAreaAlarmV1['kind']]> = [
  [20, 'area_in_out'],
  [21, 'route_in_out'],
  [22, 'segment_driving_time'],
  [23, 'route_deviation'],
];

/** 0x11 / 0x12 position type → area type; 0 ("no specific area") names none. */
const AREA_TYPES: Record<number, NonNullable<TerminalAreaAlarmV1['areaType']>> = { 1: 'circle', 2: 'rectangle', 3: 'polygon', 4: 'route' };

/**
 * The terminal's own area/route alarms in one report: one event per alarm bit 20–23 that is
 * set, with item 0x12 (in/out: type, id, direction) on the area and route bits and item 0x13
 * (segment, driving time, too long/short) on the segment bit when the terminal sent them. An
 * item without its bit is no alarm (JT/T 808 sends them with the bit). Invalid events (a
 * latitude of 95°) are dropped with the reason: they are evidence, and the position itself goes
 * its own way.
 */
export const toAreaAlarms = (report: LocationReport, vehicle: ReportingVehicle, receivedAtMs: number): { alarms: TerminalAreaAlarmV1[]; invalid: string[] } => {
  const alarms: TerminalAreaAlarmV1[] = [];
  const invalid: string[] = [];
  const flags = report.alarmFlags >>> 0;
  if ((flags & 0x00f0_0000) === 0) return { alarms, invalid };
  const inOut = findLocationItem(report.items, 'area-in-out');
  const segment = findLocationItem(report.items, 'route-driving-time');
  for (const [bit, kind] of AREA_ALARM_BITS) {
    if (((flags >>> bit) & 1) === 0) continue;
    const candidate: Record<string, unknown> = {
      v: 1,
      vehicleId: vehicle.vehicleId,
      terminalId: vehicle.terminalId,
      registered: vehicle.registered,
      deviceTimeMs: report.deviceTimeMs ?? receivedAtMs,
      receivedAtMs,
      kind,
      alarmFlags: flags,
      latitudeDeg: report.latitudeDeg,
      longitudeDeg: report.longitudeDeg,
      speedKmh: report.speedKmh,
    };
    // 0x12 explains bit 20 (an area) or 21 (a route); a route type on bit 20 or an area on 21 is kept as sent.
    if (inOut && (kind === 'area_in_out' || kind === 'route_in_out')) {
      const areaType = AREA_TYPES[inOut.locationType];
      if (areaType) candidate.areaType = areaType;
      candidate.areaId = inOut.areaId;
      candidate.direction = inOut.direction;
    }
    if (segment && kind === 'segment_driving_time') {
      candidate.segmentId = segment.routeSegmentId;
      candidate.segmentDrivingTimeS = segment.drivingTimeS;
      candidate.segmentTooLong = segment.result === 'too-long';
    }
    const parsed = terminalAreaAlarmV1.safeParse(candidate);
    if (parsed.success) alarms.push(parsed.data);
    else invalid.push(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
  return { alarms, invalid };
};
