import type { WimMeasurementV1 } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import { chunked, msToTs, preparedQuery } from './sql';

/**
 * The batch travels as ONE parameter, the JSON array of the messages themselves, expanded by
 * `json_to_recordset` under their own camelCase field names: no per-value array encoding in
 * JavaScript (the nested axle arrays included). Measured faster than 21 unnest arrays for this
 * table on both servers (loadtests/storage-insert.bench.ts, README).
 */
const INSERT_SQL = `INSERT INTO wim_measurements (measurement_id, measured_at, station_id, station_record_id, lane, direction, plate,
  plate_colour, vehicle_type, axle_count, axle_weights_kg, axle_spacings_mm, gross_kg, speed_kmh, height_m, width_m, length_m,
  image_refs, calibration_ref, accuracy_class_pct, received_at, record_kind, tare_kg, net_kg, loading_slip_no, entry_refused)
SELECT r."measurementId", ${msToTs('r."measuredAtMs"')}, r."stationId", r."stationRecordId", r."lane", r."direction", r."plate",
  r."plateColour", r."vehicleType", r."axleCount", r."axleWeightsKg", COALESCE(r."axleSpacingsMm", '{}'), r."grossKg", r."speedKmh",
  r."heightM", r."widthM", r."lengthM", COALESCE(r."imageRefs", '{}'), r."calibrationRef", r."accuracyClassPct",
  ${msToTs('r."receivedAtMs"')}, COALESCE(r."recordKind", 'wim'), r."tareKg", r."netKg", r."loadingSlipNo", r."entryRefused"
FROM json_to_recordset($1::json) AS r("measurementId" text, "measuredAtMs" float8, "stationId" text, "stationRecordId" text,
  "lane" int2, "direction" text, "plate" text, "plateColour" int2, "vehicleType" text, "axleCount" int2, "axleWeightsKg" float8[],
  "axleSpacingsMm" float8[], "grossKg" float8, "speedKmh" float8, "heightM" float8, "widthM" float8, "lengthM" float8,
  "imageRefs" text[], "calibrationRef" text, "accuracyClassPct" float8, "receivedAtMs" float8,
  "recordKind" text, "tareKg" float8, "netKg" float8, "loadingSlipNo" text, "entryRefused" boolean)
ON CONFLICT DO NOTHING`;

/** A `wim_measurements` row (NULL is an absent optional field). */
interface WimMeasurementRow {
  measurement_id: string;
  station_id: string;
  station_record_id: string;
  lane: number;
  direction: string;
  measured_at: Date;
  plate: string;
  plate_colour: number;
  vehicle_type: string | null;
  axle_count: number;
  axle_weights_kg: number[];
  axle_spacings_mm: number[];
  gross_kg: number;
  speed_kmh: number;
  height_m: number | null;
  width_m: number | null;
  length_m: number | null;
  image_refs: string[];
  calibration_ref: string | null;
  accuracy_class_pct: number | null;
  received_at: Date;
  record_kind: 'wim' | 'site_exit' | 'entrance';
  tare_kg: number | null;
  net_kg: number | null;
  loading_slip_no: string | null;
  entry_refused: boolean | null;
}

const measurementOf = (r: WimMeasurementRow): WimMeasurementV1 => {
  const m: WimMeasurementV1 = {
    v: 1,
    measurementId: r.measurement_id,
    stationId: r.station_id,
    stationRecordId: r.station_record_id,
    lane: r.lane,
    direction: r.direction,
    measuredAtMs: r.measured_at.getTime(),
    plate: r.plate,
    plateColour: r.plate_colour,
    axleCount: r.axle_count,
    axleWeightsKg: r.axle_weights_kg,
    axleSpacingsMm: r.axle_spacings_mm,
    grossKg: r.gross_kg,
    speedKmh: r.speed_kmh,
    imageRefs: r.image_refs,
    receivedAtMs: r.received_at.getTime(),
  };
  if (r.vehicle_type !== null) m.vehicleType = r.vehicle_type;
  if (r.height_m !== null) m.heightM = r.height_m;
  if (r.width_m !== null) m.widthM = r.width_m;
  if (r.length_m !== null) m.lengthM = r.length_m;
  if (r.calibration_ref !== null) m.calibrationRef = r.calibration_ref;
  if (r.accuracy_class_pct !== null) m.accuracyClassPct = r.accuracy_class_pct;
  // A WIM row reads back as it was published: without a record kind.
  if (r.record_kind !== 'wim') m.recordKind = r.record_kind;
  if (r.tare_kg !== null) m.tareKg = r.tare_kg;
  if (r.net_kg !== null) m.netKg = r.net_kg;
  if (r.loading_slip_no !== null) m.loadingSlipNo = r.loading_slip_no;
  if (r.entry_refused !== null) m.entryRefused = r.entry_refused;
  return m;
};

export interface WimQuery {
  plate?: string;
  plateColour?: number;
  stationId?: string;
  fromMs?: number;
  toMs?: number;
  /**
   * `OWNER_OF.weighing`: a company sees the weighings of its registered vehicles (plate +
   * colour); a region prefix matches the station's region, else the vehicle's (its own, else
   * its company's).
   */
  scope?: OwnerScope;
  limit?: number;
  offset?: number;
}

export class WimRepository {
  constructor(private readonly pool: StoragePool) {}

  /** Idempotent on measurement_id (+ measured_at): returns how many rows were new. */
  async insertMany(measurements: readonly WimMeasurementV1[]): Promise<number> {
    let inserted = 0;
    for (const batch of chunked(measurements, 2_000)) {
      inserted += (await this.pool.query(preparedQuery(this.pool, 'rw_wim_insert', INSERT_SQL, [JSON.stringify(batch)]))).rowCount ?? 0;
    }
    return inserted;
  }

  /** Newest first; every filter optional, pagination by limit/offset. */
  async find(query: WimQuery): Promise<WimMeasurementV1[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(query.scope, OWNER_OF.weighing('s', OWNER_OF.vehicle('v', 'c')), params)];
    if (query.plate !== undefined) where.push(`w.plate = $${params.push(query.plate)}`);
    if (query.plateColour !== undefined) where.push(`w.plate_colour = $${params.push(query.plateColour)}`);
    if (query.stationId !== undefined) where.push(`w.station_id = $${params.push(query.stationId)}`);
    if (query.fromMs !== undefined) where.push(`w.measured_at >= ${msToTs(`$${params.push(query.fromMs)}::float8`)}`);
    if (query.toMs !== undefined) where.push(`w.measured_at < ${msToTs(`$${params.push(query.toMs)}::float8`)}`);
    // The registry joins only matter to a scope; without one they are left out.
    const joins =
      query.scope?.companyId !== undefined || query.scope?.regionPrefix !== undefined
        ? `LEFT JOIN vehicles v ON v.plate = w.plate AND v.plate_colour = w.plate_colour
         LEFT JOIN companies c ON c.company_id = v.company_id
         LEFT JOIN wim_stations s ON s.station_id = w.station_id`
        : '';
    const { rows } = await this.pool.query<WimMeasurementRow>(
      `SELECT w.* FROM wim_measurements w ${joins}
       WHERE ${where.join(' AND ')}
       ORDER BY w.measured_at DESC, w.measurement_id LIMIT $${params.push(query.limit ?? 500)} OFFSET $${params.push(query.offset ?? 0)}`,
      params,
    );
    return rows.map(measurementOf);
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM wim_measurements');
    return Number(rows[0]?.n ?? 0);
  }
}
