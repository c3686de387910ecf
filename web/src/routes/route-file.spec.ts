import { describe, expect, it } from 'vitest';
import { RouteFileError, routeFileGeometry } from './route-file';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('a route file picked for upload', () => {
  it('sends KML by name or by its leading <, GeoJSON otherwise, a BOM dropped', () => {
    expect(routeFileGeometry('线路.KML', utf8('<kml/>'))).toEqual({ kml: '<kml/>' });
    expect(routeFileGeometry('export.xml', utf8('\n  <?xml version="1.0"?><kml/>'))).toEqual({ kml: '\n  <?xml version="1.0"?><kml/>' });
    expect(routeFileGeometry('line.geojson', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"type":"LineString"}')]))).toEqual({
      geojson: '{"type":"LineString"}',
    });
  });

  it('refuses bytes that are not UTF-8 (北京 in GBK) instead of sending them garbled', () => {
    expect(() => routeFileGeometry('gbk.kml', new Uint8Array([0x3c, 0x6b, 0xb1, 0xb1, 0xbe, 0xa9]))).toThrow(RouteFileError);
  });
});
