import type { LatLon } from '@roadwatch/domain';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import type { StoragePool } from './pool';
import { msToTs, type Queryable } from './sql';

/** `approved_routes.kind` (migration 0026): 班线, 包车, the hazmat 电子运单's route, a 大件运输 permit. */
export type RouteKind = 'scheduled_line' | 'charter' | 'hazmat_waybill' | 'oversize_permit';
export const ROUTE_KINDS: readonly RouteKind[] = ['scheduled_line', 'charter', 'hazmat_waybill', 'oversize_permit'];

/** [longitude, latitude], WGS-84 — GeoJSON's order, as the rules' `RouteLonLat`. */
export type LonLat = [number, number];

/** A depot in the shape the corridor judgement takes (`RouteDepot` of libs/rules). */
export type StoredRouteDepot = { kind: 'circle'; centre: LatLon; radiusM: number } | { kind: 'polygon'; ring: LonLat[] };

/** A 班线 stop, in line order; `radiusM` absent = the rules' default (100 m). */
export interface RouteStop {
  name: string;
  lon: number;
  lat: number;
  radiusM?: number;
}

/** 大件 allowed hours, local `HH:MM`; `to` < `from` wraps midnight. */
export interface AllowedHours {
  from: string;
  to: string;
}

/** 大件 declared figures (each optional). */
export interface DeclaredFigures {
  grossKg?: number;
  axles?: number;
  lengthMm?: number;
  widthMm?: number;
  heightMm?: number;
}

/** An approved route as its administrator gives it. */
export interface RouteRecord {
  routeId: string;
  kind: RouteKind;
  name: string;
  /** 线路牌号 / 包车牌号 / 电子运单号 / 大件运输许可证号 */
  referenceNo?: string | undefined;
  companyId?: string | undefined;
  regionCode?: string | undefined;
  polyline: LonLat[];
  corridorWidthM: number;
  depots: StoredRouteDepot[];
  stops: RouteStop[];
  /** Local dates `YYYY-MM-DD`, inclusive; absent = open-ended. */
  validFrom?: string | undefined;
  validTo?: string | undefined;
  allowedHours?: AllowedHours[] | undefined;
  declared?: DeclaredFigures | undefined;
  /** manual | geojson | kml | waybill … */
  source: string;
  createdBy?: string | undefined;
}

export interface StoredRoute extends RouteRecord {
  vehicleIds: string[];
  createdAtMs: number;
  updatedAtMs: number;
  retiredAtMs?: number;
}

/** An operator-approved detour window [fromMs, toMs); vehicle absent = every vehicle bound to the route. */
export interface DetourRecord {
  detourId: string;
  routeId: string;
  vehicleId?: string | undefined;
  fromMs: number;
  toMs: number;
  polygon?: LonLat[] | undefined;
  comment: string;
  approvedBy: string;
}

export interface StoredDetour extends DetourRecord {
  createdAtMs: number;
}

/** What the detector (and the enforcement parts) judge a vehicle's reports against. */
export interface VehicleRoutes {
  vehicleId: string;
  routes: StoredRoute[];
  detours: StoredDetour[];
}

export interface RouteFilter {
  kind?: RouteKind | undefined;
  vehicleId?: string | undefined;
  /** Retired routes are listed only when asked. */
  includeRetired?: boolean | undefined;
  limit?: number;
  offset?: number;
}

/** A route's stored depots: `{ lon, lat, radiusM }` or `{ polygon }` (migration 0026). */
type DepotJson = { lon: number; lat: number; radiusM: number } | { polygon: LonLat[] };

/** A row of `approved_routes` as `ROUTE_COLUMNS` select it: read by `routeOf` alone (the permit checks too). */
export interface RouteRow {
  route_id: string;
  kind: RouteKind;
  name: string;
  reference_no: string | null;
  company_id: string | null;
  region_code: string | null;
  polyline: LonLat[];
  corridor_width_m: number;
  depots: DepotJson[];
  stops: RouteStop[];
  valid_from: string | null;
  valid_to: string | null;
  allowed_hours: AllowedHours[] | null;
  declared: DeclaredFigures | null;
  source: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  retired_at: Date | null;
  vehicle_ids: string[] | null;
}

interface DetourRow {
  detour_id: string;
  route_id: string;
  vehicle_id: string | null;
  from_at: Date;
  to_at: Date;
  polygon: LonLat[] | null;
  comment: string;
  approved_by: string;
  created_at: Date;
}

const depotOfJson = (d: DepotJson): StoredRouteDepot =>
  'polygon' in d ? { kind: 'polygon', ring: d.polygon } : { kind: 'circle', centre: { latitudeDeg: d.lat, longitudeDeg: d.lon }, radiusM: d.radiusM };

const jsonOfDepot = (d: StoredRouteDepot): DepotJson =>
  d.kind === 'polygon' ? { polygon: d.ring } : { lon: d.centre.longitudeDeg, lat: d.centre.latitudeDeg, radiusM: d.radiusM };

export const routeOf = (r: RouteRow): StoredRoute => ({
  routeId: r.route_id,
  kind: r.kind,
  name: r.name,
  ...(r.reference_no !== null ? { referenceNo: r.reference_no } : {}),
  ...(r.company_id !== null ? { companyId: r.company_id } : {}),
  ...(r.region_code !== null ? { regionCode: r.region_code } : {}),
  polyline: r.polyline,
  corridorWidthM: r.corridor_width_m,
  depots: r.depots.map(depotOfJson),
  stops: r.stops,
  ...(r.valid_from !== null ? { validFrom: r.valid_from } : {}),
  ...(r.valid_to !== null ? { validTo: r.valid_to } : {}),
  ...(r.allowed_hours !== null ? { allowedHours: r.allowed_hours } : {}),
  ...(r.declared !== null ? { declared: r.declared } : {}),
  source: r.source,
  ...(r.created_by !== null ? { createdBy: r.created_by } : {}),
  vehicleIds: r.vehicle_ids ?? [],
  createdAtMs: r.created_at.getTime(),
  updatedAtMs: r.updated_at.getTime(),
  ...(r.retired_at !== null ? { retiredAtMs: r.retired_at.getTime() } : {}),
});

const detourOf = (r: DetourRow): StoredDetour => ({
  detourId: r.detour_id,
  routeId: r.route_id,
  ...(r.vehicle_id !== null ? { vehicleId: r.vehicle_id } : {}),
  fromMs: r.from_at.getTime(),
  toMs: r.to_at.getTime(),
  ...(r.polygon !== null ? { polygon: r.polygon } : {}),
  comment: r.comment,
  approvedBy: r.approved_by,
  createdAtMs: r.created_at.getTime(),
});

/** Dates as `YYYY-MM-DD` text, whatever the pool's date parser does. */
export const ROUTE_COLUMNS = `r.route_id, r.kind, r.name, r.reference_no, r.company_id, r.region_code, r.polyline, r.corridor_width_m, r.depots, r.stops,
  to_char(r.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(r.valid_to, 'YYYY-MM-DD') AS valid_to, r.allowed_hours, r.declared, r.source,
  r.created_by, r.created_at, r.updated_at, r.retired_at,
  (SELECT array_agg(rv.vehicle_id ORDER BY rv.vehicle_id) FROM route_vehicles rv WHERE rv.route_id = r.route_id) AS vehicle_ids`;

export const ROUTE_FROM = 'approved_routes r LEFT JOIN companies rc ON rc.company_id = r.company_id';

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Approved routes (`approved_routes`, `route_vehicles`, `route_detours`; migration 0026): the
 * administration's writes (the API's use cases own them), scoped reads, and each vehicle's
 * active routes with their detours for the judges. A route is retired, never deleted: past
 * episodes keep naming it.
 */
export class RouteRepository {
  constructor(private readonly pool: StoragePool | Queryable) {}

  /** Creates or rewrites a route (its bound vehicles and detours are kept); a retired route stays retired. */
  async upsert(route: RouteRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO approved_routes (route_id, kind, name, reference_no, company_id, region_code, polyline, corridor_width_m, depots, stops,
         valid_from, valid_to, allowed_hours, declared, source, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $10::jsonb, $11::date, $12::date, $13::jsonb, $14::jsonb, $15, $16)
       ON CONFLICT (route_id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, reference_no = EXCLUDED.reference_no,
         company_id = EXCLUDED.company_id, region_code = EXCLUDED.region_code, polyline = EXCLUDED.polyline,
         corridor_width_m = EXCLUDED.corridor_width_m, depots = EXCLUDED.depots, stops = EXCLUDED.stops, valid_from = EXCLUDED.valid_from,
         valid_to = EXCLUDED.valid_to, allowed_hours = EXCLUDED.allowed_hours, declared = EXCLUDED.declared, source = EXCLUDED.source,
         updated_at = now()`,
      [
        route.routeId,
        route.kind,
        route.name,
        route.referenceNo ?? null,
        route.companyId ?? null,
        route.regionCode ?? null,
        JSON.stringify(route.polyline),
        route.corridorWidthM,
        JSON.stringify(route.depots.map(jsonOfDepot)),
        JSON.stringify(route.stops),
        route.validFrom ?? null,
        route.validTo ?? null,
        json(route.allowedHours),
        json(route.declared),
        route.source,
        route.createdBy ?? null,
      ],
    );
  }

  /** One route if the scope admits it (else undefined, as an id that does not exist); retired ones too. */
  /** Whether a company is registered (a route may only name one that is). */
  async companyExists(companyId: string): Promise<boolean> {
    return ((await this.pool.query('SELECT 1 FROM companies WHERE company_id = $1', [companyId])).rowCount ?? 0) > 0;
  }

  /** Of `vehicleIds`, those registered and inside `scope` (a route binds only vehicles its administrator sees). */
  async visibleVehicleIds(vehicleIds: readonly string[], scope: OwnerScope): Promise<Set<string>> {
    const params: unknown[] = [vehicleIds];
    const { rows } = await this.pool.query<{ vehicle_id: string }>(
      `SELECT v.vehicle_id FROM vehicles v LEFT JOIN companies vc ON vc.company_id = v.company_id
       WHERE v.vehicle_id = ANY($1::text[]) AND ${ownerScopeSql(scope, OWNER_OF.vehicle('v', 'vc'), params)}`,
      params,
    );
    return new Set(rows.map((r) => r.vehicle_id));
  }

  async get(routeId: string, scope: OwnerScope = {}): Promise<StoredRoute | undefined> {
    const params: unknown[] = [routeId];
    const { rows } = await this.pool.query<RouteRow>(
      `SELECT ${ROUTE_COLUMNS} FROM ${ROUTE_FROM} WHERE r.route_id = $1 AND ${ownerScopeSql(scope, OWNER_OF.route('r', 'rc'), params)}`,
      params,
    );
    return rows[0] ? routeOf(rows[0]) : undefined;
  }

  /** Routes in scope, by name. */
  async list(filter: RouteFilter, scope: OwnerScope = {}): Promise<StoredRoute[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(scope, OWNER_OF.route('r', 'rc'), params)];
    if (filter.kind !== undefined) where.push(`r.kind = $${params.push(filter.kind)}`);
    if (!filter.includeRetired) where.push('r.retired_at IS NULL');
    if (filter.vehicleId !== undefined)
      where.push(`EXISTS (SELECT 1 FROM route_vehicles fv WHERE fv.route_id = r.route_id AND fv.vehicle_id = $${params.push(filter.vehicleId)})`);
    const { rows } = await this.pool.query<RouteRow>(
      `SELECT ${ROUTE_COLUMNS} FROM ${ROUTE_FROM} WHERE ${where.join(' AND ')}
       ORDER BY r.name, r.route_id LIMIT $${params.push(filter.limit ?? 100)} OFFSET $${params.push(filter.offset ?? 0)}`,
      params,
    );
    return rows.map(routeOf);
  }

  /** Retires a route (kept as evidence, no longer judged). False when it does not exist or was retired already. */
  async retire(routeId: string, atMs: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE approved_routes SET retired_at = ${msToTs('$2::float8')}, updated_at = now() WHERE route_id = $1 AND retired_at IS NULL`,
      [routeId, atMs],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Replaces the vehicles bound to a route with exactly these, in one statement (the insert and
   * the delete touch disjoint rows): an unknown vehicle fails it whole, never half bound.
   */
  async bindVehicles(routeId: string, vehicleIds: readonly string[]): Promise<void> {
    await this.pool.query(
      `WITH added AS (INSERT INTO route_vehicles (route_id, vehicle_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING)
       DELETE FROM route_vehicles WHERE route_id = $1 AND NOT (vehicle_id = ANY($2::text[]))`,
      [routeId, [...vehicleIds]],
    );
  }

  /** Records an operator's detour approval. */
  async addDetour(detour: DetourRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO route_detours (detour_id, route_id, vehicle_id, from_at, to_at, polygon, comment, approved_by)
       VALUES ($1, $2, $3, ${msToTs('$4::float8')}, ${msToTs('$5::float8')}, $6::jsonb, $7, $8)`,
      [detour.detourId, detour.routeId, detour.vehicleId ?? null, detour.fromMs, detour.toMs, json(detour.polygon), detour.comment, detour.approvedBy],
    );
  }

  /** A route's detours, latest window first. */
  async detoursOf(routeId: string): Promise<StoredDetour[]> {
    const { rows } = await this.pool.query<DetourRow>('SELECT * FROM route_detours WHERE route_id = $1 ORDER BY from_at DESC, detour_id', [routeId]);
    return rows.map(detourOf);
  }

  /**
   * The routes bound to each vehicle that are not retired and whose validity has not ended
   * before `atMs`'s local date, with their detours whose window has not closed by `atMs` —
   * all vehicles, or the ones named. Dates are judged again per report (`judgeAgainstCorridors`).
   */
  async activeByVehicle(atMs: number, vehicleIds?: readonly string[]): Promise<Map<string, VehicleRoutes>> {
    const params: unknown[] = [atMs];
    const onlyVehicles = vehicleIds ? `AND rv.vehicle_id = ANY($${params.push([...vehicleIds])}::text[])` : '';
    const { rows } = await this.pool.query<RouteRow & { bound_vehicle_id: string }>(
      `SELECT rv.vehicle_id AS bound_vehicle_id, ${ROUTE_COLUMNS}
       FROM route_vehicles rv JOIN ${ROUTE_FROM} ON r.route_id = rv.route_id
       WHERE r.retired_at IS NULL AND (r.valid_to IS NULL OR r.valid_to >= (${msToTs('$1::float8')} AT TIME ZONE 'Asia/Shanghai')::date) ${onlyVehicles}
       ORDER BY rv.vehicle_id, r.route_id`,
      params,
    );
    const out = new Map<string, VehicleRoutes>();
    for (const row of rows) {
      const entry = out.get(row.bound_vehicle_id) ?? { vehicleId: row.bound_vehicle_id, routes: [], detours: [] };
      entry.routes.push(routeOf(row));
      out.set(row.bound_vehicle_id, entry);
    }
    if (out.size === 0) return out;
    const { rows: detours } = await this.pool.query<DetourRow>(
      `SELECT d.* FROM route_detours d WHERE d.route_id = ANY($1::text[]) AND d.to_at > ${msToTs('$2::float8')} ORDER BY d.from_at, d.detour_id`,
      [[...new Set(rows.map((r) => r.route_id))], atMs],
    );
    for (const entry of out.values()) {
      const routeIds = new Set(entry.routes.map((r) => r.routeId));
      entry.detours = detours.filter((d) => routeIds.has(d.route_id) && (d.vehicle_id === null || d.vehicle_id === entry.vehicleId)).map(detourOf);
    }
    return out;
  }

  /** One vehicle's active routes and detours (`activeByVehicle` for one). */
  async activeForVehicle(vehicleId: string, atMs: number): Promise<VehicleRoutes> {
    return (await this.activeByVehicle(atMs, [vehicleId])).get(vehicleId) ?? { vehicleId, routes: [], detours: [] };
  }
}
