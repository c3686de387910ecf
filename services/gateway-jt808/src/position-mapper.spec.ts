import { decodeAlarmFlags, decodeStatusFlags, type LocationReport } from '@roadwatch/jt808';
import { DEFAULT_SIGN_IN_MAX_MS } from '@roadwatch/rules';
import { describe, expect, it } from 'vitest';
import { toPosition, type ReportingVehicle } from './position-mapper';

const SIGN_IN_MS = Date.UTC(2026, 10, 23, 0, 0, 0);
const reportAt = (deviceTimeMs: number | null): LocationReport => ({
  alarmFlags: 0,
  alarms: decodeAlarmFlags(0),
  statusFlags: 3,
  status: decodeStatusFlags(3),
  latitudeDeg: 38.5,
  longitudeDeg: 115.5,
  altitudeM: 40,
  speedKmh: 60,
  directionDeg: 0,
  deviceTimeMs,
  items: [],
});
const vehicle: ReportingVehicle = { terminalId: '013900000001', vehicleId: '冀F00001:2', registered: true, driverId: 'QC1301', driverSignedInAtMs: SIGN_IN_MS };
const driverOf = (deviceTimeMs: number | null, v: ReportingVehicle = vehicle, receivedAtMs = SIGN_IN_MS + 1_000) => {
  const mapped = toPosition(reportAt(deviceTimeMs), v, 'realtime', receivedAtMs);
  if (!mapped.ok) throw new Error(mapped.reason);
  return mapped.position.driverId;
};

describe('the signed-in driver on positions: a sign-in without a sign-out counts 24 h after the card was read', () => {
  it('stamps the driver up to 24 h after the sign-in, not from 24 h on', () => {
    expect(DEFAULT_SIGN_IN_MAX_MS).toBe(24 * 3_600_000);
    expect(driverOf(SIGN_IN_MS)).toBe('QC1301');
    expect(driverOf(SIGN_IN_MS + DEFAULT_SIGN_IN_MAX_MS - 1)).toBe('QC1301');
    expect(driverOf(SIGN_IN_MS + DEFAULT_SIGN_IN_MAX_MS)).toBeUndefined();
    expect(driverOf(SIGN_IN_MS + 30 * DEFAULT_SIGN_IN_MAX_MS)).toBeUndefined();
  });

  it('a report without device time is judged by its receipt; a sign-in of unknown time (none recorded) keeps the driver', () => {
    expect(driverOf(null, vehicle, SIGN_IN_MS + DEFAULT_SIGN_IN_MAX_MS)).toBeUndefined();
    const { driverSignedInAtMs: _at, ...withoutTime } = vehicle;
    expect(driverOf(SIGN_IN_MS + 2 * DEFAULT_SIGN_IN_MAX_MS, withoutTime)).toBe('QC1301');
  });
});
