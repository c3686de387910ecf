import type { PositionV1 } from '@roadwatch/contracts';
import { aPosition } from './position.factory';

export type LonLat = [number, number];
export type TrackLeg = { to: LonLat; speedKmh: number } | { forMs: number };

const METRES_PER_DEGREE_LAT = 111_195;

/**
 * A vehicle's reports over legs (源头倒查 tests): drive in a straight line at `speedKmh` to
 * `to`, or stay `forMs` where it is; one report every `reportEveryMs` (default 30 s). The
 * last leg ends at `arriveAtMs` (the weighing), then the vehicle drives on east at 60 km/h
 * for `driveOnReports` reports (default 40), so a report follows t_w. In time order.
 */
export const trackArrivingAt = (input: {
  vehicleId: string;
  start: LonLat;
  legs: readonly TrackLeg[];
  arriveAtMs: number;
  reportEveryMs?: number;
  driveOnReports?: number;
}): PositionV1[] => {
  const stepMs = input.reportEveryMs ?? 30_000;
  const out: Array<{ t: number; p: LonLat; speedKmh: number }> = [];
  let t = 0;
  let at = input.start;
  const push = (p: LonLat, speedKmh: number): void => {
    out.push({ t, p, speedKmh });
    t += stepMs;
  };
  for (const leg of input.legs) {
    if ('forMs' in leg) {
      const end = t + leg.forMs;
      while (t < end) push(at, 0);
      continue;
    }
    const metresPerDegreeLon = METRES_PER_DEGREE_LAT * Math.cos((at[1] * Math.PI) / 180);
    const metres = Math.hypot((leg.to[0] - at[0]) * metresPerDegreeLon, (leg.to[1] - at[1]) * METRES_PER_DEGREE_LAT);
    const steps = Math.max(1, Math.ceil(metres / ((leg.speedKmh / 3.6) * (stepMs / 1000))));
    const from = at;
    for (let i = 1; i <= steps; i += 1) push([from[0] + ((leg.to[0] - from[0]) * i) / steps, from[1] + ((leg.to[1] - from[1]) * i) / steps], leg.speedKmh);
    at = leg.to;
  }
  const shiftMs = input.arriveAtMs - (t - stepMs);
  const driveOnDeg = ((60 / 3.6) * (stepMs / 1000)) / (METRES_PER_DEGREE_LAT * Math.cos((at[1] * Math.PI) / 180));
  for (let i = 1; i <= (input.driveOnReports ?? 40); i += 1) push([at[0] + i * driveOnDeg, at[1]], 60);
  return out.map(({ t: timeMs, p, speedKmh }) =>
    aPosition({ vehicleId: input.vehicleId, deviceTimeMs: timeMs + shiftMs, longitudeDeg: p[0], latitudeDeg: p[1], speedKmh }),
  );
};
