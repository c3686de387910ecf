import type { StoragePool } from './pool';
import { escapeLike, msToTs, type Queryable } from './sql';
import type { OwnerScope } from './owner';

/** An administered area ban (migration 0026 `area_bans`) as the API reads and writes it. */
export interface StoredAreaBan {
  banId: string;
  name: string;
  regionCode?: string;
  /** Absent: region-wide — binds the vehicles registered in `regionCode` (migration 0034). */
  polygon?: Array<[number, number]>;
  vehicleClasses: string[];
  windows: Array<{ from: string; to: string; days?: number[] }>;
  validFrom?: string;
  validTo?: string;
  roadClasses?: string[];
  createdBy?: string;
  createdAtMs: number;
  updatedAtMs: number;
  retiredAtMs?: number;
}

export type AreaBanInput = Omit<StoredAreaBan, 'createdBy' | 'createdAtMs' | 'updatedAtMs' | 'retiredAtMs'>;

interface AreaBanRow {
  ban_id: string;
  name: string;
  region_code: string | null;
  polygon: Array<[number, number]> | null;
  vehicle_classes: string[];
  windows: StoredAreaBan['windows'];
  valid_from: string | null;
  valid_to: string | null;
  road_classes: string[] | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  retired_at: Date | null;
}

const banOf = (r: AreaBanRow): StoredAreaBan => ({
  banId: r.ban_id,
  name: r.name,
  ...(r.region_code !== null ? { regionCode: r.region_code } : {}),
  ...(r.polygon !== null ? { polygon: r.polygon } : {}),
  vehicleClasses: r.vehicle_classes,
  windows: r.windows,
  ...(r.valid_from !== null ? { validFrom: r.valid_from } : {}),
  ...(r.valid_to !== null ? { validTo: r.valid_to } : {}),
  ...(r.road_classes !== null ? { roadClasses: r.road_classes } : {}),
  ...(r.created_by !== null ? { createdBy: r.created_by } : {}),
  createdAtMs: r.created_at.getTime(),
  updatedAtMs: r.updated_at.getTime(),
  ...(r.retired_at !== null ? { retiredAtMs: r.retired_at.getTime() } : {}),
});

const COLUMNS = `b.ban_id, b.name, b.region_code, b.polygon, b.vehicle_classes, b.windows, to_char(b.valid_from, 'YYYY-MM-DD') AS valid_from,
  to_char(b.valid_to, 'YYYY-MM-DD') AS valid_to, b.road_classes, b.created_by, b.created_at, b.updated_at, b.retired_at`;

/**
 * Who sees a ban: a region scope the bans of its region (the ban's region code under the
 * prefix) and, to read, those of the regions above it, which bind its vehicles too (a city's
 * operator reads the province's ban; only the province's changes it); a company the bans that
 * bind it — of no region, or of a region its own lies in.
 */
const banScopeSql = (scope: OwnerScope, params: unknown[], access: 'read' | 'write'): string => {
  const where: string[] = [];
  if (scope.regionPrefix !== undefined) {
    const prefix = scope.regionPrefix;
    const own = `b.region_code LIKE $${params.push(`${escapeLike(prefix)}%`)}`;
    where.push(access === 'write' ? own : `(${own} OR $${params.push(prefix)}::text LIKE b.region_code || '%')`);
  }
  if (scope.companyId !== undefined)
    where.push(
      `(b.region_code IS NULL OR EXISTS (SELECT 1 FROM companies c WHERE c.company_id = $${params.push(scope.companyId)} AND c.region_code LIKE b.region_code || '%'))`,
    );
  return where.length ? where.join(' AND ') : 'TRUE';
};

/** The administered area bans (RULES.md §11; issue #16): read in scope, written by the API's use cases. */
export class AreaBanRepository {
  constructor(private readonly pool: StoragePool | Queryable) {}

  async list(scope: OwnerScope, filter: { includeRetired: boolean; limit: number; offset: number }): Promise<StoredAreaBan[]> {
    const params: unknown[] = [];
    const where = [banScopeSql(scope, params, 'read')];
    if (!filter.includeRetired) where.push('b.retired_at IS NULL');
    const { rows } = await this.pool.query<AreaBanRow>(
      `SELECT ${COLUMNS} FROM area_bans b WHERE ${where.join(' AND ')} ORDER BY b.created_at DESC, b.ban_id
       LIMIT $${params.push(filter.limit)} OFFSET $${params.push(filter.offset)}`,
      params,
    );
    return rows.map(banOf);
  }

  /** One ban if the scope may read it — or, `access: 'write'`, change it (else undefined, as an id that does not exist). */
  async getInScope(banId: string, scope: OwnerScope, access: 'read' | 'write' = 'read'): Promise<StoredAreaBan | undefined> {
    const params: unknown[] = [banId];
    const { rows } = await this.pool.query<AreaBanRow>(
      `SELECT ${COLUMNS} FROM area_bans b WHERE b.ban_id = $1 AND ${banScopeSql(scope, params, access)}`,
      params,
    );
    return rows[0] ? banOf(rows[0]) : undefined;
  }

  /** Whether a ban of that id exists at all (in any scope). */
  async exists(banId: string): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM area_bans WHERE ban_id = $1', [banId]);
    return rows.length > 0;
  }

  /** Creates or replaces a ban (a retired one comes back in force). */
  async save(ban: AreaBanInput, byUsername: string, nowMs: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO area_bans (ban_id, name, region_code, polygon, vehicle_classes, windows, valid_from, valid_to, road_classes, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ${msToTs('$11::float8')}, ${msToTs('$11::float8')})
       ON CONFLICT (ban_id) DO UPDATE SET name = EXCLUDED.name, region_code = EXCLUDED.region_code, polygon = EXCLUDED.polygon,
         vehicle_classes = EXCLUDED.vehicle_classes, windows = EXCLUDED.windows, valid_from = EXCLUDED.valid_from, valid_to = EXCLUDED.valid_to,
         road_classes = EXCLUDED.road_classes, updated_at = EXCLUDED.updated_at, retired_at = NULL`,
      [
        ban.banId,
        ban.name,
        ban.regionCode ?? null,
        ban.polygon ? JSON.stringify(ban.polygon) : null,
        ban.vehicleClasses,
        JSON.stringify(ban.windows),
        ban.validFrom ?? null,
        ban.validTo ?? null,
        ban.roadClasses ?? null,
        byUsername,
        nowMs,
      ],
    );
  }

  async retire(banId: string, nowMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE area_bans SET retired_at = COALESCE(retired_at, ${msToTs('$2::float8')}), updated_at = ${msToTs('$2::float8')} WHERE ban_id = $1`,
      [banId, nowMs],
    );
  }
}
