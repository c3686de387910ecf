/**
 * WGS-84 → GCJ-02 ("Mars coordinates"), the one place where the app converts.
 *
 * Everything in roadwatch is WGS-84/CGCS2000 (terminals, database, API). A GCJ-02
 * basemap (AutoNavi/Tencent-style tiles) is offset by up to ~500 m, so when one is
 * configured the map shifts *display* coordinates through `displayTransform('gcj02')`.
 * 天地图 is CGCS2000 and needs no shift. The transform is the widely published one
 * (Krasovsky 1940 ellipsoid parameters); outside mainland China it is the identity.
 */
export type Crs = 'wgs84' | 'gcj02';
export type LonLat = readonly [number, number];

const A = 6378245.0;
const EE = 0.006693421622965943;

const outOfChina = (lon: number, lat: number): boolean => lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;

const transformLat = (x: number, y: number): number => {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
};

const transformLon = (x: number, y: number): number => {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
};

export const wgs84ToGcj02 = (lon: number, lat: number): [number, number] => {
  if (outOfChina(lon, lat)) return [lon, lat];
  let dLat = transformLat(lon - 105.0, lat - 35.0);
  let dLon = transformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
};

/**
 * GCJ-02 → WGS-84, for data published in GCJ-02 (the offline basemap's boundaries, which
 * descend from AutoNavi data). The forward transform has no closed inverse; it is smooth and
 * shifts by < 1 km, so a few fixed-point steps converge to well under a centimetre.
 */
export const gcj02ToWgs84 = (lon: number, lat: number): [number, number] => {
  if (outOfChina(lon, lat)) return [lon, lat];
  let wLon = lon;
  let wLat = lat;
  for (let step = 0; step < 6; step++) {
    const [gLon, gLat] = wgs84ToGcj02(wLon, wLat);
    wLon -= gLon - lon;
    wLat -= gLat - lat;
  }
  return [wLon, wLat];
};

/** The display transform for a basemap's CRS: identity for WGS-84/CGCS2000. */
export const displayTransform = (crs: Crs): ((lon: number, lat: number) => [number, number]) => (crs === 'gcj02' ? wgs84ToGcj02 : (lon, lat) => [lon, lat]);
