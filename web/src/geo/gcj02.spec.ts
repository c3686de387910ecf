import { describe, expect, it } from 'vitest';
import { displayTransform, gcj02ToWgs84, wgs84ToGcj02 } from './gcj02';

describe('wgs84ToGcj02', () => {
  it('matches the published reference value for Tiananmen (116.397428, 39.90923)', () => {
    // Reference from the widely used eviltransform / coordtransform implementations.
    const [lon, lat] = wgs84ToGcj02(116.397428, 39.90923);
    expect(lon).toBeCloseTo(116.403672, 5);
    expect(lat).toBeCloseTo(39.910633, 5);
  });

  it('shifts by a few hundred metres inside mainland China', () => {
    const [lon, lat] = wgs84ToGcj02(121.4737, 31.2304);
    const dxM = (lon - 121.4737) * 111_320 * Math.cos((31.2304 * Math.PI) / 180);
    const dyM = (lat - 31.2304) * 110_540;
    const d = Math.hypot(dxM, dyM);
    expect(d).toBeGreaterThan(100);
    expect(d).toBeLessThan(1000);
  });

  it('is the identity outside China', () => {
    expect(wgs84ToGcj02(2.3522, 48.8566)).toEqual([2.3522, 48.8566]);
  });

  it('displayTransform is the identity for wgs84 (天地图/CGCS2000)', () => {
    expect(displayTransform('wgs84')(116.4, 39.9)).toEqual([116.4, 39.9]);
    expect(displayTransform('gcj02')(116.4, 39.9)).toEqual(wgs84ToGcj02(116.4, 39.9));
  });
});

describe('gcj02ToWgs84', () => {
  it('undoes the forward shift to under a millimetre across mainland China', () => {
    for (const [lon, lat] of [
      [116.397428, 39.90923],
      [121.4737, 31.2304],
      [87.6168, 43.8256],
      [91.1322, 29.6604],
      [126.535, 45.8038],
      [109.512, 18.252],
    ] as const) {
      const [wLon, wLat] = gcj02ToWgs84(...wgs84ToGcj02(lon, lat));
      expect(Math.abs(wLon - lon)).toBeLessThan(1e-8);
      expect(Math.abs(wLat - lat)).toBeLessThan(1e-8);
    }
  });

  it('maps the published GCJ-02 Tiananmen point back to its WGS-84 reference', () => {
    const [lon, lat] = gcj02ToWgs84(116.403672, 39.910633);
    expect(lon).toBeCloseTo(116.397428, 5);
    expect(lat).toBeCloseTo(39.90923, 5);
  });

  it('is the identity outside China', () => {
    expect(gcj02ToWgs84(2.3522, 48.8566)).toEqual([2.3522, 48.8566]);
  });
});
