import { describe, expect, it } from 'vitest';
import { geofenceRingIssue, sourceSiteDto } from './registry-admin.schema';

const SQUARE: Array<[number, number]> = [
  [116.0, 39.0],
  [116.01, 39.0],
  [116.01, 39.01],
  [116.0, 39.01],
];

describe('source-site geofences (RULES.md §13): ≥ 3 distinct points, open or closed, not self-intersecting, inside China', () => {
  it('takes a ring open or closed, in either orientation', () => {
    expect(geofenceRingIssue(SQUARE)).toBeUndefined();
    expect(geofenceRingIssue([...SQUARE, SQUARE[0]!])).toBeUndefined();
    expect(geofenceRingIssue([...SQUARE].reverse())).toBeUndefined();
  });

  it('refuses fewer than 3 distinct points, counting the closing point once', () => {
    expect(geofenceRingIssue([SQUARE[0]!, SQUARE[1]!, SQUARE[0]!])).toContain('at least 3 distinct points');
    expect(geofenceRingIssue([SQUARE[0]!, SQUARE[1]!, SQUARE[1]!, SQUARE[0]!])).toContain('at least 3 distinct points');
  });

  it('refuses a bow tie and an edge touching a far corner, naming the edges', () => {
    const bowTie: Array<[number, number]> = [SQUARE[0]!, SQUARE[2]!, SQUARE[1]!, SQUARE[3]!];
    expect(geofenceRingIssue(bowTie)).toMatch(/intersects itself: edge 1 .* meets edge 3/);
    // A spike back along an edge: collinear overlap is an intersection too.
    expect(
      geofenceRingIssue([
        [116.0, 39.0],
        [116.02, 39.0],
        [116.01, 39.0],
        [116.01, 39.01],
      ]),
    ).toContain('intersects itself');
    expect(geofenceRingIssue([...SQUARE, SQUARE[1]!])).toContain('repeats a point');
  });

  it('the DTO: a polygon inside China, not both a polygon and a radius, a circle needs its point; the issue message reaches the caller', () => {
    const base = { sourceSiteId: 'S1', name: '料场' };
    expect(sourceSiteDto.safeParse({ ...base, geofencePolygon: SQUARE }).success).toBe(true);
    const crossed = sourceSiteDto.safeParse({ ...base, geofencePolygon: [SQUARE[0], SQUARE[2], SQUARE[1], SQUARE[3]] });
    expect(crossed.success).toBe(false);
    expect(crossed.error!.issues[0]).toMatchObject({ path: ['geofencePolygon'], message: expect.stringContaining('intersects itself') });
    const outside = sourceSiteDto.safeParse({
      ...base,
      geofencePolygon: [
        [2.35, 48.85],
        [2.36, 48.85],
        [2.36, 48.86],
      ],
    });
    expect(outside.success).toBe(false);
    expect(outside.error!.issues[0]!.path.slice(0, 1)).toEqual(['geofencePolygon']);
    expect(
      sourceSiteDto.safeParse({
        ...base,
        geofencePolygon: [
          [116, 39],
          [Number.NaN, 39],
          [116, 39.1],
        ],
      }).success,
    ).toBe(false);
    expect(sourceSiteDto.safeParse({ ...base, geofencePolygon: SQUARE, geofenceRadiusM: 200, latitudeDeg: 39, longitudeDeg: 116 }).success).toBe(false);
    expect(sourceSiteDto.safeParse({ ...base, geofenceRadiusM: 200 }).error!.issues[0]!.message).toContain('needs the site point');
    expect(sourceSiteDto.safeParse({ ...base, geofenceRadiusM: 300, latitudeDeg: 39, longitudeDeg: 116 }).success).toBe(true);
  });
});
