import {
  readAreaRules,
  readMicroDegrees,
  readSetAreas,
  writeAreaRules,
  writeMicroDegrees,
  writeSetAreas,
  type AreaRules,
  type SetAreas,
} from './area-common.js';
import type { MessageCodec } from './message-codec.js';

export interface CircleArea extends AreaRules {
  readonly areaId: number;
  readonly centerLatitudeDeg: number;
  readonly centerLongitudeDeg: number;
  readonly radiusM: number;
}

export type SetCircleAreas = SetAreas<CircleArea>;

/** 0x8600 设置圆形区域 — at most 255 circles per message (count BYTE). */
export const setCircleAreasCodec: MessageCodec<SetCircleAreas> = {
  messageId: 0x8600,
  name: 'set circle areas',
  decode(reader, context) {
    return readSetAreas(reader, () => {
      const areaId = reader.u32('area id');
      const attributes = reader.u16('area attributes');
      const centerLatitudeDeg = readMicroDegrees(reader, 'centre latitude');
      const centerLongitudeDeg = readMicroDegrees(reader, 'centre longitude');
      const radiusM = reader.u32('radius');
      return { areaId, centerLatitudeDeg, centerLongitudeDeg, radiusM, ...readAreaRules(reader, attributes, context) };
    });
  },
  encode(writer, body, context) {
    writeSetAreas(writer, body, { shapes: 'circles', message: '0x8600' }, (area, field) => {
      writer.u32(area.areaId, `${field}.areaId`);
      writer.u16(area.attributes, `${field}.attributes`);
      writeMicroDegrees(writer, area.centerLatitudeDeg, `${field}.centerLatitudeDeg`);
      writeMicroDegrees(writer, area.centerLongitudeDeg, `${field}.centerLongitudeDeg`);
      writer.u32(area.radiusM, `${field}.radiusM`);
      writeAreaRules(writer, area, context, field);
    });
  },
};
