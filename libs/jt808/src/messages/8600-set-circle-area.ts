import { readMicroDegrees, setAreasCodec, writeMicroDegrees, type AreaItem, type SetAreas } from './area-common.js';
import type { MessageCodec } from './message-codec.js';

export interface CircleGeometry {
  readonly centerLatitudeDeg: number;
  readonly centerLongitudeDeg: number;
  readonly radiusM: number;
}

export type CircleArea = AreaItem<CircleGeometry>;

export type SetCircleAreas = SetAreas<CircleArea>;

/** 0x8600 设置圆形区域 — at most 255 circles per message (count BYTE). */
export const setCircleAreasCodec: MessageCodec<SetCircleAreas> = setAreasCodec<CircleGeometry>({
  messageId: 0x8600,
  name: 'set circle areas',
  shapes: 'circles',
  readGeometry: (reader) => ({
    centerLatitudeDeg: readMicroDegrees(reader, 'centre latitude'),
    centerLongitudeDeg: readMicroDegrees(reader, 'centre longitude'),
    radiusM: reader.u32('radius'),
  }),
  writeGeometry(writer, circle, field) {
    writeMicroDegrees(writer, circle.centerLatitudeDeg, `${field}.centerLatitudeDeg`);
    writeMicroDegrees(writer, circle.centerLongitudeDeg, `${field}.centerLongitudeDeg`);
    writer.u32(circle.radiusM, `${field}.radiusM`);
  },
});
