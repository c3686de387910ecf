import type { AuditAction, AuditItem, AuditListQuery } from '@roadwatch/contracts';
import { msToTs, type Queryable } from './sql';

/** Who acts and from where, for every audited write. */
export interface AuditContext {
  actor: string;
  clientAddress?: string | undefined;
}

export interface AuditEntry extends AuditContext {
  action: AuditAction;
  target?: string | undefined;
  outcome: 'success' | 'failure';
  reason?: string | undefined;
  /** Changed fields, before and after; never a password or a hash. */
  changes?: Record<string, { before?: unknown; after?: unknown }> | undefined;
}

interface AuditRow {
  audit_id: string;
  at: Date;
  actor: string;
  action: AuditAction;
  target: string | null;
  outcome: 'success' | 'failure';
  reason: string | null;
  client_address: string | null;
  changes: AuditItem['changes'] | null;
}

const itemOf = (row: AuditRow): AuditItem => {
  const item: AuditItem = { auditId: row.audit_id, atMs: row.at.getTime(), actor: row.actor, action: row.action, outcome: row.outcome };
  if (row.target !== null) item.target = row.target;
  if (row.reason !== null) item.reason = row.reason;
  if (row.client_address !== null) item.clientAddress = row.client_address;
  if (row.changes !== null) item.changes = row.changes;
  return item;
};

/** How long audit rows are kept at least: migration 0014's trigger refuses deleting younger ones. */
export const AUDIT_RETENTION_YEARS = 3;

/** The most rows one CSV export carries; narrow the filters for more. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;

/** The audit log (table `audit_log`, append-only: a trigger refuses UPDATE, TRUNCATE and DELETE within the retention). */
export class AuditRepository {
  constructor(private readonly pool: Queryable) {}

  /** Appends one entry; `db` is the transaction of the change it records, when there is one. */
  async record(entry: AuditEntry, db: Queryable = this.pool): Promise<void> {
    await db.query(`INSERT INTO audit_log (actor, action, target, outcome, reason, client_address, changes) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      entry.actor,
      entry.action,
      entry.target ?? null,
      entry.outcome,
      entry.reason ?? null,
      entry.clientAddress ?? null,
      entry.changes ? JSON.stringify(entry.changes) : null,
    ]);
  }

  /** Newest first, paged. */
  async list(query: AuditListQuery): Promise<AuditItem[]> {
    const params: unknown[] = [];
    const where = this.where(query, params);
    params.push(query.limit, query.offset);
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM audit_log WHERE ${where} ORDER BY at DESC, audit_id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map(itemOf);
  }

  /** Every match, oldest first, at most AUDIT_EXPORT_MAX_ROWS + 1 (so the caller can tell it was cut). */
  async export(query: Omit<AuditListQuery, 'limit' | 'offset'>): Promise<AuditItem[]> {
    const params: unknown[] = [];
    const where = this.where(query, params);
    params.push(AUDIT_EXPORT_MAX_ROWS + 1);
    const { rows } = await this.pool.query<AuditRow>(`SELECT * FROM audit_log WHERE ${where} ORDER BY at, audit_id LIMIT $${params.length}`, params);
    return rows.map(itemOf);
  }

  private where(query: Omit<AuditListQuery, 'limit' | 'offset'>, params: unknown[]): string {
    const conditions = ['TRUE'];
    const add = (sql: (p: string) => string, value: unknown): void => {
      params.push(value);
      conditions.push(sql(`$${params.length}`));
    };
    if (query.actor !== undefined) add((p) => `actor = ${p}`, query.actor);
    if (query.action !== undefined) add((p) => `action = ${p}`, query.action);
    if (query.target !== undefined) add((p) => `target = ${p}`, query.target);
    if (query.fromMs !== undefined) add((p) => `at >= ${msToTs(p)}`, query.fromMs);
    if (query.toMs !== undefined) add((p) => `at < ${msToTs(p)}`, query.toMs);
    return conditions.join(' AND ');
  }
}
