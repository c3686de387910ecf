import type { PositionV1 } from '@roadwatch/contracts';
import { aPosition } from '@roadwatch/testing';

export interface ReportLike {
  vehicleId: string;
  terminalPhone: string;
  deviceTimeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
  headingDeg: number;
  accOn: boolean;
  altitudeM: number;
}

/** A simulated report as the gateway puts it on `telemetry.positions`: plate and colour from the vehicle id, received a second later. */
export const positionOf = (report: ReportLike, overrides: Partial<PositionV1> = {}): PositionV1 => {
  const [plate, colour] = report.vehicleId.split(':');
  return aPosition({
    vehicleId: report.vehicleId,
    terminalId: report.terminalPhone,
    ...(plate && colour ? { plate, plateColour: Number(colour) } : { plate: undefined, plateColour: undefined }),
    deviceTimeMs: report.deviceTimeMs,
    receivedAtMs: report.deviceTimeMs + 1_000,
    latitudeDeg: report.latitudeDeg,
    longitudeDeg: report.longitudeDeg,
    altitudeM: report.altitudeM,
    speedKmh: report.speedKmh,
    headingDeg: report.headingDeg,
    statusFlags: report.accOn ? 1 : 0,
    accOn: report.accOn,
    ...overrides,
  });
};

/** Evenly spaced reports at a fixed speed, for tests that do not need a route. */
export const straightReports = (
  vehicleId: string,
  terminalPhone: string,
  startMs: number,
  count: number,
  speedKmh: number | ((index: number) => number),
  intervalMs = 30_000,
): ReportLike[] =>
  Array.from({ length: count }, (_, index) => ({
    vehicleId,
    terminalPhone,
    deviceTimeMs: startMs + index * intervalMs,
    latitudeDeg: 39.8 - index * 0.001,
    longitudeDeg: 116.2 - index * 0.001,
    speedKmh: typeof speedKmh === 'function' ? speedKmh(index) : speedKmh,
    headingDeg: 225,
    accOn: true,
    altitudeM: 45,
  }));

/** Degrees of latitude per metre on the sphere `haversineMeters` uses (mean radius 6,371,008.8 m). */
const DEG_LAT_PER_M = 180 / (Math.PI * 6_371_008.8);

/**
 * Reports due north along a meridian, `intervalMs` apart: the first at `startMs`, each next
 * one `stepsM[i]` metres further — so the track's haversine length is exactly Σ stepsM.
 */
export const meridianReports = (
  vehicleId: string,
  terminalPhone: string,
  startMs: number,
  stepsM: readonly number[],
  speedKmh = 60,
  intervalMs = 30_000,
): ReportLike[] => {
  let latitudeDeg = 39.8;
  const at = (index: number): ReportLike => ({
    vehicleId,
    terminalPhone,
    deviceTimeMs: startMs + index * intervalMs,
    latitudeDeg,
    longitudeDeg: 116.2,
    speedKmh,
    headingDeg: 0,
    accOn: true,
    altitudeM: 45,
  });
  return [at(0), ...stepsM.map((m, i) => ((latitudeDeg += m * DEG_LAT_PER_M), at(i + 1)))];
};

/**
 * Reports every 30 s of a registered truck, ACC on: standing at 0 km/h, else driving north at
 * 60 km/h from `latitudeDeg` — with the IC-card driver on them when given (the fatigue tests).
 */
export const drivingReports = (options: {
  vehicleId: string;
  plate: string;
  terminalId: string;
  startMs: number;
  durationMs: number;
  latitudeDeg: number;
  moving?: boolean;
  driverId?: string;
}): PositionV1[] => {
  const moving = options.moving ?? true;
  const out: PositionV1[] = [];
  for (let t = 0; t <= options.durationMs; t += 30_000) {
    out.push(
      aPosition({
        vehicleId: options.vehicleId,
        terminalId: options.terminalId,
        plate: options.plate,
        plateColour: 2,
        registered: true,
        deviceTimeMs: options.startMs + t,
        receivedAtMs: options.startMs + t + 1_000,
        latitudeDeg: moving ? options.latitudeDeg + ((t / 1000) * (60 / 3.6)) / 111_195 : options.latitudeDeg,
        longitudeDeg: 115.5,
        speedKmh: moving ? 60 : 0,
        accOn: true,
        ...(options.driverId !== undefined ? { driverId: options.driverId } : {}),
      }),
    );
  }
  return out;
};
