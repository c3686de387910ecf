import type { LatLon } from '@roadwatch/domain';
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
  type AreaRules,
} from './area-common.js';
import type { MessageCodec } from './message-codec.js';

/**
 * 0x8604 设置多边形区域 — one polygon per message, no setting action (a polygon with the same id
 * replaces the old one). Layout: id, attributes, window, speed limit, vertex count WORD,
 * vertices, then (2019) the night maximum speed and the name.
 */
export interface SetPolygonArea extends AreaRules {
  readonly areaId: number;
  readonly vertices: readonly LatLon[];
}

export const setPolygonAreaCodec: MessageCodec<SetPolygonArea> = {
  messageId: 0x8604,
  name: 'set polygon area',
  decode(reader, context) {
    const areaId = reader.u32('area id');
    const attributes = reader.u16('area attributes');
    const window = readTimeWindow(reader, attributes);
    const limited = hasBit(attributes, AREA_ATTRIBUTE_BITS.speedLimit);
    const speedLimit = readSpeedLimit(reader, limited);
    const count = reader.u16('vertex count');
    const vertices: LatLon[] = [];
    for (let i = 0; i < count; i += 1)
      vertices.push({ latitudeDeg: readMicroDegrees(reader, 'vertex latitude'), longitudeDeg: readMicroDegrees(reader, 'vertex longitude') });
    const nightMaxSpeedKmh = readNightSpeed(reader, limited, context);
    return { areaId, attributes, window, speedLimit, vertices, nightMaxSpeedKmh, name: readName(reader, context) };
  },
  encode(writer, body, context) {
    writer.u32(body.areaId, 'areaId');
    writer.u16(body.attributes, 'attributes');
    writeTimeWindow(writer, body.attributes, body.window, 'window');
    const limited = hasBit(body.attributes, AREA_ATTRIBUTE_BITS.speedLimit);
    writeSpeedLimit(writer, limited, body.speedLimit, 'speedLimit');
    writer.u16(body.vertices.length, 'vertexCount');
    body.vertices.forEach((vertex, i) => {
      writeMicroDegrees(writer, vertex.latitudeDeg, `vertices[${i}].latitudeDeg`);
      writeMicroDegrees(writer, vertex.longitudeDeg, `vertices[${i}].longitudeDeg`);
    });
    writeNightSpeed(writer, limited, body.nightMaxSpeedKmh, context, 'nightMaxSpeedKmh');
    writeName(writer, body.name, context, 'name');
  },
};
