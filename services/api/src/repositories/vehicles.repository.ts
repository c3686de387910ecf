import type { CompanyDto, LatestPositionDto, VehicleDto, VehicleListItem, VehicleStatus } from '@roadwatch/contracts';
import { chinaDateOf, DEFAULT_CLOCK_SKEW_MS, isAheadOfClock } from '@roadwatch/domain';
import { OWNER_OF, PositionRepository, RegistryRepository, VehicleDailyRepository, type CompanyRecord, type StoragePool, type VehicleRecord } from '@roadwatch/storage';
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
  /** When the platform received it (absent from older entries). */
  receivedAtMs?: number | undefined;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
  headingDeg: number;
  accOn: boolean;
  plate?: string | undefined;
  /** 0x0702 IC-card driver reported with the fix. */
  driverId?: string | undefined;
}

export interface VehicleListQuery {
  companyId?: string | undefined;
  vehicleClass?: string | undefined;
  plate?: string | undefined;
  limit: number;
  offset: number;
}

// Company and region come from the registry: the vehicle's own region, else its company's.
const OWNER = OWNER_OF.vehicle('v', 'c');

const BASE = `
  SELECT v.vehicle_id, v.plate, v.plate_colour, v.vehicle_class, v.company_id, c.name AS company_name,
         ${OWNER.regionCode} AS region_code, v.axle_count
  FROM vehicles v LEFT JOIN companies c ON c.company_id = v.company_id`;

export const statusOf = (latest: LatestPositionDto | null, nowMs: number, offlineAfterMs: number): VehicleStatus => {
  if (!latest) return 'unknown';
  if (nowMs - latest.deviceTimeMs > offlineAfterMs) return 'offline';
  return latest.speedKmh > 5 ? 'moving' : 'stopped';
};

/** Registry reads and writes for the API; every read takes the caller's Scope. */
export class VehiclesRepository {
  private readonly positions: PositionRepository;
  private readonly registry: RegistryRepository;
  private readonly daily: VehicleDailyRepository;

  constructor(
    private readonly pool: StoragePool,
    private readonly latest: LatestPositionsPort | undefined,
    private readonly offlineAfterMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly clockSkewMs: number = DEFAULT_CLOCK_SKEW_MS,
  ) {
    this.positions = new PositionRepository(pool);
    this.registry = new RegistryRepository(pool);
    this.daily = new VehicleDailyRepository(pool);
  }

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

  /**
   * Through libs/storage's registry, which writes whole records: the fields the API does not
   * edit (speed caps, axle details, a terminal's auth code…) are read first and kept.
   */
  async upsertVehicle(vehicle: VehicleDto): Promise<void> {
    // The body is the whole record: a fact it leaves out is cleared.
    const { terminalId, ...record } = vehicle;
    await this.registry.upsertVehicle(compact(record) as VehicleRecord);
    if (terminalId) await this.registry.upsertTerminal({ ...(await this.registry.byTerminal(terminalId))?.terminal, terminalId, vehicleId: vehicle.vehicleId });
  }

  /** The registry record as the administrator wrote it, with the terminals bound to it. */
  async registryRecord(vehicleId: string): Promise<(VehicleDto & { terminalIds: string[] }) | undefined> {
    const record = await this.registry.vehicle(vehicleId);
    if (!record) return undefined;
    const terminals = await this.registry.terminals({ vehicleId }, { limit: 100, offset: 0 });
    return { ...(record as VehicleDto), terminalIds: terminals.map((t) => t.terminalId) };
  }

  /** Another vehicle already registered under this plate and colour (they are unique), if any. */
  async otherVehicleWithPlate(vehicle: { vehicleId: string; plate: string; plateColour: number }): Promise<string | undefined> {
    const holder = await this.registry.vehicleIdOfPlate(vehicle.plate, vehicle.plateColour);
    return holder !== undefined && holder !== vehicle.vehicleId ? holder : undefined;
  }

  async vehicleExists(vehicleId: string): Promise<boolean> {
    return (await this.registry.vehicle(vehicleId)) !== undefined;
  }

  async companyExists(companyId: string): Promise<boolean> {
    return (await this.registry.company(companyId)) !== undefined;
  }

  async listCompanies(scope: Scope): Promise<CompanyDto[]> {
    const params: unknown[] = [];
    const { rows } = await this.pool.query(
      `SELECT company_id, name, region_code, licence_no FROM companies c WHERE ${scope.sql(OWNER_OF.company('c'), params)} ORDER BY company_id LIMIT 1000`,
      params,
    );
    return rows.map((r) => compact({ companyId: r.company_id, name: r.name, regionCode: r.region_code ?? '', licenceNo: str(r.licence_no) }));
  }

  async upsertCompany(company: CompanyDto): Promise<void> {
    const { licenceNo, ...edited } = company;
    const record: CompanyRecord = { ...(await this.registry.company(company.companyId)), ...edited };
    delete record.licenceNo;
    await this.registry.upsertCompany({ ...record, ...compact({ licenceNo }) });
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg rows
  private async withLatest(rows: any[]): Promise<VehicleListItem[]> {
    const ids = rows.map((r) => r.vehicle_id as string);
    const latest = new Map<string, LatestPositionDto>();
    if (ids.length > 0) {
      // Redis (the archiver's latest-position hash) when configured, else libs/storage's one probe per vehicle.
      const found: (LatestLike | null | undefined)[] = this.latest ? await Promise.all(ids.map((id) => this.latest?.get(id))) : await this.positions.latest(ids);
      const clockMs = this.now();
      for (const p of found) {
        // An entry ahead of the clock (stored before the archiver left future-dated reports out) is no position.
        if (p && !isAheadOfClock(p.deviceTimeMs, clockMs, this.clockSkewMs)) latest.set(p.vehicleId, compact({ deviceTimeMs: p.deviceTimeMs, latitudeDeg: p.latitudeDeg, longitudeDeg: p.longitudeDeg, speedKmh: p.speedKmh, headingDeg: p.headingDeg, accOn: p.accOn, driverId: p.driverId }));
      }
    }
    const nowMs = this.now();
    const driverIds = [...new Set([...latest.values()].flatMap((p) => (p.driverId ? [p.driverId] : [])))];
    const driverNames = new Map<string, string>();
    if (driverIds.length > 0) {
      const { rows: drivers } = await this.pool.query(`SELECT driver_id, name FROM drivers WHERE driver_id = ANY($1::text[])`, [driverIds]);
      for (const d of drivers) driverNames.set(d.driver_id, d.name);
    }
    // Today's row of the daily aggregate, one query for the page.
    const today = chinaDateOf(nowMs);
    const days = new Map(ids.length > 0 ? (await this.daily.forVehicles(ids, today, today)).map((d) => [d.vehicleId, d]) : []);
    return rows.map((r) => {
      const position = latest.get(r.vehicle_id) ?? null;
      const day = days.get(r.vehicle_id);
      const driverId = position?.driverId;
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
        driver: driverId ? compact({ driverId, name: driverNames.get(driverId) }) : undefined,
        today: day
          ? compact({
              date: day.date,
              drivingHoursEstimate: (((day.lastReportMs - day.firstReportMs) / 3_600_000) * day.movingReports) / Math.max(day.reports, 1),
              mileageKm: day.mileageKm,
              reports: day.reports,
              throughMs: day.lastReportMs,
            })
          : undefined,
      }) as VehicleListItem;
    });
  }
}
