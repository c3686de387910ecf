import { describe, expect, it } from 'vitest';
import { pointToLineDistance } from '@turf/point-to-line-distance';
import { haversineMeters } from '@roadwatch/domain';
import { DEMO_LINE, DEMO_LINE_COACH, offRouteRun } from './scheduled-line';

describe("the demo 班线 coach's off-route run", () => {
  const endAtMs = Date.UTC(2026, 5, 1, 2, 0, 0);
  const run = offRouteRun({ endAtMs });
  const offLineM = (r: { latitudeDeg: number; longitudeDeg: number }) =>
    pointToLineDistance([r.longitudeDeg, r.latitudeDeg], { type: 'LineString', coordinates: DEMO_LINE.polyline.map((p) => [...p]) }, { units: 'meters' });

  it('dwells at its first stop, drives the line, then leaves it gradually and ends 5 km outside the corridor, at endAtMs', () => {
    expect(run.every((r) => r.vehicleId === DEMO_LINE_COACH.facts.vehicleId)).toBe(true);
    expect(run.at(-1)!.deviceTimeMs).toBe(endAtMs);
    expect(run[0]!.speedKmh).toBe(0);
    const [stop] = DEMO_LINE.stops;
    expect(haversineMeters(run[0]!, { latitudeDeg: stop.lat, longitudeDeg: stop.lon })).toBeLessThan(stop.radiusM);
    // Never a jump: every step between reports is under 80 km/h implied (the drift bound is 160).
    for (let i = 1; i < run.length; i++) {
      const kmh = haversineMeters(run[i - 1]!, run[i]!) / 1000 / ((run[i]!.deviceTimeMs - run[i - 1]!.deviceTimeMs) / 3_600_000);
      expect(kmh).toBeLessThan(80);
    }
    const outside = run.filter((r) => offLineM(r) > DEMO_LINE.corridorWidthM);
    expect(offLineM(run.at(-1)!)).toBeGreaterThan(1_000);
    // §11 counts at 1 km or 3 minutes outside: this run gives both.
    expect(outside.at(-1)!.deviceTimeMs - outside[0]!.deviceTimeMs).toBeGreaterThanOrEqual(3 * 60_000);
    expect(outside.length * 200).toBeGreaterThan(4_000);
    // Within the detector's back-fill threshold (10 min): judged as live data.
    expect(endAtMs - run[0]!.deviceTimeMs).toBeLessThan(10 * 60_000);
  });
});
