import { describe, expect, it } from 'vitest';
import { coordinatesFromStatus, statusWithHemispheres, STATUS_BITS } from './0200-location-report.js';

const SOUTH = 1 << STATUS_BITS.southLatitude;
const WEST = 1 << STATUS_BITS.westLongitude;
const ACC_ON_LOCATED = 0b11;

describe('coordinatesFromStatus: unsigned millionths and the south / west status bits to signed degrees', () => {
  it('north-east stays positive; the south and west bits make each coordinate negative on its own', () => {
    expect(coordinatesFromStatus(39_908_692, 116_397_477, ACC_ON_LOCATED)).toEqual({ latitudeDeg: 39.908692, longitudeDeg: 116.397477 });
    expect(coordinatesFromStatus(33_868_820, 151_209_296, SOUTH)).toEqual({ latitudeDeg: -33.86882, longitudeDeg: 151.209296 });
    expect(coordinatesFromStatus(40_712_776, 74_005_974, WEST)).toEqual({ latitudeDeg: 40.712776, longitudeDeg: -74.005974 });
    expect(coordinatesFromStatus(22_906_847, 43_172_896, SOUTH | WEST)).toEqual({ latitudeDeg: -22.906847, longitudeDeg: -43.172896 });
  });

  it('a zero coordinate is 0 (never -0) whatever its bit; the largest DWORD is read unsigned', () => {
    const zero = coordinatesFromStatus(0, 0, SOUTH | WEST);
    expect(Object.is(zero.latitudeDeg, 0)).toBe(true);
    expect(Object.is(zero.longitudeDeg, 0)).toBe(true);
    expect(coordinatesFromStatus(0xffffffff, 1, 0xffffffff)).toEqual({ latitudeDeg: -4294.967295, longitudeDeg: -0.000001 });
  });
});

describe('statusWithHemispheres: the signs of the coordinates set the bits over what was sent', () => {
  it('sets and clears each bit from its own coordinate and leaves every other bit alone', () => {
    expect(statusWithHemispheres(ACC_ON_LOCATED, { latitudeDeg: -33.8, longitudeDeg: 151.2 })).toBe(ACC_ON_LOCATED | SOUTH);
    expect(statusWithHemispheres(ACC_ON_LOCATED | SOUTH | WEST, { latitudeDeg: 39.9, longitudeDeg: 116.4 })).toBe(ACC_ON_LOCATED);
    expect(statusWithHemispheres(0, { latitudeDeg: 40.7, longitudeDeg: -74 })).toBe(WEST);
  });

  it('a zero coordinate keeps the bit as sent; the answer is an unsigned DWORD even with bit 31 set', () => {
    expect(statusWithHemispheres(SOUTH | WEST, { latitudeDeg: 0, longitudeDeg: 0 })).toBe(SOUTH | WEST);
    expect(statusWithHemispheres(0, { latitudeDeg: 0, longitudeDeg: 0 })).toBe(0);
    const high = statusWithHemispheres(0x80000000, { latitudeDeg: -1, longitudeDeg: 1 });
    expect(high).toBe(0x80000004);
    expect(high).toBeGreaterThan(0);
  });

  it('round trip: the bits it sets read back as the same signed coordinates', () => {
    for (const [latitudeDeg, longitudeDeg] of [
      [39.908692, 116.397477],
      [-33.86882, 151.209296],
      [40.712776, -74.005974],
      [-22.906847, -43.172896],
    ] as const) {
      const flags = statusWithHemispheres(0, { latitudeDeg, longitudeDeg });
      const raw = (deg: number) => Math.round(Math.abs(deg) * 1e6);
      expect(coordinatesFromStatus(raw(latitudeDeg), raw(longitudeDeg), flags)).toEqual({ latitudeDeg, longitudeDeg });
    }
  });
});
