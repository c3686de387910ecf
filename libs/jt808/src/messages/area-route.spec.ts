import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../bytes.js';
import { decodeFrame, encodeBody, encodeFrame } from '../codec.js';
import { Jt808DecodeError, Jt808EncodeError } from '../errors.js';
import { encodeEnvelope } from '../header.js';
import { attributesFrom } from './area-common.js';
import type { SetRoute } from './8606-set-route.js';

const hex = (value: string) => Buffer.from(value, 'hex');
const v2019 = { terminalPhone: '00000000000123456789', edition: '2019' as const, protocolVersion: 1, serial: 2 };

describe('areas and routes: 0x8600–0x8607', () => {
  it('0x8606 (SmallChi Test2): optional segment parts follow each point’s own attribute bits', () => {
    const message = decodeFrame(
      hex('7E8606003301234567890000010000270F04F40002000003E800000507075BCD15075BCD1438590032007B000003E900002EE7075BCD0C075BCD0D4B32002A1A4A7E'),
    );
    if (message.messageId !== 0x8606) throw new Error('wrong id');
    expect(message.body.routeId).toBe(9999);
    expect(message.body.window).toBeNull();
    expect(message.body.name).toBeNull();
    expect(message.body.points).toEqual([
      {
        pointId: 1000,
        segmentId: 1287,
        latitudeDeg: 123.456789,
        longitudeDeg: 123.456788,
        segmentWidthM: 56,
        segmentAttributes: 0x59,
        drivingTime: { tooLongS: 50, tooShortS: 123 },
        speedLimit: null,
        nightMaxSpeedKmh: null,
      },
      {
        pointId: 1001,
        segmentId: 12007,
        latitudeDeg: 123.45678,
        longitudeDeg: 123.456781,
        segmentWidthM: 75,
        segmentAttributes: 0x32,
        drivingTime: null,
        speedLimit: { maxSpeedKmh: 42, overspeedDurationS: 26 },
        nightMaxSpeedKmh: null,
      },
    ]);
  });

  it('0x8606 2019 (SmallChi Test6_2019): night speed after each limited segment, the name last', () => {
    const message = decodeFrame(
      hex(
        '7E86064054010000000000012345678900010000270F00332001040000122001040000120002000003E800000507075BCD15075BCD1438030032007B0045170050000003E900002EE7075BCD0C075BCD0D4B03003A007C002A1A004200086B6F696B65353138957E',
      ),
    );
    if (message.messageId !== 0x8606) throw new Error('wrong id');
    expect(message.body.window).toEqual({ startTime: '200104000012', endTime: '200104000012' });
    expect(message.body.points.map((p) => p.nightMaxSpeedKmh)).toEqual([80, 66]);
    expect(message.body.name).toBe('koike518');
  });

  it('0x8600 (SmallChi Test2): a circle without the speed bit carries neither speed nor window', () => {
    const message = decodeFrame(
      hex(
        '7E8600004A01234567890000010103000005F200DE075BCD15075BCD15000000C8003CC8000005F30000075BCD15075BCD15000000C8000005F408A3075BCD15075BCD15000000C8181018000012181019000012003CC80A7E',
      ),
    );
    if (message.messageId !== 0x8600) throw new Error('wrong id');
    expect(message.body.action).toBe(1);
    expect(message.body.areas.map((a) => [a.areaId, a.radiusM, a.window?.startTime ?? null, a.speedLimit?.maxSpeedKmh ?? null])).toEqual([
      [1522, 200, null, 60],
      [1523, 200, null, null],
      [1524, 200, '181018000012', 60],
    ]);
  });

  it('0x8600 and 0x8604 in 2019: night speed and a GBK name, round trip', () => {
    const attributes = attributesFrom({ speedLimit: true, enterAlarmToPlatform: true, exitAlarmToPlatform: true });
    const circle = {
      areaId: 7,
      attributes,
      centerLatitudeDeg: 39.9,
      centerLongitudeDeg: 116.4,
      radiusM: 500,
      window: null,
      speedLimit: { maxSpeedKmh: 60, overspeedDurationS: 10 },
      nightMaxSpeedKmh: 48,
      name: '天安门',
    };
    const frame = encodeFrame({ messageId: 0x8600, ...v2019 }, { action: 0, areas: [circle] });
    const decoded = decodeFrame(frame);
    expect(decoded.messageId === 0x8600 && decoded.body.areas[0]).toEqual(circle);
    // action, count, id, attributes, lat, lon, radius, speed, duration, night speed, name length, 6 GBK bytes
    expect(decoded.header.bodyLength).toBe(1 + 1 + 4 + 2 + 4 + 4 + 4 + 2 + 1 + 2 + 2 + 6);
    const polygon = {
      areaId: 8,
      attributes,
      window: null,
      speedLimit: { maxSpeedKmh: 40, overspeedDurationS: 5 },
      nightMaxSpeedKmh: 32,
      name: '禁行区',
      vertices: [
        { latitudeDeg: 39, longitudeDeg: 116 },
        { latitudeDeg: 39.1, longitudeDeg: 116 },
        { latitudeDeg: 39, longitudeDeg: 116.1 },
      ],
    };
    const body = encodeBody(0x8604, polygon, '2019');
    // Night speed after the vertices (SmallChi's JT808_0x8604 2019 layout): 4+2+2+1 + 2+3×8 = 35, then 0x0020.
    expect(bytesToHex(body.subarray(35, 37))).toBe('0020');
    const back = decodeFrame(encodeFrame({ messageId: 0x8604, ...v2019 }, polygon));
    expect(back.messageId === 0x8604 && back.body).toEqual(polygon);
    // The same polygon in 2013 has neither night speed nor name.
    expect(encodeBody(0x8604, { ...polygon, nightMaxSpeedKmh: null, name: null }, '2013').length).toBe(35);
  });

  it('deletes: count 0 means all; ids in order; more than 125 refused', () => {
    for (const id of [0x8601, 0x8603, 0x8605, 0x8607] as const) {
      const decoded = decodeFrame(encodeFrame({ messageId: id, terminalPhone: '13912345678', serial: 5 }, { ids: [4294967295, 1] }));
      expect(decoded.messageId === id && decoded.body).toEqual({ ids: [4294967295, 1] });
      expect(bytesToHex(encodeBody(id, { ids: [] }))).toBe('00');
    }
    expect(() => encodeBody(0x8607, { ids: Array.from({ length: 126 }, (_, i) => i) })).toThrow(/at most 125/);
  });

  it('encoding refuses a window or speed limit that disagrees with the attribute bits, widths over 255 and a missing 2019 night speed', () => {
    const route: SetRoute = {
      routeId: 1,
      attributes: 0,
      window: null,
      name: null,
      points: [
        {
          pointId: 1,
          segmentId: 1,
          latitudeDeg: 39,
          longitudeDeg: 116,
          segmentWidthM: 200,
          segmentAttributes: 0,
          drivingTime: null,
          speedLimit: null,
          nightMaxSpeedKmh: null,
        },
      ],
    };
    expect(encodeBody(0x8606, route).length).toBe(4 + 2 + 2 + 18);
    expect(() => encodeBody(0x8606, { ...route, attributes: 1 })).toThrow(Jt808EncodeError);
    expect(() => encodeBody(0x8606, { ...route, window: { startTime: '2601011200', endTime: '260101120000' }, attributes: 1 })).toThrow(/12 digits/);
    expect(() => encodeBody(0x8606, { ...route, points: [{ ...route.points[0]!, segmentWidthM: 256 }] })).toThrow(/segmentWidthM/);
    const limited = { ...route.points[0]!, segmentAttributes: 2, speedLimit: { maxSpeedKmh: 80, overspeedDurationS: 10 } };
    expect(encodeBody(0x8606, { ...route, points: [limited] }, '2013').length).toBe(4 + 2 + 2 + 18 + 3);
    expect(() => encodeBody(0x8606, { ...route, points: [limited] }, '2019')).toThrow(/night maximum speed/);
  });

  it('decoding a truncated point list or a bad BCD window is a typed error', () => {
    const body = encodeBody(0x8606, {
      routeId: 1,
      attributes: 1,
      window: { startTime: '260101000000', endTime: '261231235959' },
      name: null,
      points: [
        {
          pointId: 1,
          segmentId: 1,
          latitudeDeg: 39,
          longitudeDeg: 116,
          segmentWidthM: 200,
          segmentAttributes: 0,
          drivingTime: null,
          speedLimit: null,
          nightMaxSpeedKmh: null,
        },
      ],
    });
    const frameOf = (bytes: Uint8Array) => encodeEnvelope({ messageId: 0x8606, terminalPhone: '13912345678', serial: 1 }, bytes);
    expect(() => decodeFrame(frameOf(body.subarray(0, body.length - 1)))).toThrow(Jt808DecodeError);
    const badBcd = Uint8Array.from(body);
    badBcd[6] = 0xaa;
    let caught: unknown;
    try {
      decodeFrame(frameOf(badBcd));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Jt808DecodeError);
    expect((caught as Jt808DecodeError).kind).toBe('bad-bcd');
  });
});
