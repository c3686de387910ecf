import { Jt808EncodeError } from '../errors.js';
import {
  readMicroDegrees,
  readName,
  readSpeedLimits,
  readTimeWindow,
  hasBit,
  writeMicroDegrees,
  writeName,
  writeSpeedLimits,
  writeTimeWindow,
  type SpeedLimit,
  type TimeWindow,
} from './area-common.js';
import type { MessageCodec } from './message-codec.js';

/** Segment attribute BYTE bits of a turning point (路段属性). */
export const SEGMENT_ATTRIBUTE_BITS = {
  /** 路段行驶过长 / 不足阈值 present. */
  drivingTime: 0,
  /** Maximum speed and overspeed duration present (2019: and the night maximum). */
  speedLimit: 1,
  southLatitude: 2,
  westLongitude: 3,
} as const;

export interface SegmentDrivingTime {
  /** 路段行驶过长阈值, s. */
  readonly tooLongS: number;
  /** 路段行驶不足阈值, s. */
  readonly tooShortS: number;
}

/** A turning point (拐点) and the segment that starts at it. */
export interface RouteTurningPoint {
  readonly pointId: number;
  readonly segmentId: number;
  readonly latitudeDeg: number;
  readonly longitudeDeg: number;
  /** 路段宽度 BYTE, m — the corridor width (RULES §11: ≤ 255 m). */
  readonly segmentWidthM: number;
  /** Segment attribute BYTE as sent (SEGMENT_ATTRIBUTE_BITS); the source of truth when encoding. */
  readonly segmentAttributes: number;
  /** Present exactly when segment bit 0 is set. */
  readonly drivingTime: SegmentDrivingTime | null;
  /** Present exactly when segment bit 1 is set. */
  readonly speedLimit: SpeedLimit | null;
  /** 2019, with the speed limit; null otherwise. */
  readonly nightMaxSpeedKmh: number | null;
}

export interface SetRoute {
  readonly routeId: number;
  /** Route attribute WORD (ROUTE_ATTRIBUTE_BITS). */
  readonly attributes: number;
  /** Present exactly when attribute bit 0 is set. */
  readonly window: TimeWindow | null;
  readonly points: readonly RouteTurningPoint[];
  /** 2019 only; null before. */
  readonly name: string | null;
}

/**
 * 0x8606 设置路线. One route per message; a route with the same id replaces the old one.
 * Layout (SmallChi/JT808 JT808_0x8606Test): route id, attributes, window, point count WORD,
 * points (id, segment id, lat, lon, width, segment attributes, thresholds, speed limit, 2019
 * night speed), then (2019) the name.
 */
export const setRouteCodec: MessageCodec<SetRoute> = {
  messageId: 0x8606,
  name: 'set route',
  decode(reader, context) {
    const routeId = reader.u32('route id');
    const attributes = reader.u16('route attributes');
    const window = readTimeWindow(reader, attributes);
    const count = reader.u16('turning point count');
    const points: RouteTurningPoint[] = [];
    for (let i = 0; i < count; i += 1) {
      const pointId = reader.u32('turning point id');
      const segmentId = reader.u32('segment id');
      const latitudeDeg = readMicroDegrees(reader, 'turning point latitude');
      const longitudeDeg = readMicroDegrees(reader, 'turning point longitude');
      const segmentWidthM = reader.u8('segment width');
      const segmentAttributes = reader.u8('segment attributes');
      const drivingTime = hasBit(segmentAttributes, SEGMENT_ATTRIBUTE_BITS.drivingTime)
        ? { tooLongS: reader.u16('segment too-long threshold'), tooShortS: reader.u16('segment too-short threshold') }
        : null;
      const limits = readSpeedLimits(reader, hasBit(segmentAttributes, SEGMENT_ATTRIBUTE_BITS.speedLimit), context);
      points.push({ pointId, segmentId, latitudeDeg, longitudeDeg, segmentWidthM, segmentAttributes, drivingTime, ...limits });
    }
    return { routeId, attributes, window, points, name: readName(reader, context) };
  },
  encode(writer, body, context) {
    writer.u32(body.routeId, 'routeId');
    writer.u16(body.attributes, 'attributes');
    writeTimeWindow(writer, body.attributes, body.window, 'window');
    writer.u16(body.points.length, 'pointCount');
    body.points.forEach((point, i) => {
      const field = `points[${i}]`;
      writer.u32(point.pointId, `${field}.pointId`);
      writer.u32(point.segmentId, `${field}.segmentId`);
      writeMicroDegrees(writer, point.latitudeDeg, `${field}.latitudeDeg`);
      writeMicroDegrees(writer, point.longitudeDeg, `${field}.longitudeDeg`);
      writer.u8(point.segmentWidthM, `${field}.segmentWidthM`);
      writer.u8(point.segmentAttributes, `${field}.segmentAttributes`);
      const timed = hasBit(point.segmentAttributes, SEGMENT_ATTRIBUTE_BITS.drivingTime);
      if (timed !== (point.drivingTime !== null)) {
        throw new Jt808EncodeError('bad-value', `${field}.drivingTime`, 'segment attribute bit 0 and the driving-time thresholds must agree');
      }
      if (point.drivingTime) {
        writer.u16(point.drivingTime.tooLongS, `${field}.drivingTime.tooLongS`);
        writer.u16(point.drivingTime.tooShortS, `${field}.drivingTime.tooShortS`);
      }
      writeSpeedLimits(writer, hasBit(point.segmentAttributes, SEGMENT_ATTRIBUTE_BITS.speedLimit), point, context, field);
    });
    writeName(writer, body.name, context, 'name');
  },
};

/** Bytes one turning point takes in 0x8606 without driving-time thresholds or a speed limit. */
export const ROUTE_POINT_BASE_BYTES = 18;
