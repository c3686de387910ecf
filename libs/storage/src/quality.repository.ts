import { QUALITY_COUNTER_KEYS, type QualityCounterFields, type QualityCounterKey, type VehicleQualityDayV1 } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { chunked, latestByKey, msToTs, toColumns } from './sql';

/** Column type per counter: a counter added to the contract does not compile until it has one. */
const COUNTER_TYPES: Record<QualityCounterKey, 'int4' | 'float8'> = {
  received: 'int4',
  valid: 'int4',
  invalid: 'int4',
  drift: 'int4',
  duplicate: 'int4',
  late: 'int4',
  trackM: 'float8',
  completeTrackM: 'float8',
  incompleteGaps: 'int4',
  movedThroughGaps: 'int4',
};

/** trackM → track_m, completeTrackM → complete_track_m. */
const snake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const COUNTER_COLUMNS = QUALITY_COUNTER_KEYS.map(snake);
const COLUMNS = ['vehicle_id', 'day', ...COUNTER_COLUMNS, 'final', 'computed_at'];
const TYPES = ['text', 'text', ...QUALITY_COUNTER_KEYS.map((key) => COUNTER_TYPES[key]), 'bool', 'float8'];
const NAMES = COLUMNS.map((_, i) => `c${i}`);
const EXPR: Record<string, (n: string) => string> = { day: (n) => `${n}::date`, computed_at: msToTs };

/**
 * How far a day's counters have come: every report counted is in `received`, `duplicate` or
 * `late`, and they only grow within a day. The same order in SQL and in `advances`.
 */
const PROGRESS = (t: string): string => `(${t}.received, ${t}.duplicate + ${t}.late)`;
const progressOf = (d: QualityCounterFields): [number, number] => [d.received, d.duplicate + d.late];
const compare = (a: [number, number], b: [number, number]): number => a[0] - b[0] || a[1] - b[1];

/** Whether `next` may replace `stored`: never backwards, never a snapshot over the final counters. */
const advances = (next: VehicleQualityDayV1, stored: VehicleQualityDayV1): boolean => {
  if (stored.final && !next.final) return false;
  const order = compare(progressOf(next), progressOf(stored));
  return order > 0 || (order === 0 && next.final && !stored.final);
};

// A re-delivered or reordered message (a stale snapshot, a snapshot after the final) changes nothing.
const UPSERT_SQL = `INSERT INTO vehicle_quality_daily (${COLUMNS.join(', ')})
SELECT ${COLUMNS.map((c, i) => (EXPR[c] ? EXPR[c](NAMES[i] as string) : NAMES[i])).join(', ')}
FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${NAMES.join(', ')})
ON CONFLICT (vehicle_id, day) DO UPDATE SET ${[...COUNTER_COLUMNS, 'final', 'computed_at'].map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()
WHERE (EXCLUDED.final OR NOT vehicle_quality_daily.final)
  AND (${PROGRESS('EXCLUDED')} > ${PROGRESS('vehicle_quality_daily')}
       OR (${PROGRESS('EXCLUDED')} = ${PROGRESS('vehicle_quality_daily')} AND EXCLUDED.final AND NOT vehicle_quality_daily.final))`;

const rowOf = (d: VehicleQualityDayV1): unknown[] => [d.vehicleId, d.date, ...QUALITY_COUNTER_KEYS.map((key) => d[key]), d.final, d.computedAtMs];

export interface StoredQualityDay extends VehicleQualityDayV1 {
  updatedAtMs: number;
}

/**
 * `vehicle_quality_daily`: the detector's per-vehicle, per-local-day data-quality counters
 * (`quality.daily`), one row per vehicle and day, always the most advanced message seen.
 */
export class VehicleQualityRepository {
  constructor(private readonly pool: StoragePool) {}

  /**
   * Inserts new days and moves stored ones forward; idempotent, and a day never goes back
   * (a stale snapshot, or a snapshot after the final counters, is ignored). Returns the
   * rows inserted or changed.
   */
  async upsertMany(days: readonly VehicleQualityDayV1[]): Promise<number> {
    // The most advanced message per day.
    const newest = latestByKey(days, (d) => `${d.vehicleId}\u0000${d.date}`, advances);
    let changed = 0;
    for (const batch of chunked(newest, 2_000)) changed += (await this.pool.query(UPSERT_SQL, toColumns(batch, COLUMNS.length, rowOf))).rowCount ?? 0;
    return changed;
  }

  /** The stored days of these vehicles from fromDate to toDate inclusive (local dates, YYYY-MM-DD). */
  async forVehicles(vehicleIds: readonly string[], fromDate: string, toDate: string): Promise<StoredQualityDay[]> {
    const { rows } = await this.pool.query(
      `SELECT vehicle_id, to_char(day, 'YYYY-MM-DD') AS date, ${COUNTER_COLUMNS.join(', ')}, final, computed_at, updated_at
       FROM vehicle_quality_daily WHERE vehicle_id = ANY($1::text[]) AND day >= $2::date AND day <= $3::date
       ORDER BY vehicle_id, day`,
      [vehicleIds, fromDate, toDate],
    );
    return rows.map((r) => {
      const counters = Object.fromEntries(QUALITY_COUNTER_KEYS.map((key) => [key, Number(r[snake(key)])])) as QualityCounterFields;
      return {
        v: 1,
        vehicleId: r.vehicle_id,
        date: r.date,
        ...counters,
        final: r.final,
        computedAtMs: (r.computed_at as Date).getTime(),
        updatedAtMs: (r.updated_at as Date).getTime(),
      };
    });
  }
}
