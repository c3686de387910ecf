import type { PositionV1 } from '@roadwatch/contracts';

/** A schema-valid position for tests: a registered vehicle near Tiananmen at 60 km/h; override what the test is about. */
export const samplePosition = (vehicleId: string, deviceTimeMs: number, overrides: Partial<PositionV1> = {}): PositionV1 => ({
  v: 1,
  vehicleId,
  terminalId: `T-${vehicleId}`,
  plate: '京A12345',
  plateColour: 1,
  registered: true,
  deviceTimeMs,
  receivedAtMs: deviceTimeMs + 500,
  latitudeDeg: 39.9,
  longitudeDeg: 116.4,
  altitudeM: 40,
  speedKmh: 60,
  headingDeg: 90,
  alarmFlags: 0,
  statusFlags: 3,
  accOn: true,
  gnssFixed: true,
  source: 'realtime',
  ...overrides,
});
