import type { AreaBan, RouteLonLat } from '@roadwatch/rules';
import type { RoadClass } from '@roadwatch/domain';
import type { StoragePool } from './pool';
import { ownerScopeSql, type OwnerScope } from './owner';
import { ROUTE_COLUMNS, ROUTE_FROM, routeOf, type RouteRow, type StoredRoute } from './route.repository';
import { escapeLike, msToTs, type Queryable } from './sql';

/** A vehicle the permit and area-ban checks judge, with what its alerts carry. */
export interface CheckedVehicle {
  vehicleId: string;
  plate: string;
  plateColour: number;
  vehicleClass: string;
  companyId?: string;
  regionCode?: string;
}

/**
 * A 大件 permit: an approved route of kind `oversize_permit` (RULES.md §11), read and mapped by
 * `RouteRepository`'s one reader of a route row — what the checks judge is what was administered.
 */
export type StoredPermit = StoredRoute;

/** One episode as the enforcement parts record it (migration 0028). */
export interface PermitEpisodeInput {
  kind: 'permit_hours' | 'permit_exceeded' | 'oversize_without_permit';
  /** Proposed id (an episode it overlaps keeps its own). */
  episodeId: string;
  vehicleId: string;
  routeId: string | null;
  routeIds: readonly string[];
  measurementId?: string;
  startedAtMs: number;
  endedAtMs: number;
  countedAtMs: number;
  movingMs?: number;
  movingM?: number;
  evidence: Record<string, unknown>;
}

export interface AreaBanEpisodeInput {
  episodeId: string;
  banId: string;
  vehicleId: string;
  occurrence: string;
  startedAtMs: number;
  endedAtMs: number;
  countedAtMs: number;
  movingMs: number;
  movingM: number;
  evidence: Record<string, unknown>;
}

/** What recording gave: the episode's id (an overlapping one's when it grew it) and its revision; `changed` false when nothing grew. */
export interface RecordedEpisode {
  episodeId: string;
  revision: number;
  changed: boolean;
}

interface VehicleRow {
  vehicle_id: string;
  plate: string;
  plate_colour: number;
  vehicle_class: string;
  company_id: string | null;
  region_code: string | null;
}

const vehicleOf = (r: VehicleRow): CheckedVehicle => ({
  vehicleId: r.vehicle_id,
  plate: r.plate,
  plateColour: r.plate_colour,
  vehicleClass: r.vehicle_class,
  ...(r.company_id !== null ? { companyId: r.company_id } : {}),
  ...(r.region_code !== null ? { regionCode: r.region_code } : {}),
});

const VEHICLE_COLUMNS = `v.vehicle_id, v.plate, v.plate_colour, v.vehicle_class, v.company_id, COALESCE(v.region_code, c.region_code) AS region_code`;

/**
 * What the 大件 permit checks and the area bans read and write (RULES.md §11, §15; migration
 * 0028): the permits (approved routes of kind `oversize_permit`, not retired) and bans the
 * routes' administration keeps (migration 0026), the vehicles they bind, and the episodes found.
 * An episode overlapping a stored one of the same vehicle and rule (and ban occurrence) grows
 * that one: a job re-reading a window never doubles an episode.
 */
export class PermitCheckRepository {
  constructor(private readonly pool: StoragePool | Queryable) {}

  /** The vehicle's permits, retired ones left out. */
  async permitsOf(vehicleId: string): Promise<StoredPermit[]> {
    const { rows } = await this.pool.query<RouteRow>(
      `SELECT ${ROUTE_COLUMNS} FROM ${ROUTE_FROM}
       WHERE r.kind = 'oversize_permit' AND r.retired_at IS NULL
         AND EXISTS (SELECT 1 FROM route_vehicles rv WHERE rv.route_id = r.route_id AND rv.vehicle_id = $1)
       ORDER BY r.route_id`,
      [vehicleId],
    );
    return rows.map(routeOf);
  }

  /**
   * One permit (retired or not: its audit stays readable) if the scope admits it: its company, or
   * its region (the permit's own, else its company's). Else undefined, as an id that does not exist.
   */
  async permitInScope(routeId: string, scope: OwnerScope): Promise<StoredPermit | undefined> {
    const params: unknown[] = [routeId];
    const owner = ownerScopeSql(scope, { companyId: 'r.company_id', regionCode: 'COALESCE(r.region_code, rc.region_code)' }, params);
    const { rows } = await this.pool.query<RouteRow>(
      `SELECT ${ROUTE_COLUMNS} FROM ${ROUTE_FROM}
       WHERE r.route_id = $1 AND r.kind = 'oversize_permit' AND ${owner}`,
      params,
    );
    return rows[0] ? routeOf(rows[0]) : undefined;
  }

  /** Vehicles bound to a permit that is not retired. */
  async vehiclesWithPermits(): Promise<CheckedVehicle[]> {
    const { rows } = await this.pool.query<VehicleRow>(
      `SELECT ${VEHICLE_COLUMNS} FROM vehicles v LEFT JOIN companies c ON c.company_id = v.company_id
       WHERE EXISTS (SELECT 1 FROM route_vehicles rv JOIN approved_routes r ON r.route_id = rv.route_id
                     WHERE rv.vehicle_id = v.vehicle_id AND r.kind = 'oversize_permit' AND r.retired_at IS NULL)
       ORDER BY v.vehicle_id`,
    );
    return rows.map(vehicleOf);
  }

  /** Bans not retired, in force on some date of [fromDate, toDate] (local dates). */
  async bansInForce(fromDate: string, toDate: string): Promise<AreaBan[]> {
    const { rows } = await this.pool.query<{
      ban_id: string;
      name: string;
      region_code: string | null;
      polygon: RouteLonLat[] | null;
      vehicle_classes: string[];
      windows: AreaBan['windows'];
      valid_from: string | null;
      valid_to: string | null;
      road_classes: RoadClass[] | null;
    }>(
      `SELECT ban_id, name, region_code, polygon, vehicle_classes, windows, to_char(valid_from, 'YYYY-MM-DD') AS valid_from,
              to_char(valid_to, 'YYYY-MM-DD') AS valid_to, road_classes
       FROM area_bans WHERE retired_at IS NULL AND (valid_from IS NULL OR valid_from <= $2::date) AND (valid_to IS NULL OR valid_to >= $1::date)
       ORDER BY ban_id`,
      [fromDate, toDate],
    );
    return rows.map((r) => ({
      banId: r.ban_id,
      name: r.name,
      regionCode: r.region_code,
      polygon: r.polygon,
      vehicleClasses: r.vehicle_classes,
      windows: r.windows,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      roadClasses: r.road_classes,
    }));
  }

  /** Registered vehicles of the classes with a report inside the box in [fromMs, toMs]. */
  async vehiclesIn(
    classes: readonly string[],
    box: { minLatitudeDeg: number; maxLatitudeDeg: number; minLongitudeDeg: number; maxLongitudeDeg: number },
    fromMs: number,
    toMs: number,
  ): Promise<CheckedVehicle[]> {
    const { rows } = await this.pool.query<VehicleRow>(
      `SELECT ${VEHICLE_COLUMNS} FROM vehicles v LEFT JOIN companies c ON c.company_id = v.company_id
       WHERE v.vehicle_class = ANY($1::text[]) AND EXISTS (
         SELECT 1 FROM positions p WHERE p.vehicle_id = v.vehicle_id
           AND p.device_time BETWEEN ${msToTs('$2::float8')} AND ${msToTs('$3::float8')}
           AND p.latitude_deg BETWEEN $4 AND $5 AND p.longitude_deg BETWEEN $6 AND $7)
       ORDER BY v.vehicle_id`,
      [classes, fromMs, toMs, box.minLatitudeDeg, box.maxLatitudeDeg, box.minLongitudeDeg, box.maxLongitudeDeg],
    );
    return rows.map(vehicleOf);
  }

  /**
   * Registered vehicles of the classes whose region (their own, else their company's) lies
   * under `regionPrefix`, with a report in [fromMs, toMs]: what a region-wide ban binds.
   */
  async vehiclesOfRegion(classes: readonly string[], regionPrefix: string, fromMs: number, toMs: number): Promise<CheckedVehicle[]> {
    const { rows } = await this.pool.query<VehicleRow>(
      `SELECT ${VEHICLE_COLUMNS} FROM vehicles v LEFT JOIN companies c ON c.company_id = v.company_id
       WHERE v.vehicle_class = ANY($1::text[]) AND COALESCE(v.region_code, c.region_code) LIKE $2
         AND EXISTS (SELECT 1 FROM positions p WHERE p.vehicle_id = v.vehicle_id
                       AND p.device_time BETWEEN ${msToTs('$3::float8')} AND ${msToTs('$4::float8')})
       ORDER BY v.vehicle_id`,
      [classes, `${escapeLike(regionPrefix)}%`, fromMs, toMs],
    );
    return rows.map(vehicleOf);
  }

  /**
   * Records a permit episode. A weighing's episode is keyed by its measurement (a redelivered
   * record rewrites it); a stretch (`permit_hours`) overlapping a stored one of the vehicle grows it.
   */
  async recordPermitEpisode(e: PermitEpisodeInput): Promise<RecordedEpisode> {
    const existing =
      e.kind === 'permit_hours'
        ? await this.pool.query<{ episode_id: string; revision: number; moving_ms: string; ended_at: Date }>(
            `SELECT episode_id, revision, moving_ms, ended_at FROM permit_episodes
             WHERE kind = 'permit_hours' AND vehicle_id = $1
               AND started_at <= ${msToTs('$3::float8')} AND ended_at >= ${msToTs('$2::float8')}
             ORDER BY started_at LIMIT 1`,
            [e.vehicleId, e.startedAtMs, e.endedAtMs],
          )
        : await this.pool.query<{ episode_id: string; revision: number; moving_ms: string; ended_at: Date }>(
            `SELECT episode_id, revision, moving_ms, ended_at FROM permit_episodes WHERE episode_id = $1`,
            [e.episodeId],
          );
    const found = existing.rows[0];
    if (found) {
      const grew = (e.movingMs ?? 0) > Number(found.moving_ms) || e.endedAtMs > found.ended_at.getTime();
      if (!grew) return { episodeId: found.episode_id, revision: found.revision, changed: false };
      const { rows } = await this.pool.query<{ revision: number }>(
        `UPDATE permit_episodes SET ended_at = GREATEST(ended_at, ${msToTs('$2::float8')}), moving_ms = GREATEST(moving_ms, $3),
           moving_m = GREATEST(moving_m, $4), route_ids = ARRAY(SELECT DISTINCT unnest(route_ids || $5::text[]) ORDER BY 1),
           evidence = $6, revision = revision + 1
         WHERE episode_id = $1 RETURNING revision`,
        [found.episode_id, e.endedAtMs, e.movingMs ?? 0, e.movingM ?? 0, e.routeIds, e.evidence],
      );
      return { episodeId: found.episode_id, revision: rows[0]!.revision, changed: true };
    }
    await this.pool.query(
      `INSERT INTO permit_episodes (episode_id, kind, vehicle_id, route_id, route_ids, measurement_id, started_at, ended_at, counted_at,
                                    moving_ms, moving_m, evidence, alert_id)
       VALUES ($1, $2, $3, $4, $5, $6, ${msToTs('$7::float8')}, ${msToTs('$8::float8')}, ${msToTs('$9::float8')}, $10, $11, $12, $1)
       ON CONFLICT DO NOTHING`,
      [
        e.episodeId,
        e.kind,
        e.vehicleId,
        e.routeId,
        e.routeIds,
        e.measurementId ?? null,
        e.startedAtMs,
        e.endedAtMs,
        e.countedAtMs,
        e.movingMs ?? 0,
        Math.round(e.movingM ?? 0),
        e.evidence,
      ],
    );
    return { episodeId: e.episodeId, revision: 0, changed: true };
  }

  /** Records an area-ban episode; one overlapping a stored one of the same ban, vehicle and occurrence grows it. */
  async recordAreaBanEpisode(e: AreaBanEpisodeInput): Promise<RecordedEpisode> {
    const { rows: existing } = await this.pool.query<{ episode_id: string; revision: number; moving_ms: string; ended_at: Date }>(
      `SELECT episode_id, revision, moving_ms, ended_at FROM area_ban_episodes
       WHERE ban_id = $1 AND vehicle_id = $2 AND occurrence = $3
         AND started_at <= ${msToTs('$5::float8')} AND ended_at >= ${msToTs('$4::float8')}
       ORDER BY started_at LIMIT 1`,
      [e.banId, e.vehicleId, e.occurrence, e.startedAtMs, e.endedAtMs],
    );
    const found = existing[0];
    if (found) {
      const grew = e.movingMs > Number(found.moving_ms) || e.endedAtMs > found.ended_at.getTime();
      if (!grew) return { episodeId: found.episode_id, revision: found.revision, changed: false };
      const { rows } = await this.pool.query<{ revision: number }>(
        `UPDATE area_ban_episodes SET ended_at = GREATEST(ended_at, ${msToTs('$2::float8')}), moving_ms = GREATEST(moving_ms, $3),
           moving_m = GREATEST(moving_m, $4), evidence = $5, revision = revision + 1
         WHERE episode_id = $1 RETURNING revision`,
        [found.episode_id, e.endedAtMs, e.movingMs, Math.round(e.movingM), e.evidence],
      );
      return { episodeId: found.episode_id, revision: rows[0]!.revision, changed: true };
    }
    await this.pool.query(
      `INSERT INTO area_ban_episodes (episode_id, ban_id, vehicle_id, occurrence, started_at, ended_at, counted_at, moving_ms, moving_m, evidence, alert_id)
       VALUES ($1, $2, $3, $4, ${msToTs('$5::float8')}, ${msToTs('$6::float8')}, ${msToTs('$7::float8')}, $8, $9, $10, $1)
       ON CONFLICT DO NOTHING`,
      [e.episodeId, e.banId, e.vehicleId, e.occurrence, e.startedAtMs, e.endedAtMs, e.countedAtMs, e.movingMs, Math.round(e.movingM), e.evidence],
    );
    return { episodeId: e.episodeId, revision: 0, changed: true };
  }
}
