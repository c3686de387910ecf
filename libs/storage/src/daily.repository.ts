import { chinaDateOf, chinaLocalToEpochMs, DAY_MS } from '@roadwatch/domain';
import type { StoragePool } from './pool';
import { msToTs } from './sql';

export interface VehicleDay {
  vehicleId: string;
  /** Local (Asia/Shanghai) calendar date, YYYY-MM-DD. */
  date: string;
  dayStartMs: number;
  reports: number;
  movingReports: number;
  maxSpeedKmh: number;
  avgSpeedKmh: number;
  /** Odometer max − min over the day; undefined when the terminal reports no mileage. */
  mileageKm?: number;
  firstReportMs: number;
  lastReportMs: number;
}

const midnightOf = (date: string): number => {
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) throw new Error(`storage: "${date}" is not YYYY-MM-DD`);
  return chinaLocalToEpochMs(y, m, d);
};

/**
 * Daily per-vehicle figures from `vehicle_daily` (a continuous aggregate on TimescaleDB,
 * a rollup table on plain PostgreSQL). Both are as fresh as the last runMaintenance()
 * (or the refresh policy, where a scheduler runs).
 */
export class VehicleDailyRepository {
  constructor(private readonly pool: StoragePool) {}

  /** Days from fromDate to toDate inclusive, local dates. */
  async forVehicle(vehicleId: string, fromDate: string, toDate: string): Promise<VehicleDay[]> {
    return this.query('vehicle_id = $1', [vehicleId], midnightOf(fromDate), midnightOf(toDate) + DAY_MS);
  }

  async forVehicles(vehicleIds: readonly string[], fromDate: string, toDate: string): Promise<VehicleDay[]> {
    return this.query('vehicle_id = ANY($1::text[])', [vehicleIds], midnightOf(fromDate), midnightOf(toDate) + DAY_MS);
  }

  private async query(filter: string, params: unknown[], fromMs: number, toMs: number): Promise<VehicleDay[]> {
    const { rows } = await this.pool.query(
      `SELECT vehicle_id, day, reports, moving_reports, max_speed_kmh, avg_speed_kmh, mileage_km, first_report_at, last_report_at
       FROM vehicle_daily WHERE ${filter} AND day >= ${msToTs('$2::float8')} AND day < ${msToTs('$3::float8')}
       ORDER BY vehicle_id, day`,
      [...params, fromMs, toMs],
    );
    return rows.map((r) => {
      const dayStartMs = (r.day as Date).getTime();
      const day: VehicleDay = {
        vehicleId: r.vehicle_id,
        date: chinaDateOf(dayStartMs),
        dayStartMs,
        reports: Number(r.reports),
        movingReports: Number(r.moving_reports),
        maxSpeedKmh: Number(r.max_speed_kmh),
        avgSpeedKmh: Number(r.avg_speed_kmh),
        firstReportMs: (r.first_report_at as Date).getTime(),
        lastReportMs: (r.last_report_at as Date).getTime(),
      };
      if (r.mileage_km !== null) day.mileageKm = Number(r.mileage_km);
      return day;
    });
  }
}
