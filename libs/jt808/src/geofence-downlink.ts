import type { LatLon } from '@roadwatch/domain';
import { encodeGbk } from './gbk.js';
import type { HeaderEdition } from './header.js';
import { AREA_ATTRIBUTE_BITS, ROUTE_ATTRIBUTE_BITS } from './messages/area-common.js';
import type { SetCircleAreas } from './messages/8600-set-circle-area.js';
import type { SetPolygonArea } from './messages/8604-set-polygon-area.js';
import { ROUTE_POINT_BASE_BYTES, SEGMENT_ATTRIBUTE_BITS, type SetRoute } from './messages/8606-set-route.js';

/**
 * The platform's routes and areas as JT/T 808 bodies: every vertex a turning point, the
 * corridor width the segment width of every segment, alarms on entering and leaving reported
 * to the platform (attribute bits 3 and 5), hemispheres from the signs. No time window and no
 * speed limit: the platform judges those itself (RULES §11 — the terminal's alarms are evidence).
 */

/** The largest body one frame carries (body length bits 0–9); larger ones would need sub-packages. */
export const MAX_BODY_BYTES = 1023;

const ALARMS_TO_PLATFORM = (1 << ROUTE_ATTRIBUTE_BITS.enterAlarmToPlatform) | (1 << ROUTE_ATTRIBUTE_BITS.exitAlarmToPlatform);

const hemispheres = (point: LatLon, southBit: number, westBit: number): number =>
  (point.latitudeDeg < 0 ? 1 << southBit : 0) | (point.longitudeDeg < 0 ? 1 << westBit : 0);

const nameFor = (name: string, edition: HeaderEdition): string | null => (edition === '2019' ? name : null);

/**
 * How many turning points one 0x8606 holds for a route of this name in this edition: id,
 * attributes and count (8 bytes), 18 per plain point, and in 2019 the name (WORD length + GBK).
 */
export function maxRouteTurningPoints(name: string, edition: HeaderEdition): number {
  const nameBytes = edition === '2019' ? 2 + encodeGbk(name, 'name').length : 0;
  return Math.floor((MAX_BODY_BYTES - 8 - nameBytes) / ROUTE_POINT_BASE_BYTES);
}

/** A polyline as a 0x8606 route: point i is turning point i + 1 and starts segment i + 1. */
export function setRouteFromPolyline(route: { geofenceId: number; name: string; points: readonly LatLon[]; widthM: number }, edition: HeaderEdition): SetRoute {
  return {
    routeId: route.geofenceId,
    attributes: ALARMS_TO_PLATFORM,
    window: null,
    name: nameFor(route.name, edition),
    points: route.points.map((point, i) => ({
      pointId: i + 1,
      segmentId: i + 1,
      latitudeDeg: Math.abs(point.latitudeDeg),
      longitudeDeg: Math.abs(point.longitudeDeg),
      segmentWidthM: route.widthM,
      segmentAttributes: hemispheres(point, SEGMENT_ATTRIBUTE_BITS.southLatitude, SEGMENT_ATTRIBUTE_BITS.westLongitude),
      drivingTime: null,
      speedLimit: null,
      nightMaxSpeedKmh: null,
    })),
  };
}

/** A ring as a 0x8604 polygon (a closing vertex equal to the first is dropped: the terminal closes the ring itself). */
export function setPolygonAreaFromRing(area: { geofenceId: number; name: string; vertices: readonly LatLon[] }, edition: HeaderEdition): SetPolygonArea {
  const first = area.vertices[0];
  const last = area.vertices[area.vertices.length - 1];
  const closed = first && last && area.vertices.length > 3 && first.latitudeDeg === last.latitudeDeg && first.longitudeDeg === last.longitudeDeg;
  const vertices = closed ? area.vertices.slice(0, -1) : area.vertices;
  return {
    areaId: area.geofenceId,
    attributes:
      ALARMS_TO_PLATFORM | hemispheres(first ?? { latitudeDeg: 0, longitudeDeg: 0 }, AREA_ATTRIBUTE_BITS.southLatitude, AREA_ATTRIBUTE_BITS.westLongitude),
    window: null,
    speedLimit: null,
    nightMaxSpeedKmh: null,
    name: nameFor(area.name, edition),
    vertices: vertices.map((v) => ({ latitudeDeg: Math.abs(v.latitudeDeg), longitudeDeg: Math.abs(v.longitudeDeg) })),
  };
}

/** One circle as a 0x8600 that modifies (or adds) just that area, leaving the terminal's others. */
export function setCircleAreaFrom(area: { geofenceId: number; name: string; center: LatLon; radiusM: number }, edition: HeaderEdition): SetCircleAreas {
  return {
    action: 2,
    areas: [
      {
        areaId: area.geofenceId,
        attributes: ALARMS_TO_PLATFORM | hemispheres(area.center, AREA_ATTRIBUTE_BITS.southLatitude, AREA_ATTRIBUTE_BITS.westLongitude),
        centerLatitudeDeg: Math.abs(area.center.latitudeDeg),
        centerLongitudeDeg: Math.abs(area.center.longitudeDeg),
        radiusM: area.radiusM,
        window: null,
        speedLimit: null,
        nightMaxSpeedKmh: null,
        name: nameFor(area.name, edition),
      },
    ],
  };
}

/** How many vertices one 0x8604 holds for an area of this name: id, attributes, count (8 bytes), 8 per vertex, 2019 name. */
export function maxPolygonVertices(name: string, edition: HeaderEdition): number {
  const nameBytes = edition === '2019' ? 2 + encodeGbk(name, 'name').length : 0;
  return Math.floor((MAX_BODY_BYTES - 8 - nameBytes) / 8);
}
