import { describe, expect, it } from 'vitest';
import { decodeAlarmFlags, decodeStatusFlags, type LocationItem, type LocationReport } from '@roadwatch/jt808';
import { toPosition } from './position-mapper';

const report = (items: LocationItem[]): LocationReport => ({
  alarmFlags: 1 << 5,
  alarms: decodeAlarmFlags(1 << 5),
  statusFlags: 0b11,
  status: decodeStatusFlags(0b11),
  latitudeDeg: 30.5,
  longitudeDeg: 114.3,
  altitudeM: 20,
  speedKmh: 60,
  directionDeg: 90,
  deviceTimeMs: 1_764_000_000_000,
  items,
});
const vehicle = { terminalId: '013912345678', vehicleId: 'V1', registered: true };

describe('toPosition — the fields tampering reads (RULES §12, §15)', () => {
  it('carries signal strength (0x30), satellites (0x31), mileage (0x01), antenna-cut alarm bit 5, ACC and fix', () => {
    const mapped = toPosition(
      report([
        { type: 'mileage', id: 0x01, mileageKm: 1234.5 },
        { type: 'signal-strength', id: 0x30, signalStrength: 99 },
        { type: 'satellites', id: 0x31, satellites: 3 },
      ]),
      vehicle,
      'realtime',
      1_764_000_000_500,
    );
    if (!mapped.ok) throw new Error(mapped.reason);
    expect(mapped.position).toMatchObject({ signalStrength: 99, satellites: 3, mileageKm: 1234.5, alarmFlags: 1 << 5, accOn: true, gnssFixed: true });
  });

  it('leaves signal strength absent when the terminal sends no 0x30 (absent is not normal for I3)', () => {
    const mapped = toPosition(report([]), vehicle, 'blind-area', 1_764_000_000_500);
    if (!mapped.ok) throw new Error(mapped.reason);
    expect('signalStrength' in mapped.position).toBe(false);
  });
});
