import type { AlertItem, AlertRule, Severity } from '@roadwatch/contracts';
import type { StoragePool } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact, ms, num, str, TS } from './rows';

export interface AlertListQuery {
  rule?: AlertRule[] | undefined;
  severity?: Severity[] | undefined;
  companyId?: string | undefined;
  regionCode?: string | undefined;
  vehicleId?: string | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  acknowledged?: boolean | undefined;
  limit: number;
  offset: number;
}

// The registry is the authority on who owns a vehicle; the alert's own copy covers
// vehicles missing from it.
const OWNER = { companyId: 'COALESCE(v.company_id, a.company_id)', regionCode: 'COALESCE(v.region_code, c.region_code, a.region_code)' };

const SELECT = `
  SELECT DISTINCT ON (a.started_at, a.alert_id) a.*, COALESCE(v.company_id, a.company_id) AS owner_company, COALESCE(v.region_code, c.region_code, a.region_code) AS owner_region,
         k.acked_at, k.by_username, k.comment
  FROM alerts a
  LEFT JOIN vehicles v ON v.vehicle_id = a.vehicle_id
  LEFT JOIN companies c ON c.company_id = v.company_id
  LEFT JOIN LATERAL (SELECT acked_at, by_username, comment FROM alert_acks WHERE alert_id = a.alert_id ORDER BY acked_at DESC LIMIT 1) k ON TRUE`;

/** 百吨王 as the overload rule decided it (libs/rules' overload mapper puts it in the alert's details). */
export const isBaiDunWangAlert = (rule: string, details: unknown): boolean =>
  rule === 'overload' && typeof details === 'object' && details !== null && (details as Record<string, unknown>)['isBaiDunWang'] === true;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg row
export const alertItemOf = (r: any): AlertItem =>
  compact({
    alertId: r.alert_id,
    revision: Number(r.revision),
    vehicleId: r.vehicle_id,
    plate: str(r.plate),
    companyId: str(r.owner_company),
    regionCode: str(r.owner_region),
    rule: r.rule,
    level: r.level,
    severity: r.severity,
    startedAtMs: ms(r.started_at) as number,
    endedAtMs: ms(r.ended_at),
    raisedAtMs: ms(r.raised_at) as number,
    summary: r.summary,
    summaryEn: str(r.summary_en),
    isBaiDunWang: isBaiDunWangAlert(r.rule, r.details),
    points: num(r.points),
    fineYuan: num(r.fine_yuan),
    latitudeDeg: num(r.latitude_deg),
    longitudeDeg: num(r.longitude_deg),
    ack: r.acked_at ? { byUsername: r.by_username, atMs: ms(r.acked_at) as number, comment: r.comment } : null,
  }) as AlertItem;

export class AlertsRepository {
  constructor(private readonly pool: StoragePool) {}

  async list(scope: Scope, query: AlertListQuery): Promise<AlertItem[]> {
    const params: unknown[] = [];
    const where = [scope.sql(OWNER, params)];
    if (query.rule?.length) where.push(`a.rule = ANY($${params.push(query.rule)})`);
    if (query.severity?.length) where.push(`a.severity = ANY($${params.push(query.severity)})`);
    if (query.companyId) where.push(`${OWNER.companyId} = $${params.push(query.companyId)}`);
    if (query.regionCode) where.push(`${OWNER.regionCode} LIKE $${params.push(`${query.regionCode}%`)}`);
    if (query.vehicleId) where.push(`a.vehicle_id = $${params.push(query.vehicleId)}`);
    if (query.fromMs !== undefined) where.push(`a.started_at >= ${TS(`$${params.push(query.fromMs)}`)}`);
    if (query.toMs !== undefined) where.push(`a.started_at < ${TS(`$${params.push(query.toMs)}`)}`);
    if (query.acknowledged !== undefined) where.push(query.acknowledged ? 'k.acked_at IS NOT NULL' : 'k.acked_at IS NULL');
    const sql = `${SELECT} WHERE ${where.join(' AND ')} ORDER BY a.started_at DESC, a.alert_id, a.revision DESC
                 LIMIT $${params.push(query.limit)} OFFSET $${params.push(query.offset)}`;
    const { rows } = await this.pool.query(sql, params);
    return rows.map(alertItemOf);
  }

  /** Undefined when the alert does not exist or the scope does not admit it (404 either way). */
  async get(scope: Scope, alertId: string): Promise<AlertItem | undefined> {
    const params: unknown[] = [alertId];
    const { rows } = await this.pool.query(`${SELECT} WHERE a.alert_id = $1 AND ${scope.sql(OWNER, params)} ORDER BY a.started_at DESC, a.alert_id, a.revision DESC LIMIT 1`, params);
    return rows[0] ? alertItemOf(rows[0]) : undefined;
  }

  /** Records who acknowledged, when, and why; the alert must be visible in the scope. */
  async acknowledge(scope: Scope, alertId: string, comment: string, nowMs: number): Promise<AlertItem | undefined> {
    if (!(await this.get(scope, alertId))) return undefined;
    await this.pool.query(`INSERT INTO alert_acks (alert_id, acked_at, by_username, comment) VALUES ($1, ${TS('$2')}, $3, $4) ON CONFLICT DO NOTHING`, [
      alertId,
      nowMs,
      scope.principal.username,
      comment,
    ]);
    return this.get(scope, alertId);
  }
}
