import type { WimMeasurementV1 } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { chunked, msToTs } from './sql';

const COLUMNS = [
  'measurement_id', 'measured_at', 'station_id', 'station_record_id', 'lane', 'direction', 'plate', 'plate_colour', 'vehicle_type',
  'axle_count', 'axle_weights_kg', 'axle_spacings_mm', 'gross_kg', 'speed_kmh', 'height_m', 'width_m', 'length_m', 'image_refs',
  'calibration_ref', 'accuracy_class_pct', 'received_at',
] as const;
// Nested arrays do not unnest row-wise, so the array columns travel as JSON text.
const TYPES = ['text', 'float8', 'text', 'text', 'int2', 'text', 'text', 'int2', 'text', 'int2', 'text', 'text', 'float8', 'float8',
  'float8', 'float8', 'float8', 'text', 'text', 'float8', 'float8'] as const;
const NAMES = COLUMNS.map((_, i) => `c${i}`);
const EXPR: Record<string, (n: string) => string> = {
  measured_at: msToTs,
  received_at: msToTs,
  axle_weights_kg: (n) => `ARRAY(SELECT jsonb_array_elements_text(${n}::jsonb)::float8)`,
  axle_spacings_mm: (n) => `ARRAY(SELECT jsonb_array_elements_text(${n}::jsonb)::float8)`,
  image_refs: (n) => `ARRAY(SELECT jsonb_array_elements_text(${n}::jsonb))`,
};
const INSERT_SQL = `INSERT INTO wim_measurements (${COLUMNS.join(', ')})
SELECT ${COLUMNS.map((c, i) => (EXPR[c] ? EXPR[c](NAMES[i] as string) : NAMES[i])).join(', ')}
FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${NAMES.join(', ')})
ON CONFLICT DO NOTHING`;

const rowOf = (m: WimMeasurementV1): unknown[] => [
  m.measurementId, m.measuredAtMs, m.stationId, m.stationRecordId, m.lane, m.direction, m.plate, m.plateColour, m.vehicleType ?? null,
  m.axleCount, JSON.stringify(m.axleWeightsKg), JSON.stringify(m.axleSpacingsMm ?? []), m.grossKg, m.speedKmh, m.heightM ?? null,
  m.widthM ?? null, m.lengthM ?? null, JSON.stringify(m.imageRefs ?? []), m.calibrationRef ?? null, m.accuracyClassPct ?? null,
  m.receivedAtMs,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg row
const measurementOf = (r: any): WimMeasurementV1 => {
  const m: WimMeasurementV1 = {
    v: 1, measurementId: r.measurement_id, stationId: r.station_id, stationRecordId: r.station_record_id, lane: r.lane,
    direction: r.direction, measuredAtMs: (r.measured_at as Date).getTime(), plate: r.plate, plateColour: r.plate_colour,
    axleCount: r.axle_count, axleWeightsKg: r.axle_weights_kg, axleSpacingsMm: r.axle_spacings_mm, grossKg: r.gross_kg,
    speedKmh: r.speed_kmh, imageRefs: r.image_refs, receivedAtMs: (r.received_at as Date).getTime(),
  };
  if (r.vehicle_type !== null) m.vehicleType = r.vehicle_type;
  if (r.height_m !== null) m.heightM = r.height_m;
  if (r.width_m !== null) m.widthM = r.width_m;
  if (r.length_m !== null) m.lengthM = r.length_m;
  if (r.calibration_ref !== null) m.calibrationRef = r.calibration_ref;
  if (r.accuracy_class_pct !== null) m.accuracyClassPct = r.accuracy_class_pct;
  return m;
};

export interface WimQuery {
  plate: string;
  plateColour?: number;
  fromMs: number;
  toMs: number;
  limit?: number;
}

export class WimRepository {
  constructor(private readonly pool: StoragePool) {}

  /** Idempotent on measurement_id (+ measured_at): returns how many rows were new. */
  async insertMany(measurements: readonly WimMeasurementV1[]): Promise<number> {
    let inserted = 0;
    for (const batch of chunked(measurements, 2_000)) {
      const columns: unknown[][] = COLUMNS.map(() => new Array(batch.length));
      batch.forEach((m, row) => rowOf(m).forEach((value, col) => ((columns[col] as unknown[])[row] = value)));
      inserted += (await this.pool.query(INSERT_SQL, columns)).rowCount ?? 0;
    }
    return inserted;
  }

  async byPlate(query: WimQuery): Promise<WimMeasurementV1[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM wim_measurements
       WHERE plate = $1 AND ($2::int2 IS NULL OR plate_colour = $2)
         AND measured_at >= ${msToTs('$3::float8')} AND measured_at < ${msToTs('$4::float8')}
       ORDER BY measured_at DESC LIMIT $5`,
      [query.plate, query.plateColour ?? null, query.fromMs, query.toMs, query.limit ?? 500],
    );
    return rows.map(measurementOf);
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM wim_measurements');
    return Number(rows[0]?.n ?? 0);
  }
}
