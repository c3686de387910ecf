import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import type { ReceivedMessage } from '@roadwatch/messaging';
import { pointAlongRoute, type SimulatedVehicle } from '@roadwatch/testing';

/** The detector benches' clock origin: their positions' device times count from here. */
export const BENCH_START_MS = Date.UTC(2025, 2, 14, 1, 0);

/** A vehicle's `index`-th report, 30 s apart, driving its route; with `driverId` when given (fatigue per driver, RULES §2). */
export const positionAt = (vehicle: SimulatedVehicle, index: number, driverId?: string): PositionV1 => {
  const speedKmh = vehicle.cruiseSpeedKmh + ((index * 7) % 20);
  const { position, headingDeg } = pointAlongRoute(vehicle.routeIndex, index * 30 * (speedKmh / 3.6));
  const deviceTimeMs = BENCH_START_MS + index * 30_000;
  return {
    v: 1,
    vehicleId: vehicle.facts.vehicleId,
    terminalId: vehicle.terminalPhone,
    plate: vehicle.facts.plate,
    plateColour: vehicle.facts.plateColour,
    registered: true,
    deviceTimeMs,
    receivedAtMs: deviceTimeMs + 800,
    ...position,
    altitudeM: 45,
    speedKmh,
    headingDeg,
    alarmFlags: 0,
    statusFlags: 1,
    accOn: true,
    gnssFixed: true,
    source: 'realtime',
    ...(driverId === undefined ? {} : { driverId }),
  };
};

/** Positions as the bus hands them to the detector: one partition's batch, offsets counted by the caller. */
export const asBatch = (partition: number, values: readonly PositionV1[], offsets: number[]): ReceivedMessage<typeof TOPICS.positions>[] =>
  values.map(
    (value) =>
      ({
        topic: TOPICS.positions,
        partition,
        offset: String(offsets[partition]!++),
        key: value.vehicleId,
        value,
        timestampMs: 0,
        headers: {},
      }) as ReceivedMessage<typeof TOPICS.positions>,
  );
