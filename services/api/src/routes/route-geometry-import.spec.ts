import { describe, expect, it } from 'vitest';
import { RouteImportError, routeFromGeoJson } from './route-geometry-import';

const fc = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const line = (coordinates: unknown) => ({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates } });
const stop = (name: unknown, coordinates: unknown, radiusM?: unknown) => ({
  type: 'Feature',
  properties: { name, radiusM },
  geometry: { type: 'Point', coordinates },
});

describe('a route from a GeoJSON file', () => {
  it('takes LineStrings and MultiLineStrings in document order as the polyline and Points as the stops, names and radii kept', () => {
    const text = fc([
      stop('起点站', [116.3, 39.9]),
      line([
        [116.3, 39.9],
        [116.35, 39.9],
      ]),
      { type: 'Feature', properties: null, geometry: { type: 'MultiLineString', coordinates: [[[116.36, 39.9]], [[116.4, 39.91, 50]]] } },
      stop('  ', [116.35, 39.9], 150),
      stop('终点站 "东"', [116.4, 39.91]),
    ]);
    expect(routeFromGeoJson(text)).toEqual({
      polyline: [
        [116.3, 39.9],
        [116.35, 39.9],
        [116.36, 39.9],
        [116.4, 39.91],
      ],
      stops: [
        { name: '起点站', lon: 116.3, lat: 39.9 },
        { name: '站点 2', lon: 116.35, lat: 39.9, radiusM: 150 },
        { name: '终点站 "东"', lon: 116.4, lat: 39.91 },
      ],
    });
    // A bare geometry and a single feature read too.
    expect(
      routeFromGeoJson(
        JSON.stringify({
          type: 'LineString',
          coordinates: [
            [1, 2],
            [3, 4],
          ],
        }),
      ).polyline,
    ).toHaveLength(2);
  });

  it('refuses, naming what is wrong: not JSON, no line, a bad coordinate, an unknown geometry', () => {
    const refused = (text: string) => {
      try {
        routeFromGeoJson(text);
      } catch (error) {
        expect(error).toBeInstanceOf(RouteImportError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refused('<kml/>')).toMatch(/not JSON/);
    expect(refused('{"type":"FeatureCollection","features":{}}')).toMatch(/no features array/);
    expect(refused(fc([stop('A', [1, 2])]))).toMatch(/no LineString/);
    expect(
      refused(
        fc([
          line([
            [116.3, 39.9],
            [200, 39.9],
          ]),
        ]),
      ),
    ).toMatch(/feature 0 coordinate 1 \(200, 39.9\) is outside/);
    expect(
      refused(
        fc([
          line([
            [116.3, 39.9],
            ['116', 39.9],
          ]),
        ]),
      ),
    ).toMatch(/feature 0 coordinate 1 is not a \[longitude, latitude\]/);
    expect(
      refused(
        fc([
          line([
            [116.3, 39.9],
            [116.4, 39.9],
          ]),
          { type: 'Feature', geometry: { type: 'Polygon', coordinates: [] } },
        ]),
      ),
    ).toMatch(/feature 1: geometry type "Polygon" is not/);
    expect(refused(fc([{ type: 'Feature', geometry: null }]))).toMatch(/feature 0 has no geometry/);
  });
});
