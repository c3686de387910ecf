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

export interface RectangleArea extends AreaRules {
  readonly areaId: number;
  readonly topLeftLatitudeDeg: number;
  readonly topLeftLongitudeDeg: number;
  readonly bottomRightLatitudeDeg: number;
  readonly bottomRightLongitudeDeg: number;
}

export type SetRectangleAreas = SetAreas<RectangleArea>;

/** 0x8602 设置矩形区域 — at most 255 rectangles per message (count BYTE). */
export const setRectangleAreasCodec: MessageCodec<SetRectangleAreas> = {
  messageId: 0x8602,
  name: 'set rectangle areas',
  decode(reader, context) {
    return readSetAreas(reader, () => {
      const areaId = reader.u32('area id');
      const attributes = reader.u16('area attributes');
      const topLeftLatitudeDeg = readMicroDegrees(reader, 'top-left latitude');
      const topLeftLongitudeDeg = readMicroDegrees(reader, 'top-left longitude');
      const bottomRightLatitudeDeg = readMicroDegrees(reader, 'bottom-right latitude');
      const bottomRightLongitudeDeg = readMicroDegrees(reader, 'bottom-right longitude');
      return {
        areaId,
        topLeftLatitudeDeg,
        topLeftLongitudeDeg,
        bottomRightLatitudeDeg,
        bottomRightLongitudeDeg,
        ...readAreaRules(reader, attributes, context),
      };
    });
  },
  encode(writer, body, context) {
    writeSetAreas(writer, body, { shapes: 'rectangles', message: '0x8602' }, (area, field) => {
      writer.u32(area.areaId, `${field}.areaId`);
      writer.u16(area.attributes, `${field}.attributes`);
      writeMicroDegrees(writer, area.topLeftLatitudeDeg, `${field}.topLeftLatitudeDeg`);
      writeMicroDegrees(writer, area.topLeftLongitudeDeg, `${field}.topLeftLongitudeDeg`);
      writeMicroDegrees(writer, area.bottomRightLatitudeDeg, `${field}.bottomRightLatitudeDeg`);
      writeMicroDegrees(writer, area.bottomRightLongitudeDeg, `${field}.bottomRightLongitudeDeg`);
      writeAreaRules(writer, area, context, field);
    });
  },
};
