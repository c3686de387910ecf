import type { PositionV1 } from '@roadwatch/contracts';

/** 2026-11-23 08:00 China time (GMT+8): a weekday morning, outside every night rule. */
export const A_DEVICE_TIME_MS = Date.UTC(2026, 10, 23, 0, 0, 0);

/**
 * A schema-valid position for tests: a registered vehicle near Tiananmen at 60 km/h, received
 * 500 ms after its device time; override what the test is about. The terminal id follows the
 * vehicle id and the receive time follows the device time unless given.
 */
export const aPosition = (overrides: Partial<PositionV1> = {}): PositionV1 => {
  const vehicleId = overrides.vehicleId ?? '京A12345:1';
  const deviceTimeMs = overrides.deviceTimeMs ?? A_DEVICE_TIME_MS;
  return {
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
  };
};

/**
 * `count` positions `stepMs` apart from `first` (its device time, or the default one); `each(i)`
 * overrides the i-th. Each receive time follows its own device time unless `each` gives one.
 */
export const positionsEvery = (
  stepMs: number,
  count: number,
  first: Partial<PositionV1> = {},
  each: (index: number) => Partial<PositionV1> = () => ({}),
): PositionV1[] => {
  const { receivedAtMs: _firstReceivedAtMs, ...base } = first;
  const startMs = first.deviceTimeMs ?? A_DEVICE_TIME_MS;
  return Array.from({ length: count }, (_, index) => aPosition({ ...base, deviceTimeMs: startMs + index * stepMs, ...each(index) }));
};
