import type { StoragePool } from './pool';
import { msToTs } from './sql';

/** A station evasion is judged at: its place and the road through it (migration 0021's `corridor_polyline`). */
export interface CorridorStation {
  stationId: string;
  name: string;
  regionCode?: string;
  latitudeDeg: number;
  longitudeDeg: number;
  /** [lon, lat] points, upstream → downstream. */
  corridor: Array<[number, number]>;
}

export interface HeavyTruckNear {
  vehicleId: string;
  plate: string;
  plateColour: number;
  regionCode?: string;
}

/**
 * What the evasion job reads (RULES.md §14): the stations with a corridor, and the heavy trucks
 * (the registry's class) that reported inside a box around one in a period — their tracks are
 * then read whole with `PositionRepository.reportsBetween`, so a detour leaving the box is kept.
 */
export class EvasionReadModel {
  constructor(private readonly pool: StoragePool) {}

  async corridorStations(): Promise<CorridorStation[]> {
    const { rows } = await this.pool.query<{
      station_id: string;
      name: string;
      region_code: string | null;
      latitude_deg: number;
      longitude_deg: number;
      corridor_polyline: Array<[number, number]>;
    }>(
      `SELECT station_id, name, region_code, latitude_deg, longitude_deg, corridor_polyline FROM wim_stations
       WHERE corridor_polyline IS NOT NULL AND jsonb_typeof(corridor_polyline) = 'array' AND jsonb_array_length(corridor_polyline) >= 2
         AND latitude_deg IS NOT NULL AND longitude_deg IS NOT NULL
       ORDER BY station_id`,
    );
    return rows.map((r) => ({
      stationId: r.station_id,
      name: r.name,
      ...(r.region_code !== null ? { regionCode: r.region_code } : {}),
      latitudeDeg: r.latitude_deg,
      longitudeDeg: r.longitude_deg,
      corridor: r.corridor_polyline,
    }));
  }

  /** Registered heavy trucks with a report inside the box in [fromMs, toMs]; the region is the vehicle's, else its company's. */
  async heavyTrucksIn(
    box: { minLatitudeDeg: number; maxLatitudeDeg: number; minLongitudeDeg: number; maxLongitudeDeg: number },
    fromMs: number,
    toMs: number,
  ): Promise<HeavyTruckNear[]> {
    const { rows } = await this.pool.query<{ vehicle_id: string; plate: string; plate_colour: number; region_code: string | null }>(
      `SELECT v.vehicle_id, v.plate, v.plate_colour, COALESCE(v.region_code, c.region_code) AS region_code
       FROM vehicles v LEFT JOIN companies c ON c.company_id = v.company_id
       WHERE v.vehicle_class = 'heavy_truck' AND EXISTS (
         SELECT 1 FROM positions p WHERE p.vehicle_id = v.vehicle_id
           AND p.device_time BETWEEN ${msToTs('$1::float8')} AND ${msToTs('$2::float8')}
           AND p.latitude_deg BETWEEN $3 AND $4 AND p.longitude_deg BETWEEN $5 AND $6)
       ORDER BY v.vehicle_id`,
      [fromMs, toMs, box.minLatitudeDeg, box.maxLatitudeDeg, box.minLongitudeDeg, box.maxLongitudeDeg],
    );
    return rows.map((r) => ({
      vehicleId: r.vehicle_id,
      plate: r.plate,
      plateColour: r.plate_colour,
      ...(r.region_code !== null ? { regionCode: r.region_code } : {}),
    }));
  }
}
