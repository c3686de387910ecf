import { describe, expect, it } from 'vitest';
import { boundingBoxOf, haversineMeters } from './geo';

describe('haversineMeters', () => {
  it('one degree of latitude is about 111.2 km', () => {
    const d = haversineMeters({ latitudeDeg: 30, longitudeDeg: 114 }, { latitudeDeg: 31, longitudeDeg: 114 });
    expect(d).toBeGreaterThan(111_000);
    expect(d).toBeLessThan(111_400);
  });
  it('is zero for the same point', () => {
    expect(haversineMeters({ latitudeDeg: 39.9, longitudeDeg: 116.4 }, { latitudeDeg: 39.9, longitudeDeg: 116.4 })).toBe(0);
  });
});

describe('boundingBoxOf', () => {
  it('spans [lon, lat] points whatever their order; none has no box', () => {
    expect(
      boundingBoxOf([
        [116.3, 39.9],
        [116.1, 40.2],
        [116.2, 39.8],
      ]),
    ).toEqual({ minLatitudeDeg: 39.8, minLongitudeDeg: 116.1, maxLatitudeDeg: 40.2, maxLongitudeDeg: 116.3 });
    expect(boundingBoxOf([])).toBeUndefined();
  });
});
