import { describe, expect, it } from 'vitest';
import { RouteImportError, routeFromKml } from './route-geometry-import';

/** A 班线 as Google Earth saves it: a Document with a Style, Folders, Placemarks, CDATA names, ExtendedData. */
const googleEarthKml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2" xmlns:kml="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom">
<Document>
  <name><![CDATA[京承班线 K101]]></name>
  <Style id="line"><LineStyle><color>ff00ff00</color><width>4</width></LineStyle></Style>
  <Folder>
    <name>站点</name>
    <Placemark>
      <name><![CDATA[北京 <东直门> 站]]></name>
      <ExtendedData><Data name="radiusM"><value>150</value></Data></ExtendedData>
      <Point><coordinates>116.4338,39.9411,0</coordinates></Point>
    </Placemark>
    <Placemark>
      <name>密云站</name>
      <ExtendedData><Data name="radiusM"><value>不适用</value></Data></ExtendedData>
      <Point><coordinates>116.8432,40.3765,0</coordinates></Point>
    </Placemark>
  </Folder>
  <Folder>
    <name>线路</name>
    <Placemark>
      <name>第一段</name>
      <styleUrl>#line</styleUrl>
      <LineString>
        <tessellate>1</tessellate>
        <coordinates>
          116.4338,39.9411,0 116.6,40.1,0
          116.8432,40.3765,0
        </coordinates>
      </LineString>
    </Placemark>
    <Placemark>
      <name>第二段</name>
      <MultiGeometry>
        <LineString><coordinates>116.9,40.5,0 117.0,40.7,0</coordinates></LineString>
        <LineString><coordinates>117.5,40.9 117.9,40.97</coordinates></LineString>
      </MultiGeometry>
    </Placemark>
  </Folder>
</Document>
</kml>`;

const refused = (text: string): RouteImportError => {
  try {
    routeFromKml(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RouteImportError);
    expect((error as RouteImportError).field).toBe('body.kml');
    return error as RouteImportError;
  }
  throw new Error('accepted');
};

describe('a route from a KML file', () => {
  it('reads a Google Earth file: lines through Folders and MultiGeometry in document order as the polyline, Points as stops with CDATA names and ExtendedData radii', () => {
    expect(routeFromKml(googleEarthKml)).toEqual({
      polyline: [
        [116.4338, 39.9411],
        [116.6, 40.1],
        [116.8432, 40.3765],
        [116.9, 40.5],
        [117.0, 40.7],
        [117.5, 40.9],
        [117.9, 40.97],
      ],
      stops: [
        { name: '北京 <东直门> 站', lon: 116.4338, lat: 39.9411, radiusM: 150 },
        // A radius that is not a number is left out, not guessed.
        { name: '密云站', lon: 116.8432, lat: 40.3765 },
      ],
    });
  });

  it('drops a leading byte-order mark and reads an encoding declared as utf-8 in any case', () => {
    const bom = `\uFEFF${googleEarthKml.replace('encoding="UTF-8"', "encoding='utf8'")}`;
    expect(routeFromKml(bom).polyline).toHaveLength(7);
    // No declaration at all is UTF-8 too.
    expect(routeFromKml(googleEarthKml.replace(/^<\?xml[^>]*>\s*/, '')).stops).toHaveLength(2);
  });

  it('refuses a file declared GBK or holding bytes that did not decode as UTF-8, saying to re-save it as UTF-8', () => {
    expect(refused(googleEarthKml.replace('encoding="UTF-8"', 'encoding="GBK"')).message).toMatch(/declares encoding "GBK".*only UTF-8/);
    // GBK bytes of 北京 read as UTF-8 become replacement characters.
    const gbkBytesAsUtf8 = new TextDecoder('utf-8').decode(Buffer.from([0xb1, 0xb1, 0xbe, 0xa9]));
    expect(refused(googleEarthKml.replace('密云站', gbkBytesAsUtf8)).message).toMatch(/not valid UTF-8.*near character \d+/);
  });

  it('refuses, naming what is wrong: not XML, not KML, no line, an unreadable coordinate, a polygon', () => {
    expect(refused('{"type":"FeatureCollection"}').message).toMatch(/not well-formed XML/);
    expect(refused('<kml><Document><Placemark></Document></kml>').message).toMatch(/not well-formed XML/);
    expect(refused('<?xml version="1.0"?><gpx version="1.1"><trk/></gpx>').message).toMatch(/root element is <gpx>, not <kml>/);
    expect(refused('<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>').message).toMatch(/the KML holds no LineString/);
    expect(
      refused(
        '<kml><Placemark><name>A</name><LineString><coordinates>116.3,39.9 116.4,39.9</coordinates></LineString></Placemark>' +
          '<Placemark><name>湖</name><Polygon><outerBoundaryIs><LinearRing><coordinates>1,1 2,2 3,1 1,1</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>',
      ).message,
    ).toMatch(/placemark 1 \("湖"\): geometry type "Polygon" is not/);
    expect(
      refused('<kml><Placemark><name>远</name><LineString><coordinates>116.3,39.9 216.4,39.9</coordinates></LineString></Placemark></kml>').message,
    ).toMatch(/placemark 0 \("远"\) coordinate 1 \(216.4, 39.9\) is outside/);
  });
});
