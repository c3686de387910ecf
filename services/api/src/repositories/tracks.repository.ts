import type { TrackResponse } from '@roadwatch/contracts';
import type { StoragePool } from '@roadwatch/storage';
import { TS } from './rows';

/**
 * Track playback. Up to `maxPoints` reports come back as they are; a longer range is cut
 * into equal time buckets and each bucket keeps its first real report (not an average:
 * an averaged point can sit off the road). Visibility is checked by the caller through
 * the scoped vehicle lookup before this runs.
 */
export class TracksRepository {
  constructor(private readonly pool: StoragePool) {}

  async track(vehicleId: string, fromMs: number, toMs: number, maxPoints: number): Promise<TrackResponse> {
    const range = `vehicle_id = $1 AND device_time >= ${TS('$2')} AND device_time < ${TS('$3')}`;
    const { rows: counted } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM positions WHERE ${range}`, [vehicleId, fromMs, toMs]);
    const total = Number(counted[0]?.n ?? 0);
    const columns = `(extract(epoch FROM device_time) * 1000)::float8 AS t, latitude_deg, longitude_deg, speed_kmh, heading_deg`;
    let bucketMs = 0;
    let rows;
    if (total <= maxPoints) {
      ({ rows } = await this.pool.query(`SELECT ${columns} FROM positions WHERE ${range} ORDER BY device_time`, [vehicleId, fromMs, toMs]));
    } else {
      bucketMs = Math.max(1_000, Math.ceil((toMs - fromMs) / maxPoints));
      // date_bin works on plain PostgreSQL (14+) and on TimescaleDB alike.
      ({ rows } = await this.pool.query(
        `SELECT ${columns} FROM (
           SELECT DISTINCT ON (date_bin(make_interval(secs => $4::float8 / 1000), device_time, ${TS('$2')})) *
           FROM positions WHERE ${range}
           ORDER BY date_bin(make_interval(secs => $4::float8 / 1000), device_time, ${TS('$2')}), device_time
         ) b ORDER BY device_time`,
        [vehicleId, fromMs, toMs, bucketMs],
      ));
    }
    return {
      vehicleId,
      fromMs,
      toMs,
      downsampled: bucketMs > 0,
      bucketMs,
      points: rows.map((r) => ({ tMs: Math.round(Number(r.t)), latitudeDeg: r.latitude_deg, longitudeDeg: r.longitude_deg, speedKmh: Number(r.speed_kmh), headingDeg: Number(r.heading_deg) })),
    };
  }
}
