import type { RouteRequestInput } from '@roadwatch/contracts';

/** An uploaded route file that cannot be sent: not UTF-8 (a GBK export, say). */
export class RouteFileError extends Error {}

/**
 * The geometry field of a route file as the API takes it: KML (by its `.kml` name or a leading
 * `<`) in `kml`, anything else in `geojson`. The bytes must be UTF-8 — decoded strictly, so a
 * GBK file is refused here with a clear message rather than sent garbled; a BOM is dropped.
 */
export const routeFileGeometry = (fileName: string, bytes: Uint8Array): Pick<RouteRequestInput, 'kml' | 'geojson'> => {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new RouteFileError('not UTF-8');
  }
  const isKml = /\.kml$/i.test(fileName) || text.trimStart().startsWith('<');
  return isKml ? { kml: text } : { geojson: text };
};
