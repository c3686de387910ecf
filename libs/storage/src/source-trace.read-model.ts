import { OWNER_OF, ownerScopeSql, type OwnerColumns, type OwnerScope } from './owner';
import type { StoragePool } from './pool';
import { msToTs } from './sql';
import { sourceTraceOf, type SourceTraceRecord, type SourceTraceRow } from './source-trace.repository';

/** One 货运源头单位 site's traced overload trips in a period (A proposals and confirmed traces). */
export interface SourceUnitRankRow {
  sourceSiteId: string;
  siteName: string;
  companyId?: string;
  companyName?: string;
  regionCode?: string;
  trips: number;
  gradeA: number;
  confirmed: number;
  lastWeighedAtMs: number;
}

/** A grade-C trace's stop: a possible unregistered loading point (§13). */
export interface PossibleLoadingPointRow {
  traceId: string;
  caseId?: string;
  plate: string;
  weighedAtMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  spanStartMs: number;
  spanEndMs: number;
  heldMs: number;
}

/** A site as the 货源地倒查 panel draws it: its polygon or circle. */
export interface TraceSitePlace {
  sourceSiteId: string;
  name: string;
  companyId?: string;
  companyName?: string;
  geofencePolygon?: Array<[number, number]>;
  geofenceRadiusM?: number;
  latitudeDeg?: number;
  longitudeDeg?: number;
}

/** A trace's owner: the traced vehicle's (`OWNER_OF.vehicle`), else the region the trace recorded. */
const TRACE_OWNER: OwnerColumns = OWNER_OF.vehicleRecord(OWNER_OF.vehicle('v', 'vc'), { companyId: 'NULL::text', regionCode: 't.region_code' });
const TRACE_VEHICLE_JOIN = 'LEFT JOIN vehicles v ON v.vehicle_id = t.vehicle_id LEFT JOIN companies vc ON vc.company_id = v.company_id';

/**
 * 源头倒查's reads for the API (RULES.md §13): the ranking of source units by traced overload
 * trips, the grade-C stops for the map, the sites a panel draws. Scoped like every resource.
 */
export class SourceTraceReadModel {
  constructor(private readonly pool: StoragePool) {}

  async ranking(scope: OwnerScope, q: { fromMs: number; toMs: number; limit: number }): Promise<SourceUnitRankRow[]> {
    const params: unknown[] = [q.fromMs, q.toMs, q.limit];
    const { rows } = await this.pool.query(
      `SELECT t.source_site_id, s.name AS site_name, s.company_id, c.name AS company_name, s.region_code,
              count(*) AS trips, count(*) FILTER (WHERE t.status = 'proposed') AS grade_a, count(*) FILTER (WHERE t.status = 'confirmed') AS confirmed,
              max(t.weighed_at) AS last_weighed_at
       FROM source_traces t
       JOIN source_sites s ON s.source_site_id = t.source_site_id
       LEFT JOIN companies c ON c.company_id = s.company_id
       ${TRACE_VEHICLE_JOIN}
       WHERE t.weighed_at >= ${msToTs('$1::float8')} AND t.weighed_at < ${msToTs('$2::float8')}
         AND (t.status = 'confirmed' OR (t.grade = 'A' AND t.status = 'proposed'))
         AND ${ownerScopeSql(scope, TRACE_OWNER, params)}
       GROUP BY t.source_site_id, s.name, s.company_id, c.name, s.region_code
       ORDER BY trips DESC, last_weighed_at DESC, t.source_site_id
       LIMIT $3`,
      params,
    );
    return rows.map((r) => {
      const row: SourceUnitRankRow = {
        sourceSiteId: r.source_site_id,
        siteName: r.site_name,
        trips: Number(r.trips),
        gradeA: Number(r.grade_a),
        confirmed: Number(r.confirmed),
        lastWeighedAtMs: (r.last_weighed_at as Date).getTime(),
      };
      if (r.company_id) row.companyId = r.company_id;
      if (r.company_name) row.companyName = r.company_name;
      if (r.region_code) row.regionCode = r.region_code;
      return row;
    });
  }

  async possibleLoadingPoints(scope: OwnerScope, q: { fromMs: number; toMs: number; limit: number }): Promise<PossibleLoadingPointRow[]> {
    const params: unknown[] = [q.fromMs, q.toMs, q.limit];
    const { rows } = await this.pool.query(
      `SELECT t.trace_id, t.case_id, t.plate, t.weighed_at,
              (p.stop->'reports'->0->>'latitudeDeg')::float8 AS latitude_deg, (p.stop->'reports'->0->>'longitudeDeg')::float8 AS longitude_deg,
              (p.stop->>'spanStartMs')::float8 AS span_start_ms, (p.stop->>'spanEndMs')::float8 AS span_end_ms, (p.stop->>'heldMs')::float8 AS held_ms
       FROM source_traces t
       ${TRACE_VEHICLE_JOIN}
       CROSS JOIN LATERAL jsonb_array_elements(coalesce(t.result->'possibleLoadingPoints', '[]'::jsonb)) AS p(stop)
       WHERE t.grade = 'C' AND t.weighed_at >= ${msToTs('$1::float8')} AND t.weighed_at < ${msToTs('$2::float8')}
         AND p.stop->'reports'->0 IS NOT NULL
         AND ${ownerScopeSql(scope, TRACE_OWNER, params)}
       ORDER BY t.weighed_at DESC, t.trace_id, span_start_ms
       LIMIT $3`,
      params,
    );
    return rows.map((r) => {
      const row: PossibleLoadingPointRow = {
        traceId: r.trace_id,
        plate: r.plate,
        weighedAtMs: (r.weighed_at as Date).getTime(),
        latitudeDeg: r.latitude_deg,
        longitudeDeg: r.longitude_deg,
        spanStartMs: r.span_start_ms,
        spanEndMs: r.span_end_ms,
        heldMs: r.held_ms,
      };
      if (r.case_id) row.caseId = r.case_id;
      return row;
    });
  }

  /** The case's trace of its violation (the one its source-unit party stands on). */
  async ofCase(caseId: string): Promise<SourceTraceRecord | undefined> {
    const { rows } = await this.pool.query<SourceTraceRow>(
      `SELECT * FROM source_traces WHERE case_id = $1 AND trigger_kind = 'violation' ORDER BY created_at, trace_id LIMIT 1`,
      [caseId],
    );
    return rows[0] ? sourceTraceOf(rows[0]) : undefined;
  }

  /** The sites a trace names (proposed, candidates), with their geofences. */
  async sites(siteIds: readonly string[]): Promise<TraceSitePlace[]> {
    if (siteIds.length === 0) return [];
    const { rows } = await this.pool.query(
      `SELECT s.source_site_id, s.name, s.company_id, c.name AS company_name, s.geofence_polygon, s.geofence_radius_m, s.latitude_deg, s.longitude_deg
       FROM source_sites s LEFT JOIN companies c ON c.company_id = s.company_id
       WHERE s.source_site_id = ANY($1::text[]) ORDER BY s.source_site_id`,
      [siteIds],
    );
    return rows.map((r) => {
      const site: TraceSitePlace = { sourceSiteId: r.source_site_id, name: r.name };
      if (r.company_id) site.companyId = r.company_id;
      if (r.company_name) site.companyName = r.company_name;
      if (Array.isArray(r.geofence_polygon)) site.geofencePolygon = r.geofence_polygon as Array<[number, number]>;
      if (r.geofence_radius_m !== null) site.geofenceRadiusM = Number(r.geofence_radius_m);
      if (r.latitude_deg !== null) site.latitudeDeg = Number(r.latitude_deg);
      if (r.longitude_deg !== null) site.longitudeDeg = Number(r.longitude_deg);
      return site;
    });
  }
}
