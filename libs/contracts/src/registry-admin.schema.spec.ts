import { describe, expect, it } from 'vitest';
import { SPEED_ZONE_BOUNDS, speedZoneDto, speedZoneSizeIssue } from './registry-admin.schema';

type Position = [number, number];
const zone = (polyline: Position[]) => ({ segmentId: 'Z1', roadClass: 'expressway', postedLimitKmh: 100, polyline });
const issuesOf = (polyline: Position[]) => {
  const parsed = speedZoneDto.safeParse(zone(polyline));
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('speed zone size (SPEED_ZONE_BOUNDS: 5,000 points, 5° × 5°)', () => {
  it('a five-point zone across China is refused on polyline, naming the bound and its span', () => {
    // Every point inside China's bounds: the schema took it before, and the road index grew by gigabytes.
    expect(
      issuesOf([
        [73.6, 18.2],
        [134.9, 18.2],
        [134.9, 53.5],
        [73.6, 53.5],
        [73.6, 18.2],
      ]),
    ).toEqual([{ path: 'polyline', message: 'a speed zone spans at most 5° of longitude and 5° of latitude (≈ 400–550 km); this one spans 61.30° × 35.30°' }]);
  });

  it('exactly 5° either way is in; a hair more, either way, is out', () => {
    expect(
      issuesOf([
        [110, 30],
        [115, 35],
      ]),
    ).toEqual([]);
    expect(
      issuesOf([
        [110, 30],
        [115.001, 30],
      ]).map((i) => i.path),
    ).toEqual(['polyline']);
    expect(
      issuesOf([
        [110, 30],
        [110, 35.001],
      ]).map((i) => i.path),
    ).toEqual(['polyline']);
    // Order does not matter: the span is of the whole polyline, west after east too.
    expect(
      issuesOf([
        [115, 30],
        [112, 31],
        [109.9, 30],
      ]).map((i) => i.path),
    ).toEqual(['polyline']);
  });

  it('5,000 points are in, 5,001 out with one issue (the count), not two', () => {
    const many = (n: number): Position[] => Array.from({ length: n }, (_, i) => [116 + i * 1e-4, 39 + (i % 2) * 1e-4]);
    expect(issuesOf(many(SPEED_ZONE_BOUNDS.maxPoints))).toEqual([]);
    expect(issuesOf(many(SPEED_ZONE_BOUNDS.maxPoints + 1)).map((i) => i.path)).toEqual(['polyline']);
    expect(speedZoneSizeIssue(many(5_001))).toBe('a speed zone has at most 5000 points; this one has 5001');
  });

  it('a point outside China is its own issue; no extent issue is added on top of it', () => {
    expect(
      issuesOf([
        [116.3, 39.9],
        [2.35, 48.86],
      ]).map((i) => i.path),
    ).toEqual(['polyline.1.0']);
  });
});
