import { destination } from '@turf/destination';
import type { LatLon } from '@roadwatch/domain';
import type { RouteReport } from './track';

/** The point `metres` from `from` on a bearing (degrees, 0 = north, 90 = east). */
export const moved = (from: LatLon, metres: number, bearingDeg: number): LatLon => {
  const [lon, lat] = destination([from.longitudeDeg, from.latitudeDeg], metres / 1000, bearingDeg, { units: 'kilometers' }).geometry.coordinates as [
    number,
    number,
  ];
  return { latitudeDeg: lat, longitudeDeg: lon };
};

/** Reports every `stepMs` from `startMs`, `count` of them, each `stepM` east of the last at `speedKmh`. */
export const eastboundTrack = (start: LatLon, startMs: number, count: number, stepMs: number, stepM: number, speedKmh = 60): RouteReport[] => {
  const reports: RouteReport[] = [];
  let at = start;
  for (let i = 0; i < count; i += 1) {
    reports.push({ timeMs: startMs + i * stepMs, ...at, speedKmh });
    at = moved(at, stepM, 90);
  }
  return reports;
};

export const MOTION = { movingSpeedKmh: 5, jitterM: 50, gapMs: 5 * 60_000 };
