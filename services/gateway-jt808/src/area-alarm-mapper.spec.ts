import { describe, expect, it } from 'vitest';
import { alarmFlagsFrom, type LocationItem } from '@roadwatch/jt808';
import { locationReport } from '@roadwatch/testing';
import { toAreaAlarms } from './area-alarm-mapper';

const vehicle = { terminalId: '13800000001', vehicleId: '京A10001:2', registered: true };
const T = Date.UTC(2026, 5, 1, 2, 0, 0);
const reportWith = (alarmFlags: number, items: LocationItem[] = [], overrides: { latitudeDeg?: number } = {}) => ({
  ...locationReport({ latitudeDeg: overrides.latitudeDeg ?? 39.9, longitudeDeg: 116.4, speedKmh: 50, deviceTimeMs: T, alarmFlags }),
  items,
});

describe('the terminal’s own area/route alarms from a 0x0200 (bits 20–23, items 0x12 / 0x13)', () => {
  it('no bit 20–23, no event — even with an item 0x12 (an item without its bit is no alarm) or other alarms on', () => {
    const inOut: LocationItem = { type: 'area-in-out', id: 0x12, locationType: 4, areaId: 7, direction: 'out' };
    expect(toAreaAlarms(reportWith(0, [inOut]), vehicle, T).alarms).toEqual([]);
    expect(toAreaAlarms(reportWith(alarmFlagsFrom({ overspeed: true, fatigueDriving: true, gnssAntennaDisconnected: true })), vehicle, T).alarms).toEqual([]);
  });

  it('bit 21 with item 0x12: the route, its id and the direction', () => {
    const { alarms } = toAreaAlarms(
      reportWith(alarmFlagsFrom({ routeInOut: true }), [{ type: 'area-in-out', id: 0x12, locationType: 4, areaId: 4294967295, direction: 'out' }]),
      vehicle,
      T + 500,
    );
    expect(alarms).toEqual([
      {
        v: 1,
        vehicleId: vehicle.vehicleId,
        terminalId: vehicle.terminalId,
        registered: true,
        deviceTimeMs: T,
        receivedAtMs: T + 500,
        kind: 'route_in_out',
        alarmFlags: 1 << 21,
        latitudeDeg: 39.9,
        longitudeDeg: 116.4,
        speedKmh: 50,
        areaType: 'route',
        areaId: 4294967295,
        direction: 'out',
      },
    ]);
  });

  it('every bit set is its own event; 0x12 explains only the in/out bits, 0x13 only the segment bit; bit 23 has no item', () => {
    const flags = alarmFlagsFrom({ areaInOut: true, routeInOut: true, routeSegmentDrivingTime: true, routeDeviation: true, emergency: true });
    const { alarms } = toAreaAlarms(
      reportWith(flags, [
        { type: 'area-in-out', id: 0x12, locationType: 3, areaId: 9, direction: 'in' },
        { type: 'route-driving-time', id: 0x13, routeSegmentId: 2, drivingTimeS: 65_535, result: 'too-short' },
      ]),
      vehicle,
      T,
    );
    expect(
      alarms.map((a) => [
        a.kind,
        a.areaType ?? null,
        a.areaId ?? null,
        a.direction ?? null,
        a.segmentId ?? null,
        a.segmentDrivingTimeS ?? null,
        a.segmentTooLong ?? null,
      ]),
    ).toEqual([
      ['area_in_out', 'polygon', 9, 'in', null, null, null],
      ['route_in_out', 'polygon', 9, 'in', null, null, null],
      ['segment_driving_time', null, null, null, 2, 65_535, false],
      ['route_deviation', null, null, null, null, null, null],
    ]);
    // The raw DWORD is kept as sent, bit 31-safe.
    expect(alarms.every((a) => a.alarmFlags === flags >>> 0)).toBe(true);
  });

  it('a bit without its item is still the terminal’s alarm (nothing named); an unknown position type names no type but keeps the id', () => {
    const { alarms } = toAreaAlarms(
      reportWith(alarmFlagsFrom({ areaInOut: true }), [{ type: 'area-in-out', id: 0x12, locationType: 9, areaId: 5, direction: 'out' }]),
      vehicle,
      T,
    );
    expect(alarms[0]).toMatchObject({ kind: 'area_in_out', areaId: 5, direction: 'out' });
    expect(alarms[0]!.areaType).toBeUndefined();
    expect(toAreaAlarms(reportWith(alarmFlagsFrom({ routeDeviation: true })), vehicle, T).alarms.map((a) => a.kind)).toEqual(['route_deviation']);
  });

  it('a report the contract refuses (latitude 95°) gives no event but the reason, and never throws', () => {
    const result = toAreaAlarms(reportWith(alarmFlagsFrom({ routeInOut: true }), [], { latitudeDeg: 95 }), vehicle, T);
    expect(result.alarms).toEqual([]);
    expect(result.invalid[0]).toMatch(/latitudeDeg/);
  });

  it('a report without device time (all-zero BCD) is dated at receipt', () => {
    const report = { ...reportWith(alarmFlagsFrom({ routeInOut: true })), deviceTimeMs: null };
    expect(toAreaAlarms(report, vehicle, T + 9_000).alarms[0]!.deviceTimeMs).toBe(T + 9_000);
  });
});
