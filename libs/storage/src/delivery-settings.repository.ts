import type { AlertRule, Severity } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';

/**
 * A company's delivery settings (RULES.md §9 "Delivery"): its routes (channel, target, filters)
 * and the secret its webhook bodies are signed with. Written by the API's delivery use cases
 * only (the admin, or the company for its own); supervision's delivery part reads them through
 * `DeliveryRepository`. Every method takes the caller's scope: a company outside it does not
 * exist for the caller.
 */
export interface DeliveryRouteRecord {
  routeId: string;
  companyId: string;
  channel: 'webhook' | 'sms';
  target: string;
  rules: AlertRule[];
  minSeverity?: Severity;
  enabled: boolean;
  createdAtMs: number;
  createdBy: string;
  updatedAtMs: number;
  updatedBy: string;
}

export type DeliveryRouteInput = Pick<DeliveryRouteRecord, 'routeId' | 'companyId' | 'channel' | 'target' | 'rules' | 'minSeverity' | 'enabled'>;

/** What a company's settings show: never the secret itself, only whether there is one and since when. */
export interface DeliveryCompanySettings {
  companyId: string;
  registeredWebhookUrl?: string;
  secretRotatedAtMs?: number;
  secretRotatedBy?: string;
  routes: DeliveryRouteRecord[];
}

interface RouteRow {
  route_id: string;
  company_id: string;
  channel: 'webhook' | 'sms';
  target: string;
  rules: string[];
  min_severity: string | null;
  enabled: boolean;
  created_at: Date;
  created_by: string;
  updated_at: Date;
  updated_by: string;
}

export const deliveryRouteOf = (r: RouteRow): DeliveryRouteRecord => ({
  routeId: r.route_id,
  companyId: r.company_id,
  channel: r.channel,
  target: r.target,
  rules: r.rules as AlertRule[],
  ...(r.min_severity !== null ? { minSeverity: r.min_severity as Severity } : {}),
  enabled: r.enabled,
  createdAtMs: r.created_at.getTime(),
  createdBy: r.created_by,
  updatedAtMs: r.updated_at.getTime(),
  updatedBy: r.updated_by,
});

// A route, a secret: the company's own rows; their owner is the company (its region).
const OWNER = OWNER_OF.company('c');

export class DeliverySettingsRepository {
  constructor(private readonly pool: StoragePool) {}

  /** The company's settings when the scope admits the company; undefined when it does not exist for the caller. */
  async settings(companyId: string, scope: OwnerScope): Promise<DeliveryCompanySettings | undefined> {
    const params: unknown[] = [companyId];
    const { rows } = await this.pool.query<{ webhook_url: string | null; rotated_at: Date | null; rotated_by: string | null }>(
      `SELECT c.webhook_url, s.rotated_at, s.rotated_by FROM companies c LEFT JOIN delivery_secrets s ON s.company_id = c.company_id
       WHERE c.company_id = $1 AND ${ownerScopeSql(scope, OWNER, params)}`,
      params,
    );
    const row = rows[0];
    if (!row) return undefined;
    const routes = await this.pool.query<RouteRow>('SELECT * FROM delivery_routes WHERE company_id = $1 ORDER BY created_at, route_id', [companyId]);
    return {
      companyId,
      ...(row.webhook_url ? { registeredWebhookUrl: row.webhook_url } : {}),
      ...(row.rotated_at ? { secretRotatedAtMs: row.rotated_at.getTime(), secretRotatedBy: row.rotated_by ?? '' } : {}),
      routes: routes.rows.map(deliveryRouteOf),
    };
  }

  /** One route when the scope admits its company. */
  async route(routeId: string, scope: OwnerScope): Promise<DeliveryRouteRecord | undefined> {
    const params: unknown[] = [routeId];
    const { rows } = await this.pool.query<RouteRow>(
      `SELECT r.* FROM delivery_routes r JOIN companies c ON c.company_id = r.company_id WHERE r.route_id = $1 AND ${ownerScopeSql(scope, OWNER, params)}`,
      params,
    );
    return rows[0] ? deliveryRouteOf(rows[0]) : undefined;
  }

  /**
   * Creates or replaces a route (by id). Answers `conflict` when the company already has
   * another route on the same channel and target.
   */
  async saveRoute(route: DeliveryRouteInput, by: { username: string; atMs: number }): Promise<DeliveryRouteRecord | 'conflict'> {
    try {
      const { rows } = await this.pool.query<RouteRow>(
        `INSERT INTO delivery_routes (route_id, company_id, channel, target, rules, min_severity, enabled, created_at, created_by, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0), $9, to_timestamp($8 / 1000.0), $9)
         ON CONFLICT (route_id) DO UPDATE SET channel = EXCLUDED.channel, target = EXCLUDED.target, rules = EXCLUDED.rules,
           min_severity = EXCLUDED.min_severity, enabled = EXCLUDED.enabled, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
         WHERE delivery_routes.company_id = EXCLUDED.company_id
         RETURNING *`,
        [route.routeId, route.companyId, route.channel, route.target, route.rules, route.minSeverity ?? null, route.enabled, by.atMs, by.username],
      );
      if (!rows[0]) throw new Error(`storage: route ${route.routeId} belongs to another company`);
      return deliveryRouteOf(rows[0]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return 'conflict';
      throw error;
    }
  }

  async deleteRoute(routeId: string, companyId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM delivery_routes WHERE route_id = $1 AND company_id = $2', [routeId, companyId]);
    return (rowCount ?? 0) > 0;
  }

  /** Stores the company's new signing secret (the old one stops signing at once). */
  async rotateSecret(companyId: string, secret: string, by: { username: string; atMs: number }): Promise<void> {
    await this.pool.query(
      `INSERT INTO delivery_secrets (company_id, secret, rotated_at, rotated_by) VALUES ($1, $2, to_timestamp($3 / 1000.0), $4)
       ON CONFLICT (company_id) DO UPDATE SET secret = EXCLUDED.secret, rotated_at = EXCLUDED.rotated_at, rotated_by = EXCLUDED.rotated_by`,
      [companyId, secret, by.atMs, by.username],
    );
  }
}
