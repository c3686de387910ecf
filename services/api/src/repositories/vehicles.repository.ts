import type { CompanyDto, LatestPositionDto, VehicleDto, VehicleListItem, VehicleStatus } from '@roadwatch/contracts';
import type { StoragePool } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact, num, str } from './rows';

export interface LatestPositionsPort {
  get(vehicleId: string): Promise<LatestLike | null>;
  all(): Promise<LatestLike[]>;
}

/** The part of a `positionV1` the API needs (the archiver's LatestPositionStore returns whole positions). */
export interface LatestLike {
  vehicleId: string;
  deviceTimeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
  headingDeg: number;
  accOn: boolean;
  plate?: string | undefined;
}

export interface VehicleListQuery {
  companyId?: string | undefined;
  vehicleClass?: string | undefined;
  plate?: string | undefined;
  limit: number;
  offset: number;
}

// Company and region come from the registry: the vehicle's own region, else its company's.
const OWNER = { companyId: 'v.company_id', regionCode: 'COALESCE(v.region_code, c.region_code)' };

const BASE = `
  SELECT v.vehicle_id, v.plate, v.plate_colour, v.vehicle_class, v.company_id, c.name AS company_name,
         COALESCE(v.region_code, c.region_code) AS region_code, v.axle_count
  FROM vehicles v LEFT JOIN companies c ON c.company_id = v.company_id`;

const LATEST_SQL = `
  SELECT p.vehicle_id, (extract(epoch FROM p.device_time) * 1000)::float8 AS t, p.latitude_deg, p.longitude_deg, p.speed_kmh, p.heading_deg, p.acc_on
  FROM unnest($1::text[]) AS ids(id)
  CROSS JOIN LATERAL (SELECT * FROM positions WHERE vehicle_id = ids.id ORDER BY device_time DESC LIMIT 1) p`;

export const statusOf = (latest: LatestPositionDto | null, nowMs: number, offlineAfterMs: number): VehicleStatus => {
  if (!latest) return 'unknown';
  if (nowMs - latest.deviceTimeMs > offlineAfterMs) return 'offline';
  return latest.speedKmh > 5 ? 'moving' : 'stopped';
};

/** Registry reads and writes for the API; every read takes the caller's Scope. */
export class VehiclesRepository {
  constructor(
    private readonly pool: StoragePool,
    private readonly latest: LatestPositionsPort | undefined,
    private readonly offlineAfterMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async list(scope: Scope, query: VehicleListQuery): Promise<VehicleListItem[]> {
    const params: unknown[] = [];
    const where = [scope.sql(OWNER, params)];
    if (query.companyId) where.push(`v.company_id = $${params.push(query.companyId)}`);
    if (query.vehicleClass) where.push(`v.vehicle_class = $${params.push(query.vehicleClass)}`);
    if (query.plate) where.push(`v.plate LIKE $${params.push(`%${query.plate.replace(/[%_\\]/g, '\\$&')}%`)}`);
    const sql = `${BASE} WHERE ${where.join(' AND ')} ORDER BY v.vehicle_id LIMIT $${params.push(query.limit)} OFFSET $${params.push(query.offset)}`;
    const { rows } = await this.pool.query(sql, params);
    return this.withLatest(rows);
  }

  /** The vehicle if it exists AND the scope admits it; otherwise undefined (callers answer 404 either way). */
  async get(scope: Scope, vehicleId: string): Promise<VehicleListItem | undefined> {
    const params: unknown[] = [vehicleId];
    const { rows } = await this.pool.query(`${BASE} WHERE v.vehicle_id = $1 AND ${scope.sql(OWNER, params)}`, params);
    return (await this.withLatest(rows))[0];
  }

  /** Every registered vehicle's owner, for the live feed's in-memory scoping. */
  async owners(): Promise<Array<{ vehicleId: string; companyId?: string; regionCode?: string; plate: string }>> {
    const { rows } = await this.pool.query(`${BASE}`);
    return rows.map((r) => compact({ vehicleId: r.vehicle_id, companyId: str(r.company_id), regionCode: str(r.region_code), plate: r.plate }));
  }

  async upsertVehicle(vehicle: VehicleDto): Promise<void> {
    await this.pool.query(
      `INSERT INTO vehicles (vehicle_id, plate, plate_colour, vehicle_class, company_id, region_code, axle_count)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (vehicle_id) DO UPDATE SET plate = EXCLUDED.plate, plate_colour = EXCLUDED.plate_colour, vehicle_class = EXCLUDED.vehicle_class,
         company_id = EXCLUDED.company_id, region_code = EXCLUDED.region_code, axle_count = EXCLUDED.axle_count, updated_at = now()`,
      [vehicle.vehicleId, vehicle.plate, vehicle.plateColour, vehicle.vehicleClass, vehicle.companyId, vehicle.regionCode ?? null, vehicle.axleCount ?? null],
    );
    if (vehicle.terminalId) {
      await this.pool.query(
        `INSERT INTO terminals (terminal_id, vehicle_id) VALUES ($1, $2)
         ON CONFLICT (terminal_id) DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id, updated_at = now()`,
        [vehicle.terminalId, vehicle.vehicleId],
      );
    }
  }

  async vehicleExists(vehicleId: string): Promise<boolean> {
    return (await this.pool.query(`SELECT 1 FROM vehicles WHERE vehicle_id = $1`, [vehicleId])).rowCount === 1;
  }

  async companyExists(companyId: string): Promise<boolean> {
    return (await this.pool.query(`SELECT 1 FROM companies WHERE company_id = $1`, [companyId])).rowCount === 1;
  }

  async listCompanies(scope: Scope): Promise<CompanyDto[]> {
    const params: unknown[] = [];
    const { rows } = await this.pool.query(
      `SELECT company_id, name, region_code, licence_no FROM companies c WHERE ${scope.sql({ companyId: 'c.company_id', regionCode: 'c.region_code' }, params)} ORDER BY company_id LIMIT 1000`,
      params,
    );
    return rows.map((r) => compact({ companyId: r.company_id, name: r.name, regionCode: r.region_code ?? '', licenceNo: str(r.licence_no) }));
  }

  async upsertCompany(company: CompanyDto): Promise<void> {
    await this.pool.query(
      `INSERT INTO companies (company_id, name, region_code, licence_no) VALUES ($1, $2, $3, $4)
       ON CONFLICT (company_id) DO UPDATE SET name = EXCLUDED.name, region_code = EXCLUDED.region_code, licence_no = EXCLUDED.licence_no, updated_at = now()`,
      [company.companyId, company.name, company.regionCode, company.licenceNo ?? null],
    );
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg rows
  private async withLatest(rows: any[]): Promise<VehicleListItem[]> {
    const ids = rows.map((r) => r.vehicle_id as string);
    const latest = new Map<string, LatestPositionDto>();
    if (ids.length > 0) {
      if (this.latest) {
        const found = await Promise.all(ids.map((id) => this.latest?.get(id)));
        for (const p of found) if (p) latest.set(p.vehicleId, { deviceTimeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh, headingDeg: p.headingDeg, accOn: p.accOn });
      } else {
        const { rows: found } = await this.pool.query(LATEST_SQL, [ids]);
        for (const p of found) {
          latest.set(p.vehicle_id, { deviceTimeMs: Math.round(Number(p.t)), latitudeDeg: p.latitude_deg, longitudeDeg: p.longitude_deg, speedKmh: Number(p.speed_kmh), headingDeg: Number(p.heading_deg), accOn: p.acc_on });
        }
      }
    }
    const nowMs = this.now();
    return rows.map((r) => {
      const position = latest.get(r.vehicle_id) ?? null;
      return compact({
        vehicleId: r.vehicle_id,
        plate: r.plate,
        plateColour: r.plate_colour,
        vehicleClass: r.vehicle_class,
        companyId: str(r.company_id),
        companyName: str(r.company_name),
        regionCode: str(r.region_code),
        axleCount: num(r.axle_count),
        status: statusOf(position, nowMs, this.offlineAfterMs),
        latest: position,
      }) as VehicleListItem;
    });
  }
}
