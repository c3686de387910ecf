import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PositionV1 } from '@roadwatch/contracts';
import { DEFAULT_CLOCK_SKEW_MS } from '@roadwatch/domain';
import { from as copyFrom } from 'pg-copy-streams';
import type { StoragePool } from './pool';
import { copyBinaryTypeOf, CopyValueRangeError, encodeCopyBinary, type CopyBinaryType } from './copy-binary';
import { chunked, inTransaction, msToTs, num, toColumns, undef } from './sql';

export type PositionInsertMethod = 'unnest' | 'copy' | 'copy-staged';

export interface PositionRepositoryOptions {
  /**
   * Bulk-insert path: 'copy' (the default on a real server: one binary COPY straight into
   * `positions`, and only when that meets a row the table already holds — a redelivery, a
   * repeated report — or a value its column cannot hold exactly, the staging path), 'copy-staged'
   * (always binary COPY into a staging table, then INSERT … ON CONFLICT), or 'unnest' (the only
   * one the embedded server takes, which refuses COPY). See loadtests/storage-insert.bench.ts
   * and the README.
   */
  insertMethod?: PositionInsertMethod;
  batchSize?: number;
  /**
   * A report dated more than this after its receipt is future-dated: stored, never a vehicle's
   * latest (`latest`, `latestSince`). Default DEFAULT_CLOCK_SKEW_MS (10 min).
   */
  clockSkewMs?: number;
}

export interface StoredTrackPoint {
  deviceTimeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
  headingDeg: number;
  accOn: boolean;
  alarmFlags: number;
  /** Set when downsampled: the bucket this point stands for (the point is its fastest report). */
  bucketStartMs?: number;
  bucketReports?: number;
  bucketMaxSpeedKmh?: number;
}

export interface TrackQuery {
  /** Explicit bucket width; 0 returns every report. */
  bucketMs?: number;
  /**
   * Without bucketMs: at most this many points. A range holding no more reports comes back
   * raw; a longer one is cut into buckets of ⌈range / maxPoints⌉ (whole seconds), so the
   * points cover the range evenly and never exceed maxPoints. Default 2,000.
   */
  maxPoints?: number;
}

export interface Track {
  vehicleId: string;
  bucketMs: number;
  points: StoredTrackPoint[];
}

const COLUMNS = [
  'vehicle_id',
  'device_time',
  'terminal_id',
  'plate',
  'plate_colour',
  'registered',
  'driver_id',
  'latitude_deg',
  'longitude_deg',
  'altitude_m',
  'speed_kmh',
  'heading_deg',
  'alarm_flags',
  'status_flags',
  'acc_on',
  'gnss_fixed',
  'mileage_km',
  'recorder_speed_kmh',
  'satellites',
  'source',
  'received_at',
  'signal_strength',
] as const;

/** Array types of the unnest parameters, in COLUMNS order; times travel as epoch ms. */
const PARAM_TYPES = [
  'text',
  'float8',
  'text',
  'text',
  'int2',
  'bool',
  'text',
  'float8',
  'float8',
  'float4',
  'float4',
  'float4',
  'int8',
  'int8',
  'bool',
  'bool',
  'float8',
  'float4',
  'int2',
  'text',
  'float8',
  'int2',
] as const;

const TIME_COLUMNS = new Set(['device_time', 'received_at']);

/** Not dated more than the clock skew ($3, ms) after its receipt: `isAheadOfClock` of libs/domain in SQL. */
const NOT_FUTURE_DATED = `device_time <= received_at + $3::float8 * INTERVAL '1 millisecond'`;

/** The SELECT list that turns staged/unnested epoch-ms columns into the table's types. */
const selectList = (names: readonly string[]): string =>
  COLUMNS.map((c, i) => (TIME_COLUMNS.has(c) ? msToTs(names[i] as string) : (names[i] as string))).join(', ');

const rowOf = (p: PositionV1): unknown[] => [
  p.vehicleId,
  p.deviceTimeMs,
  p.terminalId,
  p.plate ?? null,
  p.plateColour ?? null,
  p.registered,
  p.driverId ?? null,
  p.latitudeDeg,
  p.longitudeDeg,
  p.altitudeM,
  p.speedKmh,
  p.headingDeg,
  p.alarmFlags,
  p.statusFlags,
  p.accOn,
  p.gnssFixed,
  p.mileageKm ?? null,
  p.recorderSpeedKmh ?? null,
  p.satellites ?? null,
  p.source,
  p.receivedAtMs,
  p.signalStrength ?? null,
];

const UNNEST_NAMES = COLUMNS.map((_, i) => `c${i}`);
const UNNEST_SQL = `INSERT INTO positions (${COLUMNS.join(', ')})
SELECT ${selectList(UNNEST_NAMES)}
FROM unnest(${PARAM_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${UNNEST_NAMES.join(', ')})
ON CONFLICT DO NOTHING`;

const STAGE_NAMES = COLUMNS.map((c) => (TIME_COLUMNS.has(c) ? `${c}_ms` : c));
/** What the binary COPY writes: every number as float8, cast to its column's type by the INSERT (PostgreSQL refuses what a column cannot hold). */
const STAGE_TYPES = PARAM_TYPES.map(copyBinaryTypeOf);
/**
 * A session temp table (emptied at every commit): COPY cannot say ON CONFLICT, so the rows land
 * here and one INSERT … SELECT … ON CONFLICT DO NOTHING moves them, re-delivered and repeated
 * rows skipped like on the unnest path. Made if missing in every transaction (one statement,
 * its "already exists" notice silenced) rather than remembered per connection: a session that lost it (a pooler
 * handing out server sessions per transaction, a rolled-back first CREATE) would otherwise fail
 * with 42P01, which the archiver's failure policy reads as a data error and dead-letters.
 */
const STAGE_DDL = `SET LOCAL client_min_messages = warning; CREATE TEMP TABLE IF NOT EXISTS rw_positions_copy (${STAGE_NAMES.map((n, i) => `${n} ${STAGE_TYPES[i]}`).join(', ')}) ON COMMIT DELETE ROWS`;
const STAGE_COPY = `COPY rw_positions_copy (${STAGE_NAMES.join(', ')}) FROM STDIN (FORMAT binary)`;
const STAGE_INSERT = `INSERT INTO positions (${COLUMNS.join(', ')}) SELECT ${selectList(STAGE_NAMES)} FROM rw_positions_copy ON CONFLICT DO NOTHING`;

/**
 * The columns' own types, in COLUMNS order, for the COPY straight into `positions`: PostgreSQL
 * reads them as they are (no cast, no conversion of text to numbers), and COPY into a
 * partitioned table inserts them in multi-row batches — where INSERT … ON CONFLICT checks and
 * inserts row by row, and the staging table's rows are written and truncated once more.
 */
// The unnest parameters' types, with the times as the table holds them (not as epoch ms).
const TABLE_TYPES: readonly CopyBinaryType[] = PARAM_TYPES.map((type, i) => (TIME_COLUMNS.has(COLUMNS[i]!) ? 'timestamptz' : type));
const DIRECT_COPY = `COPY positions (${COLUMNS.join(', ')}) FROM STDIN (FORMAT binary)`;
const UNIQUE_VIOLATION = '23505';

export interface PositionRow {
  vehicle_id: string;
  device_time: Date;
  terminal_id: string;
  plate: string | null;
  plate_colour: number | null;
  registered: boolean;
  driver_id: string | null;
  latitude_deg: number;
  longitude_deg: number;
  altitude_m: number;
  speed_kmh: number;
  heading_deg: number;
  alarm_flags: string;
  status_flags: string;
  acc_on: boolean;
  gnss_fixed: boolean;
  mileage_km: number | null;
  recorder_speed_kmh: number | null;
  satellites: number | null;
  source: PositionV1['source'];
  received_at: Date;
  /** Migration 0029; null before it and when the terminal sent no 0x30. */
  signal_strength: number | null;
}

export const positionOf = (r: PositionRow): PositionV1 => {
  const p: PositionV1 = {
    v: 1,
    vehicleId: r.vehicle_id,
    terminalId: r.terminal_id,
    registered: r.registered,
    deviceTimeMs: r.device_time.getTime(),
    receivedAtMs: r.received_at.getTime(),
    latitudeDeg: r.latitude_deg,
    longitudeDeg: r.longitude_deg,
    altitudeM: r.altitude_m,
    speedKmh: r.speed_kmh,
    headingDeg: r.heading_deg,
    alarmFlags: Number(r.alarm_flags),
    statusFlags: Number(r.status_flags),
    accOn: r.acc_on,
    gnssFixed: r.gnss_fixed,
    source: r.source,
  };
  if (r.plate !== null) p.plate = r.plate;
  if (r.plate_colour !== null) p.plateColour = r.plate_colour;
  if (r.driver_id !== null) p.driverId = r.driver_id;
  if (r.mileage_km !== null) p.mileageKm = r.mileage_km;
  if (r.recorder_speed_kmh !== null) p.recorderSpeedKmh = r.recorder_speed_kmh;
  if (r.satellites !== null) p.satellites = r.satellites;
  if (r.signal_strength !== null && r.signal_strength !== undefined) p.signalStrength = r.signal_strength;
  return p;
};

export class PositionRepository {
  /** The bulk-insert path `insertMany` takes: 'copy' on a real server, 'unnest' on the embedded one (unless chosen). */
  readonly insertMethod: PositionInsertMethod;
  private readonly batchSize: number;
  private readonly clockSkewMs: number;

  constructor(
    private readonly pool: StoragePool,
    options: PositionRepositoryOptions = {},
  ) {
    this.clockSkewMs = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
    const embedded = pool.roadwatch?.embedded ?? false;
    this.insertMethod = options.insertMethod ?? (embedded ? 'unnest' : 'copy');
    if (embedded && this.insertMethod !== 'unnest') throw new Error('storage: the COPY path needs a real PostgreSQL server');
    this.batchSize = options.batchSize ?? 5_000;
  }

  /** Idempotent on (vehicle_id, device_time): returns how many rows were new. */
  async insertMany(positions: readonly PositionV1[], method: PositionInsertMethod = this.insertMethod): Promise<number> {
    if (positions.length === 0) return 0;
    let inserted = 0;
    for (const batch of chunked(positions, method === 'unnest' ? this.batchSize : this.batchSize * 4)) {
      inserted +=
        method === 'copy' ? await this.insertByDirectCopy(batch) : method === 'copy-staged' ? await this.insertByCopy(batch) : await this.insertByUnnest(batch);
    }
    return inserted;
  }

  /**
   * One binary COPY straight into `positions` (one statement, so atomic on its own). COPY cannot
   * skip a row the table holds: a redelivered or repeated report fails it whole with 23505, and
   * the batch then takes the staging path, which skips such rows — so a batch of new reports
   * (nearly all of them) costs the server a multi-row insert and one round trip, and a redelivery
   * still lands exactly once. A value its column cannot hold exactly also takes the staging path,
   * where PostgreSQL refuses it with the SQLSTATE the bus's failure policy reads as a data error.
   */
  private async insertByDirectCopy(batch: readonly PositionV1[]): Promise<number> {
    let stream: Buffer;
    try {
      stream = encodeCopyBinary(batch, TABLE_TYPES, rowOf);
    } catch (error) {
      if (error instanceof CopyValueRangeError) return this.insertByCopy(batch);
      throw error;
    }
    const client = await this.pool.connect();
    try {
      const copy = client.query(copyFrom(DIRECT_COPY));
      await pipeline(Readable.from([stream]), copy);
      return copy.rowCount ?? batch.length;
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    } finally {
      client.release();
    }
    return this.insertByCopy(batch);
  }

  private async insertByUnnest(batch: readonly PositionV1[]): Promise<number> {
    const result = await this.pool.query(UNNEST_SQL, toColumns(batch, COLUMNS.length, rowOf));
    return result.rowCount ?? 0;
  }

  /** Binary COPY into the session's staging table, then one INSERT … SELECT … ON CONFLICT DO NOTHING, in one transaction. */
  private async insertByCopy(batch: readonly PositionV1[]): Promise<number> {
    const stream = encodeCopyBinary(batch, STAGE_TYPES, rowOf);
    return inTransaction(this.pool, async (client) => {
      await client.query(STAGE_DDL);
      await pipeline(Readable.from([stream]), client.query(copyFrom(STAGE_COPY)));
      const result = await client.query(STAGE_INSERT);
      return result.rowCount ?? 0;
    });
  }

  async count(vehicleId?: string): Promise<number> {
    const { rows } = vehicleId
      ? await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM positions WHERE vehicle_id = $1', [vehicleId])
      : await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM positions');
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Reports of one vehicle in [fromMs, toMs), for playback. Long ranges are downsampled with
   * date_bin, and each bucket is represented by its FASTEST real report (earliest on a tie),
   * carrying the bucket's report count and first-report time. Why the fastest and not the
   * first: playback is where a speeding complaint is checked, and a first-report rule drops
   * a peak that falls mid-bucket — the track would show a vehicle that never sped. A real
   * report (not an average) also stays on the road.
   */
  async track(vehicleId: string, fromMs: number, toMs: number, query: TrackQuery = {}): Promise<Track> {
    const rangeMs = Math.max(0, toMs - fromMs);
    const maxPoints = Math.max(1, query.maxPoints ?? 2_000);
    const range = `vehicle_id = $1 AND device_time >= ${msToTs('$2::float8')} AND device_time < ${msToTs('$3::float8')}`;
    let bucketMs = query.bucketMs;
    if (bucketMs === undefined) {
      const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM positions WHERE ${range}`, [vehicleId, fromMs, toMs]);
      bucketMs = Number(rows[0]?.n ?? 0) > maxPoints ? Math.max(1, Math.ceil(rangeMs / maxPoints / 1000)) * 1000 : 0;
    }
    if (bucketMs <= 0) {
      const { rows } = await this.pool.query<TrackPointRow>(
        `SELECT device_time, latitude_deg, longitude_deg, speed_kmh, heading_deg, acc_on, alarm_flags
         FROM positions WHERE ${range} ORDER BY device_time`,
        [vehicleId, fromMs, toMs],
      );
      return { vehicleId, bucketMs: 0, points: rows.map(trackPointOf) };
    }
    const { rows } = await this.pool.query<TrackPointRow>(
      `SELECT * FROM (
         SELECT DISTINCT ON (bucket) bucket, device_time, latitude_deg, longitude_deg, speed_kmh, heading_deg, acc_on, alarm_flags,
                count(*) OVER w AS bucket_reports, max(speed_kmh) OVER w AS bucket_max_speed_kmh
         FROM (SELECT date_bin($4::float8 * INTERVAL '1 millisecond', device_time, ${msToTs('$2::float8')}) AS bucket, * FROM positions WHERE ${range}) s
         WINDOW w AS (PARTITION BY bucket)
         ORDER BY bucket, speed_kmh DESC, device_time) b
       ORDER BY bucket`,
      [vehicleId, fromMs, toMs, bucketMs],
    );
    return { vehicleId, bucketMs, points: rows.map(trackPointOf) };
  }

  /**
   * Every stored report of one vehicle with device time in [fromMs, toMs], in time order, as
   * received (nothing judged or thinned): the analyses that apply the rules' own acceptance
   * (套牌's accepted fixes) read the raw reports.
   */
  async reportsBetween(vehicleId: string, fromMs: number, toMs: number): Promise<PositionV1[]> {
    const { rows } = await this.pool.query<PositionRow>(
      `SELECT * FROM positions WHERE vehicle_id = $1 AND device_time BETWEEN ${msToTs('$2::float8')} AND ${msToTs('$3::float8')} ORDER BY device_time`,
      [vehicleId, fromMs, toMs],
    );
    return rows.map(positionOf);
  }

  /**
   * The latest report of each given vehicle (one index probe per vehicle, stepping over
   * future-dated rows: a terminal whose clock says 2099 is not frozen there).
   */
  async latest(vehicleIds: readonly string[], sinceMs?: number): Promise<PositionV1[]> {
    if (vehicleIds.length === 0) return [];
    const { rows } = await this.pool.query<PositionRow>(
      `SELECT p.* FROM unnest($1::text[]) AS v(id)
       CROSS JOIN LATERAL (
         SELECT * FROM positions
         WHERE vehicle_id = v.id AND ($2::float8 IS NULL OR device_time >= ${msToTs('$2::float8')}) AND ${NOT_FUTURE_DATED}
         ORDER BY device_time DESC LIMIT 1) p`,
      [vehicleIds, sinceMs ?? null, this.clockSkewMs],
    );
    return rows.map(positionOf);
  }

  /** The latest report of every vehicle heard since sinceMs (the live map's first paint), future-dated rows left out. */
  async latestSince(sinceMs: number): Promise<PositionV1[]> {
    const { rows } = await this.pool.query<PositionRow>(
      `SELECT DISTINCT ON (vehicle_id) * FROM positions WHERE device_time >= ${msToTs('$1::float8')} AND ${NOT_FUTURE_DATED.replace('$3', '$2')}
       ORDER BY vehicle_id, device_time DESC`,
      [sinceMs, this.clockSkewMs],
    );
    return rows.map(positionOf);
  }
}

/** A track's row; the bucket columns only when the track is thinned to one report per bucket. */
interface TrackPointRow {
  device_time: Date;
  latitude_deg: number;
  longitude_deg: number;
  speed_kmh: number;
  heading_deg: number;
  acc_on: boolean;
  /** bigint: pg answers text. */
  alarm_flags: string;
  bucket?: Date;
  /** count(*): bigint, text. */
  bucket_reports?: string;
  bucket_max_speed_kmh?: number | null;
}

const trackPointOf = (r: TrackPointRow): StoredTrackPoint => {
  const point: StoredTrackPoint = {
    deviceTimeMs: r.device_time.getTime(),
    latitudeDeg: r.latitude_deg,
    longitudeDeg: r.longitude_deg,
    speedKmh: r.speed_kmh,
    headingDeg: r.heading_deg,
    accOn: r.acc_on,
    alarmFlags: Number(r.alarm_flags),
  };
  if (r.bucket) {
    point.bucketStartMs = r.bucket.getTime();
    point.bucketReports = num(r.bucket_reports) ?? 0;
    point.bucketMaxSpeedKmh = undef(r.bucket_max_speed_kmh ?? null) ?? point.speedKmh;
  }
  return point;
};
