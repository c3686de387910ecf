import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeBody, encodeFrame } from './codec.js';
import { Jt808EncodeError } from './errors.js';
import {
  MAX_BODY_BYTES,
  maxPolygonVertices,
  maxRouteTurningPoints,
  setCircleAreaFrom,
  setPolygonAreaFromRing,
  setRouteFromPolyline,
} from './geofence-downlink.js';

// Coordinates to the millionth (what JT/T 808 carries), so a round trip compares exactly.
const line = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ latitudeDeg: Number((39.7 + i * 0.0005).toFixed(6)), longitudeDeg: Number((116 + i * 0.001).toFixed(6)) }));

describe('routes and areas as JT/T 808 bodies', () => {
  it('a polyline: every vertex a turning point starting its own segment, the corridor width on each, alarms to the platform', () => {
    const route = setRouteFromPolyline({ geofenceId: 7, name: '房山—东城', points: line(3), widthM: 255 }, '2013');
    expect(route).toMatchObject({ routeId: 7, attributes: 0b101000, window: null, name: null });
    expect(route.points.map((p) => [p.pointId, p.segmentId, p.segmentWidthM, p.segmentAttributes])).toEqual([
      [1, 1, 255, 0],
      [2, 2, 255, 0],
      [3, 3, 255, 0],
    ]);
    // 2019 carries the name; decoding gives back every coordinate to the millionth.
    const frame = encodeFrame(
      { messageId: 0x8606, terminalPhone: '00000000000123456789', edition: '2019', protocolVersion: 1, serial: 1 },
      setRouteFromPolyline({ geofenceId: 7, name: '房山—东城', points: line(3), widthM: 200 }, '2019'),
    );
    const decoded = decodeFrame(frame);
    if (decoded.messageId !== 0x8606) throw new Error('wrong id');
    expect(decoded.body.name).toBe('房山—东城');
    expect(decoded.body.points.map((p) => [p.latitudeDeg, p.longitudeDeg])).toEqual(line(3).map((p) => [p.latitudeDeg, p.longitudeDeg]));
  });

  it('south and west are segment attribute bits, coordinates unsigned', () => {
    const route = setRouteFromPolyline(
      {
        geofenceId: 1,
        name: 'x',
        points: [
          { latitudeDeg: -33.86, longitudeDeg: 151.2 },
          { latitudeDeg: 40.7, longitudeDeg: -74 },
        ],
        widthM: 50,
      },
      '2013',
    );
    expect(route.points.map((p) => [p.latitudeDeg, p.longitudeDeg, p.segmentAttributes])).toEqual([
      [33.86, 151.2, 0b0100],
      [40.7, 74, 0b1000],
    ]);
  });

  it('the turning-point limit is exact: the limit fits one frame, one more does not — in 2013 and, with the GBK name, in 2019', () => {
    for (const [name, edition] of [
      ['', '2013'],
      ['房山—东城班线', '2019'],
      ['', '2019'],
    ] as const) {
      const max = maxRouteTurningPoints(name, edition);
      expect(encodeBody(0x8606, setRouteFromPolyline({ geofenceId: 1, name, points: line(max), widthM: 200 }, edition), edition).length).toBeLessThanOrEqual(
        MAX_BODY_BYTES,
      );
      expect(encodeBody(0x8606, setRouteFromPolyline({ geofenceId: 1, name, points: line(max + 1), widthM: 200 }, edition), edition).length).toBeGreaterThan(
        MAX_BODY_BYTES,
      );
    }
    expect(maxRouteTurningPoints('', '2013')).toBe(56);
    // encodeFrame itself refuses a body over one frame.
    expect(() =>
      encodeFrame(
        { messageId: 0x8606, terminalPhone: '13912345678', serial: 1 },
        setRouteFromPolyline({ geofenceId: 1, name: '', points: line(57), widthM: 200 }, '2013'),
      ),
    ).toThrow(Jt808EncodeError);
  });

  it('a ring: the closing vertex is dropped, the polygon limit exact', () => {
    const ring = [...line(3), line(3)[0]!];
    const polygon = setPolygonAreaFromRing({ geofenceId: 2, name: '禁行区', vertices: ring }, '2013');
    expect(polygon.vertices).toHaveLength(3);
    expect(polygon.attributes).toBe(0b101000);
    const max = maxPolygonVertices('禁行区', '2019');
    expect(encodeBody(0x8604, setPolygonAreaFromRing({ geofenceId: 2, name: '禁行区', vertices: line(max) }, '2019'), '2019').length).toBeLessThanOrEqual(
      MAX_BODY_BYTES,
    );
    expect(encodeBody(0x8604, setPolygonAreaFromRing({ geofenceId: 2, name: '禁行区', vertices: line(max + 1) }, '2019'), '2019').length).toBeGreaterThan(
      MAX_BODY_BYTES,
    );
  });

  it('a circle modifies just its own area (setting action 2)', () => {
    const body = setCircleAreaFrom({ geofenceId: 3, name: '站场', center: { latitudeDeg: 39.9, longitudeDeg: 116.4 }, radiusM: 300 }, '2019');
    expect(body.action).toBe(2);
    const decoded = decodeFrame(
      encodeFrame({ messageId: 0x8600, terminalPhone: '00000000000123456789', edition: '2019', protocolVersion: 1, serial: 1 }, body),
    );
    expect(decoded.messageId === 0x8600 && decoded.body.areas[0]).toMatchObject({ areaId: 3, radiusM: 300, name: '站场', centerLatitudeDeg: 39.9 });
  });
});
