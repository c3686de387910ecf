import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import { escapeLike, undef, type Queryable } from './sql';

/** One vehicle as the API's vehicle list shows it: the registry row with its company's name and the owner's region. */
export interface VehicleListRow {
  vehicleId: string;
  plate: string;
  plateColour: number;
  vehicleClass: string;
  companyId: string | undefined;
  companyName: string | undefined;
  /** The vehicle's own region, else its company's (`OWNER_OF.vehicle`). */
  regionCode: string | undefined;
  axleCount: number | undefined;
}

export interface VehicleListFilter {
  companyId?: string | undefined;
  vehicleClass?: string | undefined;
  /** A part of the plate, matched literally (LIKE wildcards in it are plain characters). */
  plate?: string | undefined;
  limit: number;
  offset: number;
}

export interface CompanyListRow {
  companyId: string;
  name: string;
  regionCode: string | undefined;
  licenceNo: string | undefined;
}

interface VehicleListDbRow {
  vehicle_id: string;
  plate: string;
  plate_colour: number;
  vehicle_class: string;
  company_id: string | null;
  company_name: string | null;
  region_code: string | null;
  axle_count: number | null;
}

interface CompanyListDbRow {
  company_id: string;
  name: string;
  region_code: string | null;
  licence_no: string | null;
}

// Company and region come from the registry: the vehicle's own region, else its company's.
const OWNER = OWNER_OF.vehicle('v', 'c');

const BASE = `
  SELECT v.vehicle_id, v.plate, v.plate_colour, v.vehicle_class, v.company_id, c.name AS company_name,
         ${OWNER.regionCode} AS region_code, v.axle_count
  FROM vehicles v LEFT JOIN companies c ON c.company_id = v.company_id`;

const vehicleOf = (r: VehicleListDbRow): VehicleListRow => ({
  vehicleId: r.vehicle_id,
  plate: r.plate,
  plateColour: r.plate_colour,
  vehicleClass: r.vehicle_class,
  companyId: undef(r.company_id),
  companyName: undef(r.company_name),
  regionCode: undef(r.region_code),
  axleCount: undef(r.axle_count),
});

/** The registry as the API's vehicle and company lists read it; every read but `owners` takes the caller's scope. */
export class VehicleListReadModel {
  constructor(private readonly db: Queryable) {}

  async list(scope: OwnerScope, filter: VehicleListFilter): Promise<VehicleListRow[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(scope, OWNER, params)];
    if (filter.companyId) where.push(`v.company_id = $${params.push(filter.companyId)}`);
    if (filter.vehicleClass) where.push(`v.vehicle_class = $${params.push(filter.vehicleClass)}`);
    if (filter.plate) where.push(`v.plate LIKE $${params.push(`%${escapeLike(filter.plate)}%`)}`);
    const sql = `${BASE} WHERE ${where.join(' AND ')} ORDER BY v.vehicle_id LIMIT $${params.push(filter.limit)} OFFSET $${params.push(filter.offset)}`;
    const { rows } = await this.db.query<VehicleListDbRow>(sql, params);
    return rows.map(vehicleOf);
  }

  /** The vehicle if it exists AND the scope admits it. */
  async get(scope: OwnerScope, vehicleId: string): Promise<VehicleListRow | undefined> {
    const params: unknown[] = [vehicleId];
    const { rows } = await this.db.query<VehicleListDbRow>(`${BASE} WHERE v.vehicle_id = $1 AND ${ownerScopeSql(scope, OWNER, params)}`, params);
    return rows[0] ? vehicleOf(rows[0]) : undefined;
  }

  /** Every registered vehicle with its owner, for the live feed's in-memory scoping. */
  async owners(): Promise<VehicleListRow[]> {
    const { rows } = await this.db.query<VehicleListDbRow>(BASE);
    return rows.map(vehicleOf);
  }

  /** The companies in scope, at most 1,000, by id. */
  async companies(scope: OwnerScope): Promise<CompanyListRow[]> {
    const params: unknown[] = [];
    const { rows } = await this.db.query<CompanyListDbRow>(
      `SELECT company_id, name, region_code, licence_no FROM companies c WHERE ${ownerScopeSql(scope, OWNER_OF.company('c'), params)} ORDER BY company_id LIMIT 1000`,
      params,
    );
    return rows.map((r) => ({ companyId: r.company_id, name: r.name, regionCode: undef(r.region_code), licenceNo: undef(r.licence_no) }));
  }

  /** Names of the registered drivers among these ids (an unknown id is left out). */
  async driverNames(driverIds: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.db.query<{ driver_id: string; name: string }>(`SELECT driver_id, name FROM drivers WHERE driver_id = ANY($1::text[])`, [
      driverIds,
    ]);
    return new Map(rows.map((d) => [d.driver_id, d.name]));
  }
}
