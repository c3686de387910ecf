import { describe, expect, it } from 'vitest';
import { haversineMeters } from '@roadwatch/domain';
import { createSimulatedFleet, LiveFleet, pointAlongRoute, scriptedReports } from './fleet-simulator';

describe('fleet simulator', () => {
  it('is deterministic for a seed and gives every vehicle a unique id and terminal', () => {
    const a = createSimulatedFleet(50, 3);
    const b = createSimulatedFleet(50, 3);
    expect(a).toEqual(b);
    expect(new Set(a.map((v) => v.facts.vehicleId)).size).toBe(50);
    expect(new Set(a.map((v) => v.terminalPhone)).size).toBe(50);
    expect(new Set(a.map((v) => v.facts.vehicleClass))).toEqual(new Set(['tour_coach', 'long_distance_bus', 'hazmat', 'heavy_truck']));
  });

  it('scripted reports move at the scripted speed and stand still when stopped', () => {
    const [vehicle] = createSimulatedFleet(1);
    const reports = scriptedReports(
      vehicle!,
      0,
      [
        { durationMs: 600_000, speedKmh: 72 },
        { durationMs: 300_000, speedKmh: 0 },
      ],
      60_000,
    );
    expect(reports).toHaveLength(15);
    const moved = haversineMeters(reports[0]!, reports[1]!);
    expect(moved).toBeGreaterThan(1_150); // 72 km/h for 60 s = 1,200 m along a polyline
    expect(moved).toBeLessThan(1_250);
    expect(haversineMeters(reports[11]!, reports[14]!)).toBeLessThan(1);
    expect(reports[14]!.accOn).toBe(false);
  });

  it('shuttles back along the route instead of running off its end', () => {
    const start = pointAlongRoute(0, 0).position;
    const far = pointAlongRoute(0, 10_000_000).position;
    expect(Number.isFinite(far.latitudeDeg)).toBe(true);
    expect(haversineMeters(start, far)).toBeLessThan(60_000);
  });

  it('live fleet reports every vehicle each tick', () => {
    const fleet = new LiveFleet(createSimulatedFleet(10));
    const first = fleet.tick(1_000_000, 0);
    const second = fleet.tick(1_010_000, 10_000);
    expect(first).toHaveLength(10);
    expect(second.every((r) => r.deviceTimeMs === 1_010_000)).toBe(true);
    expect(haversineMeters(first[0]!, second[0]!)).toBeGreaterThan(50);
  });
});
