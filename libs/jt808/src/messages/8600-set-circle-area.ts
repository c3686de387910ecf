import { Jt808EncodeError } from '../errors.js';
import {
  AREA_ATTRIBUTE_BITS,
  hasBit,
  readMicroDegrees,
  readName,
  readNightSpeed,
  readSpeedLimit,
  readTimeWindow,
  writeMicroDegrees,
  writeName,
  writeNightSpeed,
  writeSpeedLimit,
  writeTimeWindow,
  type SpeedLimit,
  type TimeWindow,
} from './area-common.js';
import type { MessageCodec } from './message-codec.js';

/** The optional parts an area item carries after its geometry (0x8600 / 0x8602 / 0x8604). */
export interface AreaRules {
  /** Area attribute WORD as sent (AREA_ATTRIBUTE_BITS); the source of truth when encoding. */
  readonly attributes: number;
  /** Present exactly when attribute bit 0 is set. */
  readonly window: TimeWindow | null;
  /** Present exactly when attribute bit 1 is set. */
  readonly speedLimit: SpeedLimit | null;
  /** 2019, with the speed limit; null otherwise. */
  readonly nightMaxSpeedKmh: number | null;
  /** 2019 only; null before. */
  readonly name: string | null;
}

export interface CircleArea extends AreaRules {
  readonly areaId: number;
  readonly centerLatitudeDeg: number;
  readonly centerLongitudeDeg: number;
  readonly radiusM: number;
}

export interface SetCircleAreas {
  /** AreaSettingAction: 0 replace every circle, 1 append, 2 modify. */
  readonly action: number;
  readonly areas: readonly CircleArea[];
}

/** 0x8600 设置圆形区域 — at most 255 circles per message (count BYTE). */
export const setCircleAreasCodec: MessageCodec<SetCircleAreas> = {
  messageId: 0x8600,
  name: 'set circle areas',
  decode(reader, context) {
    const action = reader.u8('setting action');
    const count = reader.u8('area count');
    const areas: CircleArea[] = [];
    for (let i = 0; i < count; i += 1) {
      const areaId = reader.u32('area id');
      const attributes = reader.u16('area attributes');
      const centerLatitudeDeg = readMicroDegrees(reader, 'centre latitude');
      const centerLongitudeDeg = readMicroDegrees(reader, 'centre longitude');
      const radiusM = reader.u32('radius');
      const window = readTimeWindow(reader, attributes);
      const limited = hasBit(attributes, AREA_ATTRIBUTE_BITS.speedLimit);
      const speedLimit = readSpeedLimit(reader, limited);
      const nightMaxSpeedKmh = readNightSpeed(reader, limited, context);
      areas.push({ areaId, attributes, centerLatitudeDeg, centerLongitudeDeg, radiusM, window, speedLimit, nightMaxSpeedKmh, name: readName(reader, context) });
    }
    return { action, areas };
  },
  encode(writer, body, context) {
    writer.u8(body.action, 'action');
    if (body.areas.length > 0xff) throw new Jt808EncodeError('value-out-of-range', 'areas', `${body.areas.length} circles; one 0x8600 holds at most 255`);
    writer.u8(body.areas.length, 'areaCount');
    body.areas.forEach((area, i) => {
      const field = `areas[${i}]`;
      writer.u32(area.areaId, `${field}.areaId`);
      writer.u16(area.attributes, `${field}.attributes`);
      writeMicroDegrees(writer, area.centerLatitudeDeg, `${field}.centerLatitudeDeg`);
      writeMicroDegrees(writer, area.centerLongitudeDeg, `${field}.centerLongitudeDeg`);
      writer.u32(area.radiusM, `${field}.radiusM`);
      writeTimeWindow(writer, area.attributes, area.window, `${field}.window`);
      const limited = hasBit(area.attributes, AREA_ATTRIBUTE_BITS.speedLimit);
      writeSpeedLimit(writer, limited, area.speedLimit, `${field}.speedLimit`);
      writeNightSpeed(writer, limited, area.nightMaxSpeedKmh, context, `${field}.nightMaxSpeedKmh`);
      writeName(writer, area.name, context, `${field}.name`);
    });
  },
};
