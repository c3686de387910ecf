import { readMicroDegrees, setAreasCodec, writeMicroDegrees, type AreaItem, type SetAreas } from './area-common.js';
import type { MessageCodec } from './message-codec.js';

export interface RectangleGeometry {
  readonly topLeftLatitudeDeg: number;
  readonly topLeftLongitudeDeg: number;
  readonly bottomRightLatitudeDeg: number;
  readonly bottomRightLongitudeDeg: number;
}

export type RectangleArea = AreaItem<RectangleGeometry>;

export type SetRectangleAreas = SetAreas<RectangleArea>;

/** 0x8602 设置矩形区域 — at most 255 rectangles per message (count BYTE). */
export const setRectangleAreasCodec: MessageCodec<SetRectangleAreas> = setAreasCodec<RectangleGeometry>({
  messageId: 0x8602,
  name: 'set rectangle areas',
  shapes: 'rectangles',
  readGeometry: (reader) => ({
    topLeftLatitudeDeg: readMicroDegrees(reader, 'top-left latitude'),
    topLeftLongitudeDeg: readMicroDegrees(reader, 'top-left longitude'),
    bottomRightLatitudeDeg: readMicroDegrees(reader, 'bottom-right latitude'),
    bottomRightLongitudeDeg: readMicroDegrees(reader, 'bottom-right longitude'),
  }),
  writeGeometry(writer, rectangle, field) {
    writeMicroDegrees(writer, rectangle.topLeftLatitudeDeg, `${field}.topLeftLatitudeDeg`);
    writeMicroDegrees(writer, rectangle.topLeftLongitudeDeg, `${field}.topLeftLongitudeDeg`);
    writeMicroDegrees(writer, rectangle.bottomRightLatitudeDeg, `${field}.bottomRightLatitudeDeg`);
    writeMicroDegrees(writer, rectangle.bottomRightLongitudeDeg, `${field}.bottomRightLongitudeDeg`);
  },
});
