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
} from './area-common.js';
import type { AreaRules } from './8600-set-circle-area.js';
import type { MessageCodec } from './message-codec.js';

export interface RectangleArea extends AreaRules {
  readonly areaId: number;
  readonly topLeftLatitudeDeg: number;
  readonly topLeftLongitudeDeg: number;
  readonly bottomRightLatitudeDeg: number;
  readonly bottomRightLongitudeDeg: number;
}

export interface SetRectangleAreas {
  /** AreaSettingAction: 0 replace every rectangle, 1 append, 2 modify. */
  readonly action: number;
  readonly areas: readonly RectangleArea[];
}

/** 0x8602 设置矩形区域 — at most 255 rectangles per message (count BYTE). */
export const setRectangleAreasCodec: MessageCodec<SetRectangleAreas> = {
  messageId: 0x8602,
  name: 'set rectangle areas',
  decode(reader, context) {
    const action = reader.u8('setting action');
    const count = reader.u8('area count');
    const areas: RectangleArea[] = [];
    for (let i = 0; i < count; i += 1) {
      const areaId = reader.u32('area id');
      const attributes = reader.u16('area attributes');
      const topLeftLatitudeDeg = readMicroDegrees(reader, 'top-left latitude');
      const topLeftLongitudeDeg = readMicroDegrees(reader, 'top-left longitude');
      const bottomRightLatitudeDeg = readMicroDegrees(reader, 'bottom-right latitude');
      const bottomRightLongitudeDeg = readMicroDegrees(reader, 'bottom-right longitude');
      const window = readTimeWindow(reader, attributes);
      const limited = hasBit(attributes, AREA_ATTRIBUTE_BITS.speedLimit);
      const speedLimit = readSpeedLimit(reader, limited);
      const nightMaxSpeedKmh = readNightSpeed(reader, limited, context);
      areas.push({
        areaId,
        attributes,
        topLeftLatitudeDeg,
        topLeftLongitudeDeg,
        bottomRightLatitudeDeg,
        bottomRightLongitudeDeg,
        window,
        speedLimit,
        nightMaxSpeedKmh,
        name: readName(reader, context),
      });
    }
    return { action, areas };
  },
  encode(writer, body, context) {
    writer.u8(body.action, 'action');
    if (body.areas.length > 0xff) throw new Jt808EncodeError('value-out-of-range', 'areas', `${body.areas.length} rectangles; one 0x8602 holds at most 255`);
    writer.u8(body.areas.length, 'areaCount');
    body.areas.forEach((area, i) => {
      const field = `areas[${i}]`;
      writer.u32(area.areaId, `${field}.areaId`);
      writer.u16(area.attributes, `${field}.attributes`);
      writeMicroDegrees(writer, area.topLeftLatitudeDeg, `${field}.topLeftLatitudeDeg`);
      writeMicroDegrees(writer, area.topLeftLongitudeDeg, `${field}.topLeftLongitudeDeg`);
      writeMicroDegrees(writer, area.bottomRightLatitudeDeg, `${field}.bottomRightLatitudeDeg`);
      writeMicroDegrees(writer, area.bottomRightLongitudeDeg, `${field}.bottomRightLongitudeDeg`);
      writeTimeWindow(writer, area.attributes, area.window, `${field}.window`);
      const limited = hasBit(area.attributes, AREA_ATTRIBUTE_BITS.speedLimit);
      writeSpeedLimit(writer, limited, area.speedLimit, `${field}.speedLimit`);
      writeNightSpeed(writer, limited, area.nightMaxSpeedKmh, context, `${field}.nightMaxSpeedKmh`);
      writeName(writer, area.name, context, `${field}.name`);
    });
  },
};
