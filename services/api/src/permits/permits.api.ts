import type { AreaBanItem, AreaBanRequest, PermitAuditQuery, PermitAuditResponse } from '@roadwatch/contracts';
import { chinaLocalToEpochMs, DAY_MS } from '@roadwatch/domain';
import {
  areaBanIssue,
  assessOverload,
  DEFAULT_OVERLOAD_CONFIG,
  DEFAULT_RULES_CONFIG,
  permitAuditSheet,
  routeReportsOf,
  withStationAccuracyClasses,
  type ScoredAssessment,
} from '@roadwatch/rules';
import {
  AreaBanRepository,
  AuditRepository,
  inTransaction,
  PermitCheckRepository,
  PositionRepository,
  RegistryRepository,
  WimRepository,
  type StoragePool,
  type StoredAreaBan,
} from '@roadwatch/storage';
import type { Scope } from '../auth/scope';

/** Why a permits or area-ban request was refused: the controller answers 400, 403 or 404. */
export class PermitsRequestError extends Error {
  constructor(
    readonly kind: 'invalid' | 'forbidden' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

/** The longest period one audit sheet reads (its track can be ~8,600 reports a day). */
export const MAX_AUDIT_PERIOD_MS = 31 * DAY_MS;
/** The most weighings one audit sheet lists. */
const MAX_AUDIT_WEIGHINGS = 5_000;

const epochOfLocalDate = (date: string): number => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return chinaLocalToEpochMs(year, month, day);
};

const itemOf = (ban: StoredAreaBan): AreaBanItem => ban as AreaBanItem;

/**
 * The API's 大件 audit sheets and area bans (issue #16), built once by startApi: reads scoped
 * by the caller (another's permit or ban is not found, as an id that does not exist), writes
 * audited in the same transaction.
 */
/**
 * The ban the caller may change, if any. A ban of a region above the operator's binds its
 * vehicles and is read, but only that region changes it: 403 naming whose it is (a ban the
 * caller cannot read at all stays not found).
 */
const banToChange = async (bans: AreaBanRepository, banId: string, scope: Scope): Promise<StoredAreaBan | undefined> => {
  const writable = await bans.getInScope(banId, scope.filter, 'write');
  if (writable) return writable;
  const readable = await bans.getInScope(banId, scope.filter, 'read');
  if (readable)
    throw new PermitsRequestError(
      'forbidden',
      `area ban ${banId} belongs to region ${readable.regionCode ?? '(none)'}: it binds region ${scope.value}'s vehicles, and only its own region's operators change it`,
    );
  return undefined;
};

export class PermitsApi {
  constructor(private readonly pool: StoragePool) {}

  /** 倒查: the permit in scope against its vehicle's stored track and weighings over the period. */
  async audit(scope: Scope, routeId: string, query: PermitAuditQuery): Promise<PermitAuditResponse> {
    const permit = await new PermitCheckRepository(this.pool).permitInScope(routeId, scope.filter);
    if (!permit) throw new PermitsRequestError('not_found', `permit ${routeId} not found`);
    const vehicleId = query.vehicleId ?? permit.vehicleIds[0];
    if (vehicleId === undefined) throw new PermitsRequestError('invalid', `permit ${routeId} names no vehicle`);
    if (!permit.vehicleIds.includes(vehicleId)) throw new PermitsRequestError('invalid', `vehicle ${vehicleId} is not bound to permit ${routeId}`);
    const fromMs = query.fromMs ?? (permit.validFrom ? epochOfLocalDate(permit.validFrom) : undefined);
    const toMs = query.toMs ?? (permit.validTo ? epochOfLocalDate(permit.validTo) + DAY_MS : undefined);
    if (fromMs === undefined || toMs === undefined) throw new PermitsRequestError('invalid', 'the permit is open-ended: give fromMs and toMs');
    if (toMs <= fromMs) throw new PermitsRequestError('invalid', 'toMs must be after fromMs');
    if (toMs - fromMs > MAX_AUDIT_PERIOD_MS)
      throw new PermitsRequestError('invalid', `the period is at most ${MAX_AUDIT_PERIOD_MS / DAY_MS} days: give fromMs and toMs`);

    const registry = new RegistryRepository(this.pool);
    const vehicle = await registry.vehicle(vehicleId);
    const positions = await new PositionRepository(this.pool).reportsBetween(vehicleId, fromMs, toMs);
    const track = routeReportsOf(positions, DEFAULT_RULES_CONFIG.quality.driftSpeedKmh);
    const records = vehicle
      ? await new WimRepository(this.pool).find({ plate: vehicle.plate, plateColour: vehicle.plateColour, fromMs, toMs, limit: MAX_AUDIT_WEIGHINGS })
      : [];
    const stationClasses: Record<string, number> = {};
    for (const stationId of new Set(records.map((r) => r.stationId))) {
      const station = await registry.wimStation(stationId);
      if (station?.accuracyClassPct !== undefined) stationClasses[stationId] = station.accuracyClassPct;
    }
    const overloadConfig = withStationAccuracyClasses(DEFAULT_OVERLOAD_CONFIG, stationClasses);
    const weighings = records.map((record) => assessOverload(record, vehicle, overloadConfig)).filter((a): a is ScoredAssessment => a.outcome !== 'rejected');
    const sheet = permitAuditSheet({ permit, vehicleId, fromMs, toMs, track, weighings, motion: DEFAULT_RULES_CONFIG.motion });
    return {
      ...sheet,
      permit: {
        routeId: permit.routeId,
        name: permit.name,
        referenceNo: permit.referenceNo ?? null,
        ...(permit.companyId !== undefined ? { companyId: permit.companyId } : {}),
        ...(permit.regionCode !== undefined ? { regionCode: permit.regionCode } : {}),
        validFrom: permit.validFrom ?? null,
        validTo: permit.validTo ?? null,
        allowedHours: permit.allowedHours ? [...permit.allowedHours] : null,
        declared: permit.declared ?? null,
        vehicleIds: [...permit.vehicleIds],
      },
      ...(vehicle ? { plate: vehicle.plate } : {}),
    };
  }

  async listBans(scope: Scope, filter: { includeRetired: boolean; limit: number; offset: number }): Promise<AreaBanItem[]> {
    return (await new AreaBanRepository(this.pool).list(scope.filter, filter)).map(itemOf);
  }

  /**
   * Creates or replaces a ban: an operator only in its region (the ban's region under its
   * prefix; another region's existing ban is not found), the admin anywhere. The geometry and
   * windows are checked as the rules read them (`areaBanIssue`); audited with before and after.
   */
  async saveBan(scope: Scope, banId: string, request: AreaBanRequest, nowMs: number, clientAddress: string | undefined): Promise<AreaBanItem> {
    if (request.banId !== banId) throw new PermitsRequestError('invalid', `the body's banId ${request.banId} is not the path's ${banId}`);
    const issue = areaBanIssue(request);
    if (issue) throw new PermitsRequestError('invalid', issue);
    if (scope.kind === 'region' && !(request.regionCode ?? '').startsWith(scope.value))
      throw new PermitsRequestError('forbidden', `an operator administers bans of region ${scope.value} only: give a regionCode under it`);
    return inTransaction(this.pool, async (tx) => {
      const bans = new AreaBanRepository(tx);
      const before = await banToChange(bans, banId, scope);
      if (!before && (await bans.exists(banId))) throw new PermitsRequestError('not_found', `area ban ${banId} not found`);
      await bans.save(
        {
          banId,
          name: request.name,
          ...(request.regionCode !== undefined ? { regionCode: request.regionCode } : {}),
          ...(request.polygon !== undefined ? { polygon: request.polygon } : {}),
          vehicleClasses: request.vehicleClasses,
          windows: request.windows,
          ...(request.validFrom !== undefined ? { validFrom: request.validFrom } : {}),
          ...(request.validTo !== undefined ? { validTo: request.validTo } : {}),
          ...(request.roadClasses !== undefined ? { roadClasses: request.roadClasses } : {}),
        },
        scope.principal.username,
        nowMs,
      );
      const after = (await bans.getInScope(banId, {}))!;
      await new AuditRepository(tx).record(
        {
          actor: scope.principal.username,
          clientAddress,
          action: before ? 'area_ban.update' : 'area_ban.create',
          target: `area_ban/${banId}`,
          outcome: 'success',
          changes: { ban: { before: before ?? null, after } },
        },
        tx,
      );
      return itemOf(after);
    });
  }

  async retireBan(scope: Scope, banId: string, nowMs: number, clientAddress: string | undefined): Promise<AreaBanItem> {
    return inTransaction(this.pool, async (tx) => {
      const bans = new AreaBanRepository(tx);
      const before = await banToChange(bans, banId, scope);
      if (!before) throw new PermitsRequestError('not_found', `area ban ${banId} not found`);
      await bans.retire(banId, nowMs);
      const after = (await bans.getInScope(banId, {}))!;
      await new AuditRepository(tx).record(
        {
          actor: scope.principal.username,
          clientAddress,
          action: 'area_ban.retire',
          target: `area_ban/${banId}`,
          outcome: 'success',
          changes: { retiredAtMs: { before: before.retiredAtMs ?? null, after: after.retiredAtMs ?? null } },
        },
        tx,
      );
      return itemOf(after);
    });
  }
}
