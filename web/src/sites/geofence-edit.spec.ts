import { describe, expect, it } from 'vitest';
import { sourceSiteDto, type SourceSiteDto } from '@roadwatch/contracts';
import { circleOfDrawn, circleRing, DEFAULT_SITE_RADIUS_M, geofenceOfSite, openRing, siteWithGeofence, type LonLat } from './geofence-edit';

const site: SourceSiteDto = {
  sourceSiteId: 'SITE-1',
  name: '甲料场',
  companyId: 'S1',
  latitudeDeg: 39.9,
  longitudeDeg: 116.4,
  siteKind: 'mine',
  keySite: true,
  exitStationId: 'ST-EXIT-1',
};
/** Metres between two points (haversine), to check the circle independently of how it is drawn. */
const metres = ([lon1, lat1]: LonLat, [lon2, lat2]: LonLat): number => {
  const r = (d: number) => (d * Math.PI) / 180;
  const a = Math.sin(r(lat2 - lat1) / 2) ** 2 + Math.cos(r(lat1)) * Math.cos(r(lat2)) * Math.sin(r(lon2 - lon1) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(a));
};

describe('geofence editing (issue #15: the admin draws a site on the map)', () => {
  it('stores a drawn ring open, rounded to 7 decimals, without the double-click duplicate', () => {
    const drawn = [
      [116.400000012, 39.9],
      [116.41, 39.9],
      [116.41, 39.9],
      [116.41, 39.91],
      [116.400000012, 39.9],
    ];
    expect(openRing(drawn)).toEqual([
      [116.4, 39.9],
      [116.41, 39.9],
      [116.41, 39.91],
    ]);
  });

  it('a circle ring is closed and every point is the radius from the centre (north and south of the equator, across 180°)', () => {
    for (const centre of [
      [116.4, 39.9],
      [116.4, -33.9],
      [179.999, 10],
    ] as LonLat[]) {
      const ring = circleRing(centre, 350, 32);
      expect(ring).toHaveLength(33);
      expect(ring[32]).toEqual(ring[0]);
      for (const p of ring) expect(Math.abs(metres(centre, p) - 350)).toBeLessThan(0.05);
    }
  });

  it("a drawn circle's centre and radius round-trip through its ring (radius in km from terra-draw → whole metres)", () => {
    const centre: LonLat = [113.3, 23.2];
    const back = circleOfDrawn(circleRing(centre, 480), 0.4804);
    expect(back).toEqual({ kind: 'circle', centre: [expect.closeTo(113.3, 6), expect.closeTo(23.2, 6)], radiusM: 480 });
  });

  it("reads a stored site's geofence: its polygon, else a circle of its radius, else §13's 200 m, else none", () => {
    expect(
      geofenceOfSite({
        ...site,
        geofencePolygon: [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 1],
        ],
      }),
    ).toEqual({
      kind: 'polygon',
      ring: [
        [1, 1],
        [2, 1],
        [2, 2],
      ],
    });
    expect(geofenceOfSite({ ...site, geofenceRadiusM: 350 })).toEqual({ kind: 'circle', centre: [116.4, 39.9], radiusM: 350 });
    expect(geofenceOfSite(site)).toEqual({ kind: 'circle', centre: [116.4, 39.9], radiusM: DEFAULT_SITE_RADIUS_M });
    expect(geofenceOfSite({})).toBeUndefined();
  });

  it('a polygon replaces a circle; a circle replaces a polygon and moves the point; the other fields go back as read and pass the contract', () => {
    const ring: LonLat[] = [
      [116.4, 39.9],
      [116.41, 39.9],
      [116.41, 39.91],
    ];
    const asPolygon = siteWithGeofence({ ...site, geofenceRadiusM: 300 }, { kind: 'polygon', ring });
    expect(asPolygon).toEqual({ ...site, geofencePolygon: ring });
    expect(sourceSiteDto.safeParse(asPolygon).success).toBe(true);
    const asCircle = siteWithGeofence({ ...site, geofencePolygon: ring }, { kind: 'circle', centre: [116.5, 39.95], radiusM: 250 });
    expect(asCircle).toEqual({ ...site, longitudeDeg: 116.5, latitudeDeg: 39.95, geofenceRadiusM: 250 });
    expect(sourceSiteDto.safeParse(asCircle).success).toBe(true);
  });

  it('a bow-tie ring is refused by the contract naming the crossing edges (what the editor shows before it sends)', () => {
    const bowTie = siteWithGeofence(site, {
      kind: 'polygon',
      ring: [
        [116.4, 39.9],
        [116.41, 39.91],
        [116.41, 39.9],
        [116.4, 39.91],
      ],
    });
    const parsed = sourceSiteDto.safeParse(bowTie);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/edge 1 .* meets edge 3/);
  });
});
