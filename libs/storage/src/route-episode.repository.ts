import type { AlertV1 } from '@roadwatch/contracts';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import type { StoragePool } from './pool';
import { latestByKey, msToTs, type Queryable } from './sql';

/** The alert rules whose alerts are route episodes (migration 0027). */
export const ROUTE_EPISODE_RULES = ['off_route', 'stop_passed', 'unapproved_dwell'] as const;
export type RouteEpisodeKind = (typeof ROUTE_EPISODE_RULES)[number];

/** One outside report of an off-route stretch: [longitude, latitude, device time ms, metres beyond the corridor]. */
export type StretchPoint = [number, number, number, number];

export interface StoredRouteEpisode {
  episodeId: string;
  kind: RouteEpisodeKind;
  vehicleId: string;
  plate?: string;
  routeId?: string;
  startedAtMs: number;
  endedAtMs?: number;
  countedAtMs?: number;
  maxOffsetM?: number;
  offRouteM?: number;
  stretch: StretchPoint[];
  details: Record<string, unknown>;
  revision: number;
  updatedAtMs: number;
}

interface EpisodeRow {
  episode_id: string;
  kind: RouteEpisodeKind;
  vehicle_id: string;
  plate: string | null;
  route_id: string | null;
  started_at: Date;
  ended_at: Date | null;
  counted_at: Date | null;
  max_offset_m: number | null;
  off_route_m: number | null;
  stretch: StretchPoint[];
  details: Record<string, unknown>;
  revision: number;
  updated_at: Date;
}

const episodeOf = (r: EpisodeRow): StoredRouteEpisode => ({
  episodeId: r.episode_id,
  kind: r.kind,
  vehicleId: r.vehicle_id,
  ...(r.plate !== null ? { plate: r.plate } : {}),
  ...(r.route_id !== null ? { routeId: r.route_id } : {}),
  startedAtMs: r.started_at.getTime(),
  ...(r.ended_at !== null ? { endedAtMs: r.ended_at.getTime() } : {}),
  ...(r.counted_at !== null ? { countedAtMs: r.counted_at.getTime() } : {}),
  ...(r.max_offset_m !== null ? { maxOffsetM: r.max_offset_m } : {}),
  ...(r.off_route_m !== null ? { offRouteM: r.off_route_m } : {}),
  stretch: r.stretch,
  details: r.details,
  revision: r.revision,
  updatedAtMs: r.updated_at.getTime(),
});

const isEpisodeRule = (rule: string): rule is RouteEpisodeKind => (ROUTE_EPISODE_RULES as readonly string[]).includes(rule);

const numberOr = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** An episode alert as its row: the stretch from its evidence positions and the per-report offsets in its details. */
const rowOf = (a: AlertV1): unknown[] => {
  const { offsetsM, ...details } = a.details as Record<string, unknown> & { offsetsM?: unknown };
  const offsets = Array.isArray(offsetsM) ? offsetsM : [];
  const stretch: StretchPoint[] = (a.evidence.positions ?? []).map((p, i) => [p.longitudeDeg, p.latitudeDeg, p.deviceTimeMs, numberOr(offsets[i]) ?? 0]);
  const offRouteKm = numberOr(details['offRouteKm']);
  return [
    a.alertId,
    a.rule,
    a.vehicleId,
    a.plate ?? null,
    typeof details['routeId'] === 'string' ? details['routeId'] : null,
    a.companyId ?? null,
    a.regionCode ?? null,
    a.startedAtMs,
    a.endedAtMs ?? null,
    a.limitPassedAtMs ?? null,
    numberOr(details['maxOffsetM']),
    offRouteKm === null ? null : offRouteKm * 1000,
    JSON.stringify(stretch),
    JSON.stringify(details),
    a.revision,
  ];
};

/**
 * `route_episodes` (migration 0027): the off-route episodes and 班线 stop findings as their
 * alerts say them, one row per alert — a higher revision rewrites it (the episode grew or
 * ended), an equal or lower one (a redelivery) changes nothing. The archiver writes them with
 * the alerts; the map and the API read them in scope (owner as `vehicleRecord`).
 */
export class RouteEpisodeRepository {
  constructor(private readonly pool: StoragePool | Queryable) {}

  /** Stores the route rules' alerts among `alerts` (others are ignored); returns the rows written. */
  async upsertFromAlerts(alerts: readonly AlertV1[]): Promise<number> {
    const newest = latestByKey(
      alerts.filter((a) => isEpisodeRule(a.rule)),
      (a) => a.alertId,
      (a, kept) => a.revision > kept.revision,
    );
    let written = 0;
    for (const a of newest) {
      // A route id the table does not hold (retired routes are kept, so: never stored) is kept in the details only.
      const { rowCount } = await this.pool.query(
        `INSERT INTO route_episodes (episode_id, kind, vehicle_id, plate, route_id, company_id, region_code, started_at, ended_at, counted_at,
           max_offset_m, off_route_m, stretch, details, revision)
         VALUES ($1, $2, $3, $4, (SELECT route_id FROM approved_routes WHERE route_id = $5), $6, $7, ${msToTs('$8::float8')},
           ${msToTs('$9::float8')}, ${msToTs('$10::float8')}, $11, $12, $13::jsonb, $14::jsonb, $15)
         ON CONFLICT (episode_id) DO UPDATE SET ended_at = EXCLUDED.ended_at, counted_at = EXCLUDED.counted_at,
           max_offset_m = EXCLUDED.max_offset_m, off_route_m = EXCLUDED.off_route_m, stretch = EXCLUDED.stretch, details = EXCLUDED.details,
           revision = EXCLUDED.revision, updated_at = now()
         WHERE route_episodes.revision < EXCLUDED.revision`,
        rowOf(a),
      );
      written += rowCount ?? 0;
    }
    return written;
  }

  /**
   * Episodes in scope, newest first: of one vehicle or route, meeting [fromMs, toMs) — begun
   * before `toMs` and not ended before `fromMs`; an open one lasts up to `nowMs` (the caller's
   * clock; default the database's).
   */
  async list(
    filter: {
      vehicleId?: string | undefined;
      routeId?: string | undefined;
      kind?: RouteEpisodeKind | undefined;
      fromMs?: number | undefined;
      toMs?: number | undefined;
      nowMs?: number | undefined;
      limit?: number;
    },
    scope: OwnerScope = {},
  ): Promise<StoredRouteEpisode[]> {
    const params: unknown[] = [];
    const where = [
      ownerScopeSql(scope, OWNER_OF.vehicleRecord(OWNER_OF.vehicle('v', 'vc'), { companyId: 'e.company_id', regionCode: 'e.region_code' }), params),
    ];
    if (filter.vehicleId !== undefined) where.push(`e.vehicle_id = $${params.push(filter.vehicleId)}`);
    if (filter.routeId !== undefined) where.push(`e.route_id = $${params.push(filter.routeId)}`);
    if (filter.kind !== undefined) where.push(`e.kind = $${params.push(filter.kind)}`);
    // Overlap: the episode's [start, end] meets [fromMs, toMs); an open one lasts up to now.
    if (filter.fromMs !== undefined) {
      const end = filter.nowMs === undefined ? 'now()' : msToTs(`$${params.push(filter.nowMs)}::float8`);
      where.push(`COALESCE(e.ended_at, ${end}) >= ${msToTs(`$${params.push(filter.fromMs)}::float8`)}`);
    }
    if (filter.toMs !== undefined) where.push(`e.started_at < ${msToTs(`$${params.push(filter.toMs)}::float8`)}`);
    const { rows } = await this.pool.query<EpisodeRow>(
      `SELECT e.* FROM route_episodes e
         LEFT JOIN vehicles v ON v.vehicle_id = e.vehicle_id LEFT JOIN companies vc ON vc.company_id = v.company_id
       WHERE ${where.join(' AND ')} ORDER BY e.started_at DESC, e.episode_id LIMIT $${params.push(filter.limit ?? 100)}`,
      params,
    );
    return rows.map(episodeOf);
  }
}
