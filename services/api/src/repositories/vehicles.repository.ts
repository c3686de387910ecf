import type { CompanyDto, LatestPositionDto, VehicleDto, VehicleListItem, VehicleStatus } from '@roadwatch/contracts';
import { chinaDateOf, DEFAULT_CLOCK_SKEW_MS, isAheadOfClock } from '@roadwatch/domain';
import {
  PositionRepository,
  RegistryRepository,
  VehicleDailyRepository,
  VehicleListReadModel,
  type CompanyRecord,
  type StoragePool,
  type VehicleListRow,
  type VehicleRecord,
} from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact } from './rows';

export interface LatestPositionsPort {
  get(vehicleId: string): Promise<LatestLike | null>;
  /** The entries of these vehicles that exist (one round trip). */
  getMany(vehicleIds: readonly string[]): Promise<LatestLike[]>;
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
  private readonly readModel: VehicleListReadModel;

  constructor(
    pool: StoragePool,
    private readonly latest: LatestPositionsPort | undefined,
    private readonly offlineAfterMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly clockSkewMs: number = DEFAULT_CLOCK_SKEW_MS,
  ) {
    this.positions = new PositionRepository(pool);
    this.registry = new RegistryRepository(pool);
    this.daily = new VehicleDailyRepository(pool);
    this.readModel = new VehicleListReadModel(pool);
  }

  async list(scope: Scope, query: VehicleListQuery): Promise<VehicleListItem[]> {
    return this.withLatest(await this.readModel.list(scope.filter, query));
  }

  /** The vehicle if it exists AND the scope admits it; otherwise undefined (callers answer 404 either way). */
  async get(scope: Scope, vehicleId: string): Promise<VehicleListItem | undefined> {
    const row = await this.readModel.get(scope.filter, vehicleId);
    return row ? (await this.withLatest([row]))[0] : undefined;
  }

  /** Every registered vehicle's owner, for the live feed's in-memory scoping. */
  async owners(): Promise<Array<{ vehicleId: string; companyId?: string; regionCode?: string; plate: string }>> {
    return (await this.readModel.owners()).map((r) => compact({ vehicleId: r.vehicleId, companyId: r.companyId, regionCode: r.regionCode, plate: r.plate }));
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
    return (await this.readModel.companies(scope.filter)).map((r) =>
      compact({ companyId: r.companyId, name: r.name, regionCode: r.regionCode ?? '', licenceNo: r.licenceNo }),
    );
  }

  async upsertCompany(company: CompanyDto): Promise<void> {
    const { licenceNo, ...edited } = company;
    const record: CompanyRecord = { ...(await this.registry.company(company.companyId)), ...edited };
    delete record.licenceNo;
    await this.registry.upsertCompany({ ...record, ...compact({ licenceNo }) });
  }

  private async withLatest(rows: VehicleListRow[]): Promise<VehicleListItem[]> {
    const ids = rows.map((r) => r.vehicleId);
    const latest = new Map<string, LatestPositionDto>();
    if (ids.length > 0) {
      // Redis (the archiver's latest-position hash, one HMGET for the page) when configured, else libs/storage's one probe per vehicle.
      const found: LatestLike[] = this.latest ? await this.latest.getMany(ids) : await this.positions.latest(ids);
      const clockMs = this.now();
      for (const p of found) {
        // An entry ahead of the clock (stored before the archiver left future-dated reports out) is no position.
        if (p && !isAheadOfClock(p.deviceTimeMs, clockMs, this.clockSkewMs))
          latest.set(
            p.vehicleId,
            compact({
              deviceTimeMs: p.deviceTimeMs,
              latitudeDeg: p.latitudeDeg,
              longitudeDeg: p.longitudeDeg,
              speedKmh: p.speedKmh,
              headingDeg: p.headingDeg,
              accOn: p.accOn,
              driverId: p.driverId,
            }),
          );
      }
    }
    const nowMs = this.now();
    const driverIds = [...new Set([...latest.values()].flatMap((p) => (p.driverId ? [p.driverId] : [])))];
    const driverNames = driverIds.length > 0 ? await this.readModel.driverNames(driverIds) : new Map<string, string>();
    // Today's row of the daily aggregate, one query for the page.
    const today = chinaDateOf(nowMs);
    const days = new Map(ids.length > 0 ? (await this.daily.forVehicles(ids, today, today)).map((d) => [d.vehicleId, d]) : []);
    return rows.map((r) => {
      const position = latest.get(r.vehicleId) ?? null;
      const day = days.get(r.vehicleId);
      const driverId = position?.driverId;
      return compact({
        vehicleId: r.vehicleId,
        plate: r.plate,
        plateColour: r.plateColour,
        vehicleClass: r.vehicleClass,
        companyId: r.companyId,
        companyName: r.companyName,
        regionCode: r.regionCode,
        axleCount: r.axleCount,
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
