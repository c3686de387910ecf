import type { PositionV1 } from '@roadwatch/contracts';
import { positionOf, type PositionRow } from './position.repository';
import type { StoragePool } from './pool';
import { msToTs } from './sql';

/** A 货运源头单位 site as 源头倒查 reads it (RULES.md §13): its geofence, kind and exit scale. */
export interface TraceSiteRecord {
  sourceSiteId: string;
  name: string;
  companyId?: string;
  siteKind?: string;
  keySite: boolean;
  /** A ring of [lon, lat] (WGS-84), as migration 0021 stores it; absent → a circle. */
  geofencePolygon?: Array<[number, number]>;
  geofenceRadiusM?: number;
  latitudeDeg?: number;
  longitudeDeg?: number;
  /** The site's own exit scale: `source_sites.exit_station_id`, else a `site_exit` station naming the site. */
  exitStationId?: string;
}

/** A source site's exit-scale record (`wim_measurements.record_kind = 'site_exit'`). */
export interface SiteExitRecord {
  measurementId: string;
  stationId: string;
  plate: string;
  plateColour: number;
  measuredAtMs: number;
  grossKg: number;
  axleCount: number;
  accuracyClassPct?: number;
}

export type SourceTraceTrigger = 'violation' | 'entrance_refusal' | 'exit_over_limit';
export type SourceTraceStatus = 'proposed' | 'to_confirm' | 'confirmed' | 'rejected' | 'recorded';

/** One row of `source_traces`: the trace as the rule answered it (`result`) and the officer's decision. */
export interface SourceTraceRecord {
  traceId: string;
  triggerKind: SourceTraceTrigger;
  violationId?: string;
  caseId?: string;
  measurementId?: string;
  vehicleId?: string;
  plate: string;
  plateColour: number;
  regionCode?: string;
  weighedAtMs: number;
  grade: 'A' | 'B' | 'C';
  sourceSiteId?: string;
  sourceCompanyId?: string;
  candidateSiteIds: string[];
  unweighedExit: boolean;
  result: Record<string, unknown>;
  status: SourceTraceStatus;
  decidedBy?: string;
  decidedAtMs?: number;
  decisionComment?: string;
}

export interface SourceTraceRow {
  trace_id: string;
  trigger_kind: SourceTraceTrigger;
  violation_id: string | null;
  case_id: string | null;
  measurement_id: string | null;
  vehicle_id: string | null;
  plate: string;
  plate_colour: number;
  region_code: string | null;
  weighed_at: Date;
  grade: 'A' | 'B' | 'C';
  source_site_id: string | null;
  source_company_id: string | null;
  candidate_site_ids: string[];
  unweighed_exit: boolean;
  result: Record<string, unknown>;
  status: SourceTraceStatus;
  decided_by: string | null;
  decided_at: Date | null;
  decision_comment: string | null;
}

export const sourceTraceOf = (r: SourceTraceRow): SourceTraceRecord => {
  const t: SourceTraceRecord = {
    traceId: r.trace_id,
    triggerKind: r.trigger_kind,
    plate: r.plate,
    plateColour: r.plate_colour,
    weighedAtMs: r.weighed_at.getTime(),
    grade: r.grade,
    candidateSiteIds: r.candidate_site_ids,
    unweighedExit: r.unweighed_exit,
    result: r.result,
    status: r.status,
  };
  if (r.violation_id !== null) t.violationId = r.violation_id;
  if (r.case_id !== null) t.caseId = r.case_id;
  if (r.measurement_id !== null) t.measurementId = r.measurement_id;
  if (r.vehicle_id !== null) t.vehicleId = r.vehicle_id;
  if (r.region_code !== null) t.regionCode = r.region_code;
  if (r.source_site_id !== null) t.sourceSiteId = r.source_site_id;
  if (r.source_company_id !== null) t.sourceCompanyId = r.source_company_id;
  if (r.decided_by !== null) t.decidedBy = r.decided_by;
  if (r.decided_at !== null) t.decidedAtMs = r.decided_at.getTime();
  if (r.decision_comment !== null) t.decisionComment = r.decision_comment;
  return t;
};

const ring = (value: unknown): Array<[number, number]> | undefined =>
  Array.isArray(value)
    ? (value as unknown[]).filter((p): p is [number, number] => Array.isArray(p) && p.length >= 2).map((p) => [Number(p[0]), Number(p[1])])
    : undefined;

/**
 * 源头倒查's reads and its table (RULES.md §13): the vehicle's stored reports around a
 * weighing, the source sites with their geofences, the exit-scale records of a plate, the
 * 套牌 conflict of a measurement; `source_traces` is written by services/cases (its one
 * writer, inside the case opening's transaction).
 */
export class SourceTraceRepository {
  constructor(private readonly pool: StoragePool) {}

  /** The vehicle's stored reports with a device time in [fromMs, toMs], in time order. */
  async positions(vehicleId: string, fromMs: number, toMs: number): Promise<PositionV1[]> {
    const { rows } = await this.pool.query<PositionRow>(
      `SELECT * FROM positions WHERE vehicle_id = $1 AND device_time >= ${msToTs('$2::float8')} AND device_time <= ${msToTs('$3::float8')}
       ORDER BY device_time`,
      [vehicleId, fromMs, toMs],
    );
    return rows.map(positionOf);
  }

  /** Every registered source site with what a trace reads of it. */
  async sites(): Promise<TraceSiteRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT s.source_site_id, s.name, s.company_id, s.site_kind, s.key_site, s.geofence_polygon, s.geofence_radius_m,
              s.latitude_deg, s.longitude_deg,
              coalesce(s.exit_station_id,
                       (SELECT min(w.station_id) FROM wim_stations w WHERE w.source_site_id = s.source_site_id AND w.kind = 'site_exit')) AS exit_station_id
       FROM source_sites s ORDER BY s.source_site_id`,
    );
    return rows.map((r) => {
      const site: TraceSiteRecord = { sourceSiteId: r.source_site_id, name: r.name, keySite: r.key_site === true };
      const polygon = ring(r.geofence_polygon);
      if (r.company_id) site.companyId = r.company_id;
      if (r.site_kind) site.siteKind = r.site_kind;
      if (polygon) site.geofencePolygon = polygon;
      if (r.geofence_radius_m !== null) site.geofenceRadiusM = Number(r.geofence_radius_m);
      if (r.latitude_deg !== null) site.latitudeDeg = Number(r.latitude_deg);
      if (r.longitude_deg !== null) site.longitudeDeg = Number(r.longitude_deg);
      if (r.exit_station_id) site.exitStationId = r.exit_station_id;
      return site;
    });
  }

  /** Exit-scale records of a plate (trimmed, case-insensitive) measured in [fromMs, toMs]. */
  async exitRecords(plate: string, fromMs: number, toMs: number): Promise<SiteExitRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT measurement_id, station_id, plate, plate_colour, measured_at, gross_kg, axle_count, accuracy_class_pct
       FROM wim_measurements
       WHERE record_kind = 'site_exit' AND upper(btrim(plate)) = upper(btrim($1))
         AND measured_at >= ${msToTs('$2::float8')} AND measured_at <= ${msToTs('$3::float8')}
       ORDER BY measured_at`,
      [plate, fromMs, toMs],
    );
    return rows.map((r) => {
      const record: SiteExitRecord = {
        measurementId: r.measurement_id,
        stationId: r.station_id,
        plate: r.plate,
        plateColour: r.plate_colour,
        measuredAtMs: (r.measured_at as Date).getTime(),
        grossKg: r.gross_kg,
        axleCount: r.axle_count,
      };
      if (r.accuracy_class_pct !== null) record.accuracyClassPct = r.accuracy_class_pct;
      return record;
    });
  }

  /** Whether `targeting_alerts` holds a 套牌 conflict for the measurement (§15: not traced on the registered vehicle's track). */
  async clonedPlateConflict(measurementId: string): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM targeting_alerts WHERE kind = 'cloned_plate' AND measurement_id = $1 LIMIT 1`, [measurementId]);
    return rows.length > 0;
  }

  async get(traceId: string): Promise<SourceTraceRecord | undefined> {
    const { rows } = await this.pool.query<SourceTraceRow>('SELECT * FROM source_traces WHERE trace_id = $1', [traceId]);
    return rows[0] ? sourceTraceOf(rows[0]) : undefined;
  }

  async byCase(caseId: string): Promise<SourceTraceRecord[]> {
    const { rows } = await this.pool.query<SourceTraceRow>('SELECT * FROM source_traces WHERE case_id = $1 ORDER BY created_at, trace_id', [caseId]);
    return rows.map(sourceTraceOf);
  }

  /**
   * The officer's decision on a proposal (A) or a question (B): once — false when the trace
   * is not awaiting one any more (decided meanwhile, or grade C).
   */
  async decide(d: {
    traceId: string;
    status: 'confirmed' | 'rejected';
    sourceSiteId: string | null;
    sourceCompanyId: string | null;
    decidedBy: string;
    decidedAtMs: number;
    comment: string;
  }): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE source_traces SET status = $2, source_site_id = $3, source_company_id = $4, decided_by = $5,
         decided_at = ${msToTs('$6::float8')}, decision_comment = $7, updated_at = now()
       WHERE trace_id = $1 AND status IN ('proposed', 'to_confirm')`,
      [d.traceId, d.status, d.sourceSiteId, d.sourceCompanyId, d.decidedBy, d.decidedAtMs, d.comment],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Stores a trace once: a second insert of the same id changes nothing (a redelivery). */
  async insert(t: SourceTraceRecord): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO source_traces (trace_id, trigger_kind, violation_id, case_id, measurement_id, vehicle_id, plate, plate_colour, region_code,
         weighed_at, grade, source_site_id, source_company_id, candidate_site_ids, unweighed_exit, result, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, ${msToTs('$10::float8')}, $11, $12, $13, $14, $15, $16, $17)
       ON CONFLICT (trace_id) DO NOTHING`,
      [
        t.traceId,
        t.triggerKind,
        t.violationId ?? null,
        t.caseId ?? null,
        t.measurementId ?? null,
        t.vehicleId ?? null,
        t.plate,
        t.plateColour,
        t.regionCode ?? null,
        t.weighedAtMs,
        t.grade,
        t.sourceSiteId ?? null,
        t.sourceCompanyId ?? null,
        t.candidateSiteIds,
        t.unweighedExit,
        JSON.stringify(t.result),
        t.status,
      ],
    );
    return (rowCount ?? 0) > 0;
  }
}
