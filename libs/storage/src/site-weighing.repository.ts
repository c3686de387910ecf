import type { WimMeasurementV1 } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { msToTs } from './sql';

/**
 * What services/enforcement's site-weighings part reads and writes (RULES §13, §15): source
 * sites with their geofences and exit scales, the exit records of a plate, the traces an
 * entrance refusal or an over-limit exit record starts, the 未过磅出场 judgement of grade-A
 * violation traces. The targeting alerts they raise are `TargetingRepository`'s (one writer of the rows).
 */

/** An exit-scale record (`wim_measurements.record_kind = 'site_exit'`). */
export interface StoredExitRecord {
  recordId: string;
  stationId: string;
  plate: string;
  plateColour: number;
  measuredAtMs: number;
  grossKg: number;
  axleCount: number;
  accuracyClassPct?: number;
}

export type SiteTraceTrigger = 'entrance_refusal' | 'exit_over_limit';

export interface SiteTraceRecord {
  traceId: string;
  triggerKind: SiteTraceTrigger;
  measurementId: string;
  vehicleId: string;
  plate: string;
  plateColour: number;
  regionCode?: string;
  weighedAtMs: number;
  grade: 'A' | 'B' | 'C';
  sourceSiteId?: string;
  sourceCompanyId?: string;
  candidateSiteIds: string[];
  /** The rule's answer as it stands (an exit trace's 第71条 evidence grows as the track arrives). */
  result: unknown;
}

/** An over-limit exit trace still waiting for the truck to be seen leaving (or reweighed). */
export interface OpenExitTrace {
  traceId: string;
  measurementId: string;
  vehicleId: string;
  plate: string;
  plateColour: number;
  stationId: string;
  regionCode?: string;
  weighedAtMs: number;
}

/** A grade-A violation trace (written at case opening) to judge for 未过磅出场. */
export interface ViolationTraceToJudge {
  traceId: string;
  caseId?: string;
  vehicleId?: string;
  plate: string;
  plateColour: number;
  regionCode?: string;
  weighedAtMs: number;
  /** The station of the violation's weighing, when the weighing is stored. */
  stationId?: string;
  measurementId?: string;
}

const optional = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export class SiteWeighingRepository {
  constructor(private readonly pool: StoragePool) {}

  /** The region of a station (属地 of its alerts). */
  async stationRegion(stationId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ region_code: string | null }>('SELECT region_code FROM wim_stations WHERE station_id = $1', [stationId]);
    return optional(rows[0]?.region_code);
  }

  /** The plate's exit-scale records in [fromMs, toMs], oldest first. */
  async exitRecords(plate: string, plateColour: number, fromMs: number, toMs: number): Promise<StoredExitRecord[]> {
    const { rows } = await this.pool.query<{
      measurement_id: string;
      station_id: string;
      plate: string;
      plate_colour: number;
      measured_at: Date;
      gross_kg: number;
      axle_count: number;
      accuracy_class_pct: number | null;
    }>(
      `SELECT measurement_id, station_id, plate, plate_colour, measured_at, gross_kg, axle_count, accuracy_class_pct
       FROM wim_measurements
       WHERE record_kind = 'site_exit' AND plate = $1 AND plate_colour = $2
         AND measured_at >= ${msToTs('$3::float8')} AND measured_at <= ${msToTs('$4::float8')}
       ORDER BY measured_at`,
      [plate, plateColour, fromMs, toMs],
    );
    return rows.map((r) => ({
      recordId: r.measurement_id,
      stationId: r.station_id,
      plate: r.plate,
      plateColour: r.plate_colour,
      measuredAtMs: r.measured_at.getTime(),
      grossKg: r.gross_kg,
      axleCount: r.axle_count,
      ...(r.accuracy_class_pct !== null ? { accuracyClassPct: r.accuracy_class_pct } : {}),
    }));
  }

  /** Idempotent on trace_id: a redelivered weighing writes the same trace; a later judgement updates its result. */
  async saveTrace(trace: SiteTraceRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO source_traces (trace_id, trigger_kind, measurement_id, vehicle_id, plate, plate_colour, region_code, weighed_at, grade,
         source_site_id, source_company_id, candidate_site_ids, result)
       VALUES ($1, $2, $3, $4, $5, $6, $7, ${msToTs('$8::float8')}, $9, $10, $11, $12, $13)
       ON CONFLICT (trace_id) DO UPDATE SET result = EXCLUDED.result, grade = EXCLUDED.grade, updated_at = now()
       WHERE source_traces.trigger_kind = EXCLUDED.trigger_kind`,
      [
        trace.traceId,
        trace.triggerKind,
        trace.measurementId,
        trace.vehicleId,
        trace.plate,
        trace.plateColour,
        trace.regionCode ?? null,
        trace.weighedAtMs,
        trace.grade,
        trace.sourceSiteId ?? null,
        trace.sourceCompanyId ?? null,
        trace.candidateSiteIds,
        JSON.stringify(trace.result),
      ],
    );
  }

  /**
   * Over-limit exit traces weighed at or after `sinceMs` whose 第71条 judgement is still open:
   * no targeting alert yet and not reweighed within the limit.
   */
  async openExitTraces(sinceMs: number, limit = 500): Promise<OpenExitTrace[]> {
    const { rows } = await this.pool.query<{
      trace_id: string;
      measurement_id: string;
      vehicle_id: string;
      plate: string;
      plate_colour: number;
      region_code: string | null;
      weighed_at: Date;
      station_id: string;
    }>(
      `SELECT t.trace_id, t.measurement_id, t.vehicle_id, t.plate, t.plate_colour, t.region_code, t.weighed_at, split_part(t.measurement_id, '/', 1) AS station_id
       FROM source_traces t
       WHERE t.trigger_kind = 'exit_over_limit' AND t.weighed_at >= ${msToTs('$1::float8')}
         AND t.result->>'article71Outcome' = 'departure_not_seen'
         AND NOT EXISTS (SELECT 1 FROM targeting_alerts a WHERE a.targeting_id = 'exit_over_limit:' || t.measurement_id)
       ORDER BY t.weighed_at LIMIT $2`,
      [sinceMs, limit],
    );
    return rows.map((r) => ({
      traceId: r.trace_id,
      measurementId: r.measurement_id,
      vehicleId: r.vehicle_id,
      plate: r.plate,
      plateColour: r.plate_colour,
      stationId: r.station_id,
      regionCode: optional(r.region_code),
      weighedAtMs: r.weighed_at.getTime(),
    }));
  }

  /**
   * Grade-A violation traces to a site with an exit scale, not yet judged for 未过磅出场, of
   * weighings at or before `weighedUpToMs` (the exit records of their window have had time to arrive).
   */
  async violationTracesToJudge(weighedUpToMs: number, limit = 200): Promise<ViolationTraceToJudge[]> {
    const { rows } = await this.pool.query<{
      trace_id: string;
      case_id: string | null;
      vehicle_id: string | null;
      plate: string;
      plate_colour: number;
      region_code: string | null;
      weighed_at: Date;
      measurement_id: string | null;
      station_id: string | null;
    }>(
      `SELECT t.trace_id, t.case_id, t.vehicle_id, t.plate, t.plate_colour, t.region_code, t.weighed_at, t.measurement_id,
              (SELECT w.station_id FROM wim_measurements w WHERE w.measurement_id = t.measurement_id LIMIT 1) AS station_id
       FROM source_traces t JOIN source_sites s ON s.source_site_id = t.source_site_id
       WHERE t.trigger_kind = 'violation' AND t.grade = 'A' AND s.exit_station_id IS NOT NULL
         AND t.weighed_at <= ${msToTs('$1::float8')}
         AND NOT EXISTS (SELECT 1 FROM unweighed_exit_checks c WHERE c.trace_id = t.trace_id)
       ORDER BY t.weighed_at LIMIT $2`,
      [weighedUpToMs, limit],
    );
    return rows.map((r) => ({
      traceId: r.trace_id,
      caseId: optional(r.case_id),
      vehicleId: optional(r.vehicle_id),
      plate: r.plate,
      plateColour: r.plate_colour,
      regionCode: optional(r.region_code),
      weighedAtMs: r.weighed_at.getTime(),
      measurementId: optional(r.measurement_id),
      stationId: optional(r.station_id),
    }));
  }

  /** An entrance refusal held until `dueAtMs` (its settle delay); idempotent on the measurement. */
  async holdEntranceRefusal(record: WimMeasurementV1, dueAtMs: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO entrance_refusals_pending (measurement_id, due_at, record) VALUES ($1, ${msToTs('$2::float8')}, $3) ON CONFLICT (measurement_id) DO NOTHING`,
      [record.measurementId, dueAtMs, JSON.stringify(record)],
    );
  }

  /** The held entrance refusals due by `nowMs`, oldest first. */
  async dueEntranceRefusals(nowMs: number, limit = 200): Promise<WimMeasurementV1[]> {
    const { rows } = await this.pool.query<{ record: WimMeasurementV1 }>(
      `SELECT record FROM entrance_refusals_pending WHERE due_at <= ${msToTs('$1::float8')} ORDER BY due_at, measurement_id LIMIT $2`,
      [nowMs, limit],
    );
    return rows.map((r) => r.record);
  }

  async releaseEntranceRefusal(measurementId: string): Promise<void> {
    await this.pool.query('DELETE FROM entrance_refusals_pending WHERE measurement_id = $1', [measurementId]);
  }

  async markUnweighedExitJudged(traceId: string, checkedAtMs: number, unweighed: boolean): Promise<void> {
    await this.pool.query(
      `INSERT INTO unweighed_exit_checks (trace_id, checked_at, unweighed) VALUES ($1, ${msToTs('$2::float8')}, $3) ON CONFLICT (trace_id) DO NOTHING`,
      [traceId, checkedAtMs, unweighed],
    );
  }
}
