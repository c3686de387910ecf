import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import type { StoragePool } from './pool';
import { positionOf, type PositionRow } from './position.repository';
import { msToTs, type Queryable } from './sql';
import type { PositionV1 } from '@roadwatch/contracts';

/**
 * Signal tampering (RULES.md §12, §15; migration 0029): the registered blind areas, the
 * suspected episodes the enforcement job stores, the job's watermark, and what the job reads
 * besides a vehicle's track (other vehicles' gaps, the places of I7).
 */

export type BlindAreaKind = 'tunnel' | 'car_park' | 'other';

export interface BlindAreaRecord {
  blindAreaId: string;
  name: string;
  kind: BlindAreaKind;
  regionCode?: string;
  /** A circle of `radiusM` around this point, when no polygon. */
  latitudeDeg?: number;
  longitudeDeg?: number;
  radiusM?: number;
  /** A ring of [lon, lat] (WGS-84). */
  geofencePolygon?: Array<[number, number]>;
}

interface BlindAreaRow {
  blind_area_id: string;
  name: string;
  kind: BlindAreaKind;
  region_code: string | null;
  latitude_deg: number | null;
  longitude_deg: number | null;
  radius_m: number | null;
  geofence_polygon: Array<[number, number]> | null;
}

const blindAreaOf = (r: BlindAreaRow): BlindAreaRecord => ({
  blindAreaId: r.blind_area_id,
  name: r.name,
  kind: r.kind,
  ...(r.region_code !== null ? { regionCode: r.region_code } : {}),
  ...(r.latitude_deg !== null ? { latitudeDeg: r.latitude_deg } : {}),
  ...(r.longitude_deg !== null ? { longitudeDeg: r.longitude_deg } : {}),
  ...(r.radius_m !== null ? { radiusM: r.radius_m } : {}),
  ...(r.geofence_polygon !== null ? { geofencePolygon: r.geofence_polygon } : {}),
});

export class BlindAreaRepository {
  constructor(private readonly pool: StoragePool | Queryable) {}

  /** Every blind area in scope (`OWNER_OF.place`: no company owns one; the region's officers do), by name. */
  async list(scope?: OwnerScope): Promise<BlindAreaRecord[]> {
    const params: unknown[] = [];
    const { rows } = await this.pool.query<BlindAreaRow>(
      `SELECT b.* FROM blind_areas b WHERE ${ownerScopeSql(scope, OWNER_OF.place('b'), params)} ORDER BY b.name, b.blind_area_id`,
      params,
    );
    return rows.map(blindAreaOf);
  }

  async get(blindAreaId: string): Promise<BlindAreaRecord | undefined> {
    const { rows } = await this.pool.query<BlindAreaRow>('SELECT * FROM blind_areas WHERE blind_area_id = $1', [blindAreaId]);
    return rows[0] ? blindAreaOf(rows[0]) : undefined;
  }

  /** The record as `get` would answer it once stored (absent fields dropped), to compare with a stored one. */
  normalised(area: BlindAreaRecord): BlindAreaRecord {
    return blindAreaOf({
      blind_area_id: area.blindAreaId,
      name: area.name,
      kind: area.kind,
      region_code: area.regionCode ?? null,
      latitude_deg: area.latitudeDeg ?? null,
      longitude_deg: area.longitudeDeg ?? null,
      radius_m: area.radiusM ?? null,
      geofence_polygon: area.geofencePolygon ?? null,
    });
  }

  /** Creates or replaces one; answers whether it was new. */
  async upsert(area: BlindAreaRecord): Promise<{ created: boolean }> {
    const { rows } = await this.pool.query<{ created: boolean }>(
      `INSERT INTO blind_areas (blind_area_id, name, kind, region_code, latitude_deg, longitude_deg, radius_m, geofence_polygon)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)
       ON CONFLICT (blind_area_id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, region_code = EXCLUDED.region_code,
         latitude_deg = EXCLUDED.latitude_deg, longitude_deg = EXCLUDED.longitude_deg, radius_m = EXCLUDED.radius_m,
         geofence_polygon = EXCLUDED.geofence_polygon, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [
        area.blindAreaId,
        area.name,
        area.kind,
        area.regionCode ?? null,
        area.latitudeDeg ?? null,
        area.longitudeDeg ?? null,
        area.radiusM ?? null,
        area.geofencePolygon ? JSON.stringify(area.geofencePolygon) : null,
      ],
    );
    return { created: rows[0]?.created ?? false };
  }

  async remove(blindAreaId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM blind_areas WHERE blind_area_id = $1', [blindAreaId]);
    return (rowCount ?? 0) > 0;
  }
}

export type TamperingStatus = 'suspected' | 'withdrawn';

/** One episode as judged (the rule's output with the vehicle's owner), what the job stores. */
export interface TamperingEpisodeRecord {
  episodeId: string;
  vehicleId: string;
  plate?: string;
  companyId?: string;
  regionCode?: string;
  startMs: number;
  endMs: number;
  indicators: string[];
  score: number;
  contextI7: boolean;
  context: Record<string, unknown>;
  evidence: unknown[];
  latitudeDeg?: number;
  longitudeDeg?: number;
  alertId: string;
}

export interface StoredTamperingEpisode extends TamperingEpisodeRecord {
  status: TamperingStatus;
  revision: number;
  judgedAtMs: number;
  withdrawnAtMs?: number;
}

interface EpisodeRow {
  episode_id: string;
  vehicle_id: string;
  plate: string | null;
  company_id: string | null;
  region_code: string | null;
  started_at: Date;
  ended_at: Date;
  indicators: string[];
  score: number;
  context_i7: boolean;
  context: Record<string, unknown>;
  evidence: unknown[];
  latitude_deg: number | null;
  longitude_deg: number | null;
  status: TamperingStatus;
  alert_id: string;
  revision: number;
  judged_at: Date;
  withdrawn_at: Date | null;
}

const episodeOf = (r: EpisodeRow): StoredTamperingEpisode => ({
  episodeId: r.episode_id,
  vehicleId: r.vehicle_id,
  ...(r.plate !== null ? { plate: r.plate } : {}),
  ...(r.company_id !== null ? { companyId: r.company_id } : {}),
  ...(r.region_code !== null ? { regionCode: r.region_code } : {}),
  startMs: r.started_at.getTime(),
  endMs: r.ended_at.getTime(),
  indicators: r.indicators,
  score: r.score,
  contextI7: r.context_i7,
  context: r.context,
  evidence: r.evidence,
  ...(r.latitude_deg !== null ? { latitudeDeg: r.latitude_deg } : {}),
  ...(r.longitude_deg !== null ? { longitudeDeg: r.longitude_deg } : {}),
  alertId: r.alert_id,
  status: r.status,
  revision: r.revision,
  judgedAtMs: r.judged_at.getTime(),
  ...(r.withdrawn_at !== null ? { withdrawnAtMs: r.withdrawn_at.getTime() } : {}),
});

export interface TamperingEpisodeFilter {
  vehicleId?: string;
  status?: TamperingStatus;
  fromMs?: number;
  toMs?: number;
  limit?: number;
  offset?: number;
}

/** A vehicle whose positions were received in a period, with the device-time span they cover, and its owner. */
export interface VehicleToJudge {
  vehicleId: string;
  fromMs: number;
  toMs: number;
  plate?: string;
  companyId?: string;
  regionCode?: string;
}

export interface GapStart {
  vehicleId: string;
  startMs: number;
  endMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
}

export interface TamperingPlaces {
  stations: Array<{ id: string; name: string; latitudeDeg: number; longitudeDeg: number }>;
  sourceSites: Array<{
    id: string;
    name: string;
    latitudeDeg: number | null;
    longitudeDeg: number | null;
    radiusM: number | null;
    polygon: Array<[number, number]> | null;
  }>;
}

const EPISODE_SCOPE_FROM = `tampering_episodes e
  LEFT JOIN vehicles v ON v.vehicle_id = e.vehicle_id
  LEFT JOIN companies vc ON vc.company_id = v.company_id`;
const episodeOwner = () => OWNER_OF.vehicleRecord(OWNER_OF.vehicle('v', 'vc'), { companyId: 'e.company_id', regionCode: 'e.region_code' });

export class TamperingRepository {
  constructor(private readonly pool: StoragePool | Queryable) {}

  /** Episodes in scope (`OWNER_OF.vehicleRecord`: a company sees its own vehicles'), newest first. */
  async list(filter: TamperingEpisodeFilter, scope: OwnerScope): Promise<StoredTamperingEpisode[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(scope, episodeOwner(), params)];
    if (filter.vehicleId !== undefined) where.push(`e.vehicle_id = $${params.push(filter.vehicleId)}`);
    if (filter.status !== undefined) where.push(`e.status = $${params.push(filter.status)}`);
    if (filter.fromMs !== undefined) where.push(`e.started_at >= ${msToTs(`$${params.push(filter.fromMs)}::float8`)}`);
    if (filter.toMs !== undefined) where.push(`e.started_at < ${msToTs(`$${params.push(filter.toMs)}::float8`)}`);
    const { rows } = await this.pool.query<EpisodeRow>(
      `SELECT e.* FROM ${EPISODE_SCOPE_FROM} WHERE ${where.join(' AND ')}
       ORDER BY e.started_at DESC, e.episode_id LIMIT $${params.push(filter.limit ?? 100)} OFFSET $${params.push(filter.offset ?? 0)}`,
      params,
    );
    return rows.map(episodeOf);
  }

  /** One episode if the scope admits it (else undefined, as an id that does not exist). */
  async getInScope(episodeId: string, scope: OwnerScope): Promise<StoredTamperingEpisode | undefined> {
    const params: unknown[] = [episodeId];
    const { rows } = await this.pool.query<EpisodeRow>(
      `SELECT e.* FROM ${EPISODE_SCOPE_FROM} WHERE e.episode_id = $1 AND ${ownerScopeSql(scope, episodeOwner(), params)}`,
      params,
    );
    return rows[0] ? episodeOf(rows[0]) : undefined;
  }

  /** The vehicle's episodes (any status) overlapping [fromMs, toMs]. */
  async ofVehicleBetween(vehicleId: string, fromMs: number, toMs: number): Promise<StoredTamperingEpisode[]> {
    const { rows } = await this.pool.query<EpisodeRow>(
      `SELECT * FROM tampering_episodes WHERE vehicle_id = $1 AND ended_at >= ${msToTs('$2::float8')} AND started_at <= ${msToTs('$3::float8')}
       ORDER BY started_at`,
      [vehicleId, fromMs, toMs],
    );
    return rows.map(episodeOf);
  }

  /** Writes an episode as judged now (suspected), its revision given by the caller. */
  async saveSuspected(e: TamperingEpisodeRecord, revision: number, judgedAtMs: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO tampering_episodes (episode_id, vehicle_id, plate, company_id, region_code, started_at, ended_at, indicators, score, context_i7,
         context, evidence, latitude_deg, longitude_deg, status, alert_id, revision, judged_at, withdrawn_at)
       VALUES ($1, $2, $3, $4, $5, ${msToTs('$6::float8')}, ${msToTs('$7::float8')}, $8::text[], $9, $10, $11::jsonb, $12::jsonb, $13, $14,
         'suspected', $15, $16, ${msToTs('$17::float8')}, NULL)
       ON CONFLICT (episode_id) DO UPDATE SET plate = EXCLUDED.plate, company_id = EXCLUDED.company_id, region_code = EXCLUDED.region_code,
         started_at = EXCLUDED.started_at, ended_at = EXCLUDED.ended_at, indicators = EXCLUDED.indicators, score = EXCLUDED.score,
         context_i7 = EXCLUDED.context_i7, context = EXCLUDED.context, evidence = EXCLUDED.evidence, latitude_deg = EXCLUDED.latitude_deg,
         longitude_deg = EXCLUDED.longitude_deg, status = 'suspected', revision = EXCLUDED.revision, judged_at = EXCLUDED.judged_at, withdrawn_at = NULL`,
      [
        e.episodeId,
        e.vehicleId,
        e.plate ?? null,
        e.companyId ?? null,
        e.regionCode ?? null,
        e.startMs,
        e.endMs,
        e.indicators,
        e.score,
        e.contextI7,
        JSON.stringify(e.context),
        JSON.stringify(e.evidence),
        e.latitudeDeg ?? null,
        e.longitudeDeg ?? null,
        e.alertId,
        revision,
        judgedAtMs,
      ],
    );
  }

  /** Marks a suspected episode withdrawn (back-fill or re-judging took its grounds away); the row stays. */
  async withdraw(episodeId: string, revision: number, atMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE tampering_episodes SET status = 'withdrawn', revision = $2, withdrawn_at = ${msToTs('$3::float8')}, judged_at = ${msToTs('$3::float8')}
       WHERE episode_id = $1 AND status = 'suspected'`,
      [episodeId, revision, atMs],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Suspected episodes started in [fromMs, toMs), counted per vehicle (with its company): evidence for the 重点监管 list (§10). */
  async countsBetween(fromMs: number, toMs: number): Promise<Array<{ vehicleId: string; companyId?: string; episodes: number; lastStartMs: number }>> {
    const { rows } = await this.pool.query<{ vehicle_id: string; company_id: string | null; episodes: string; last_start: Date }>(
      `SELECT e.vehicle_id, COALESCE(v.company_id, max(e.company_id)) AS company_id, count(*) AS episodes, max(e.started_at) AS last_start
       FROM tampering_episodes e LEFT JOIN vehicles v ON v.vehicle_id = e.vehicle_id
       WHERE e.status = 'suspected' AND e.started_at >= ${msToTs('$1::float8')} AND e.started_at < ${msToTs('$2::float8')}
       GROUP BY e.vehicle_id, v.company_id ORDER BY e.vehicle_id`,
      [fromMs, toMs],
    );
    return rows.map((r) => ({
      vehicleId: r.vehicle_id,
      ...(r.company_id !== null ? { companyId: r.company_id } : {}),
      episodes: Number(r.episodes),
      lastStartMs: r.last_start.getTime(),
    }));
  }

  /**
   * A vehicle's stored reports in [fromMs, toMs], realtime and back-fill together, in device-time
   * order — read on this repository's connection (the job's transaction: the embedded server has one).
   */
  async trackBetween(vehicleId: string, fromMs: number, toMs: number): Promise<PositionV1[]> {
    const { rows } = await this.pool.query<PositionRow>(
      `SELECT * FROM positions WHERE vehicle_id = $1 AND device_time BETWEEN ${msToTs('$2::float8')} AND ${msToTs('$3::float8')} ORDER BY device_time`,
      [vehicleId, fromMs, toMs],
    );
    return rows.map(positionOf);
  }

  /** Where the job got to: positions received at or before it were judged. */
  async judgedTo(job: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ judged_to: Date }>('SELECT judged_to FROM tampering_job_state WHERE job = $1', [job]);
    return rows[0]?.judged_to.getTime();
  }

  async setJudgedTo(job: string, atMs: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO tampering_job_state (job, judged_to) VALUES ($1, ${msToTs('$2::float8')})
       ON CONFLICT (job) DO UPDATE SET judged_to = EXCLUDED.judged_to`,
      [job, atMs],
    );
  }

  /**
   * Vehicles with positions received in (fromMs, toMs] — new reports or a back-fill — with the
   * device-time span those reports cover, and the vehicle's owner from the registry.
   */
  async vehiclesReceivedBetween(fromMs: number, toMs: number): Promise<VehicleToJudge[]> {
    const { rows } = await this.pool.query<{
      vehicle_id: string;
      from_ms: number;
      to_ms: number;
      plate: string | null;
      company_id: string | null;
      region_code: string | null;
    }>(
      `SELECT p.vehicle_id, (extract(epoch FROM min(p.device_time)) * 1000)::float8 AS from_ms, (extract(epoch FROM max(p.device_time)) * 1000)::float8 AS to_ms,
              COALESCE(max(v.plate), max(p.plate)) AS plate, max(v.company_id) AS company_id, COALESCE(max(v.region_code), max(vc.region_code)) AS region_code
       FROM positions p LEFT JOIN vehicles v ON v.vehicle_id = p.vehicle_id LEFT JOIN companies vc ON vc.company_id = v.company_id
       WHERE p.received_at > ${msToTs('$1::float8')} AND p.received_at <= ${msToTs('$2::float8')}
       GROUP BY p.vehicle_id ORDER BY p.vehicle_id`,
      [fromMs, toMs],
    );
    return rows.map((r) => ({
      vehicleId: r.vehicle_id,
      fromMs: r.from_ms,
      toMs: r.to_ms,
      ...(r.plate !== null ? { plate: r.plate } : {}),
      ...(r.company_id !== null ? { companyId: r.company_id } : {}),
      ...(r.region_code !== null ? { regionCode: r.region_code } : {}),
    }));
  }

  /**
   * Gaps (consecutive fixed reports more than `gapMs` apart) of every vehicle overlapping
   * [fromMs, toMs], with where each started: the network-outage exclusion (§15) counts them.
   */
  async gapsBetween(fromMs: number, toMs: number, gapMs: number): Promise<GapStart[]> {
    const { rows } = await this.pool.query<{ vehicle_id: string; start_ms: number; end_ms: number; lat: number; lon: number }>(
      `SELECT vehicle_id, (extract(epoch FROM prev_time) * 1000)::float8 AS start_ms, (extract(epoch FROM device_time) * 1000)::float8 AS end_ms,
              prev_lat AS lat, prev_lon AS lon
       FROM (SELECT vehicle_id, device_time,
                    lag(device_time) OVER w AS prev_time, lag(latitude_deg) OVER w AS prev_lat, lag(longitude_deg) OVER w AS prev_lon
             FROM positions
             WHERE gnss_fixed AND device_time BETWEEN ${msToTs('$1::float8')} - $3::float8 * INTERVAL '1 millisecond' AND ${msToTs('$2::float8')} + $3::float8 * INTERVAL '1 millisecond'
             WINDOW w AS (PARTITION BY vehicle_id ORDER BY device_time)) g
       WHERE prev_time IS NOT NULL AND device_time - prev_time > $3::float8 * INTERVAL '1 millisecond'
         AND device_time >= ${msToTs('$1::float8')} AND prev_time <= ${msToTs('$2::float8')}`,
      [fromMs, toMs, gapMs],
    );
    return rows.map((r) => ({ vehicleId: r.vehicle_id, startMs: r.start_ms, endMs: r.end_ms, latitudeDeg: r.lat, longitudeDeg: r.lon }));
  }

  /** The places I7 measures from: 治超 stations with a point, source sites (their geofence). */
  async places(): Promise<TamperingPlaces> {
    const stations = await this.pool.query<{ station_id: string; name: string | null; latitude_deg: number; longitude_deg: number }>(
      `SELECT station_id, name, latitude_deg, longitude_deg FROM wim_stations WHERE latitude_deg IS NOT NULL AND longitude_deg IS NOT NULL ORDER BY station_id`,
    );
    const sites = await this.pool.query<{
      source_site_id: string;
      name: string;
      latitude_deg: number | null;
      longitude_deg: number | null;
      geofence_radius_m: number | null;
      geofence_polygon: Array<[number, number]> | null;
    }>(`SELECT source_site_id, name, latitude_deg, longitude_deg, geofence_radius_m, geofence_polygon FROM source_sites ORDER BY source_site_id`);
    return {
      stations: stations.rows.map((s) => ({ id: s.station_id, name: s.name ?? s.station_id, latitudeDeg: s.latitude_deg, longitudeDeg: s.longitude_deg })),
      sourceSites: sites.rows.map((s) => ({
        id: s.source_site_id,
        name: s.name,
        latitudeDeg: s.latitude_deg,
        longitudeDeg: s.longitude_deg,
        radiusM: s.geofence_radius_m,
        polygon: s.geofence_polygon,
      })),
    };
  }
}
