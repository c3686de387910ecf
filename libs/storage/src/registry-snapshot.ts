import { VehicleRegistry, type VehicleRegistration } from '@roadwatch/domain';
import { OWNER_OF } from './owner';
import type { Queryable } from './sql';
import { speedZoneOf, vehicleOf, type SpeedZoneRow, type VehicleRow } from './registry.repository';

/**
 * The whole registry in one read, for the services that look it up in memory on every
 * event (the detector per position, the gateway per connection) and reload it on a timer
 * (`Reloader` of @roadwatch/runtime) instead of querying per lookup.
 */

/**
 * Every vehicle as the rules read it, once per terminal fitted to it (a vehicle without a
 * terminal once, without one). The region is the vehicle's own, else its company's — the
 * same reading as the API's scoping (`OWNER_OF.vehicle`), so a vehicle is held to its region's rules where it
 * is seen.
 */
export const loadVehicleRegistrations = async (db: Queryable): Promise<VehicleRegistration[]> => {
  const { rows } = await db.query<RegistrationRow>(
    `SELECT v.*, ${OWNER_OF.vehicle('v', 'c').regionCode} AS effective_region_code, t.terminal_id
     FROM vehicles v
     LEFT JOIN companies c ON c.company_id = v.company_id
     LEFT JOIN terminals t ON t.vehicle_id = v.vehicle_id
     ORDER BY v.vehicle_id, t.terminal_id`,
  );
  return rows.map((r) => (r.terminal_id ? { terminalId: r.terminal_id, facts: factsOf(r) } : { facts: factsOf(r) }));
};

/** A vehicle's row with the region it is judged by and one of its terminals (NULL: none fitted). */
interface RegistrationRow extends VehicleRow {
  effective_region_code: string | null;
  terminal_id: string | null;
}

// The registry's extra columns (owner, 道路运输证) are not facts a rule reads.
const factsOf = (r: RegistrationRow): VehicleRegistration['facts'] => {
  const {
    ownerName: _owner,
    transportCertNo: _cert,
    curbMassKg: _curb,
    trailerCurbMassKg: _trailerCurb,
    ...facts
  } = vehicleOf({ ...r, region_code: r.effective_region_code });
  return facts;
};

export const loadVehicleRegistry = async (db: Queryable): Promise<VehicleRegistry> => new VehicleRegistry(await loadVehicleRegistrations(db));

/**
 * The accuracy class (JJG 907, % of the measured gross) of every WIM station that has one in
 * the registry, by station id: RULES.md §4, the station's class sets a weighing's tolerance.
 */
export const loadWimStationClasses = async (db: Queryable): Promise<Record<string, number>> => {
  const { rows } = await db.query<{ station_id: string; accuracy_class_pct: string | number }>(
    'SELECT station_id, accuracy_class_pct FROM wim_stations WHERE accuracy_class_pct IS NOT NULL ORDER BY station_id',
  );
  // numeric(4, 1) comes back as text.
  return Object.fromEntries(rows.map((r) => [r.station_id, Number(r.accuracy_class_pct)]));
};

export interface SpeedZoneFeature {
  type: 'Feature';
  properties: { segmentId: string; roadClass: string; postedLimitKmh: number; name?: string };
  geometry: { type: 'LineString'; coordinates: [number, number][] };
}

export interface SpeedZoneCollection {
  type: 'FeatureCollection';
  features: SpeedZoneFeature[];
}

/**
 * Every road speed zone as the GeoJSON FeatureCollection `buildRoadIndex` of
 * @roadwatch/rules reads (the shape of libs/rules/data/sample-roads.geojson): one
 * LineString per zone, matched within the index's default buffer (the table has no buffer column).
 */
export const loadSpeedZoneFeatures = async (db: Queryable): Promise<SpeedZoneCollection> => {
  const { rows } = await db.query<SpeedZoneRow>('SELECT segment_id, name, road_class, posted_limit_kmh, polyline FROM road_speed_zones ORDER BY segment_id');
  const features = rows
    .map(speedZoneOf)
    .filter((zone) => zone.polyline.length >= 2)
    .map((zone): SpeedZoneFeature => ({
      type: 'Feature',
      properties: { segmentId: zone.segmentId, roadClass: zone.roadClass, postedLimitKmh: zone.postedLimitKmh, ...(zone.name ? { name: zone.name } : {}) },
      geometry: { type: 'LineString', coordinates: zone.polyline },
    }));
  return { type: 'FeatureCollection', features };
};
