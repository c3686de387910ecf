import type { StoragePool } from './pool';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import { msToTs, tsToMs, undef } from './sql';

/**
 * What was delivered to companies and how (RULES.md §9 "Delivery": every attempt logged and
 * visible): the company sees its own, the admin all. Read by the API; written by supervision's
 * delivery part (`DeliveryRepository`).
 */
export interface DeliveryAttemptItem {
  attemptId: string;
  deliveryId: string;
  alertId: string;
  revision: number;
  companyId: string;
  channel: 'webhook' | 'sms';
  target: string;
  attemptNo: number;
  atMs: number;
  outcome: 'delivered' | 'failed' | 'given_up';
  httpStatus?: number;
  error?: string;
  durationMs: number;
  nextAttemptAtMs?: number;
}

export interface DeliveryItem {
  deliveryId: string;
  alertId: string;
  revision: number;
  companyId: string;
  channel: 'webhook' | 'sms';
  target: string;
  rule: string;
  severity: string;
  state: 'pending' | 'delivered' | 'given_up';
  attempts: number;
  createdAtMs: number;
  nextAttemptAtMs?: number;
  finishedAtMs?: number;
  lastHttpStatus?: number;
  lastError?: string;
}

export interface DeliveryListQuery {
  scope: OwnerScope;
  companyId?: string | undefined;
  alertId?: string | undefined;
  channel?: 'webhook' | 'sms' | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  limit: number;
  offset: number;
}

// The delivery's company (at intake) owns it and its attempts; the region is the company's.
const OWNER = OWNER_OF.company('c');

const filters = (query: DeliveryListQuery, alias: string, timeColumn: string, params: unknown[]): string[] => {
  const where = [ownerScopeSql(query.scope, OWNER, params)];
  if (query.companyId !== undefined) where.push(`${alias}.company_id = $${params.push(query.companyId)}`);
  if (query.alertId !== undefined) where.push(`${alias}.alert_id = $${params.push(query.alertId)}`);
  if (query.channel !== undefined) where.push(`${alias}.channel = $${params.push(query.channel)}`);
  if (query.fromMs !== undefined) where.push(`${alias}.${timeColumn} >= ${msToTs(`$${params.push(query.fromMs)}`)}`);
  if (query.toMs !== undefined) where.push(`${alias}.${timeColumn} < ${msToTs(`$${params.push(query.toMs)}`)}`);
  return where;
};

/** The columns a delivery and each of its attempts both carry: which alert, to whom, how. */
interface DeliveryHeadRow {
  delivery_id: string;
  alert_id: string;
  revision: number;
  company_id: string;
  channel: 'webhook' | 'sms';
  target: string;
}

const deliveryHeadOf = (r: DeliveryHeadRow): Pick<DeliveryItem, 'deliveryId' | 'alertId' | 'revision' | 'companyId' | 'channel' | 'target'> => ({
  deliveryId: String(r.delivery_id),
  alertId: r.alert_id,
  revision: r.revision,
  companyId: r.company_id,
  channel: r.channel,
  target: r.target,
});

const defined = <T extends object>(item: T): T => Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined && v !== null)) as T;

export class DeliveryReadModel {
  constructor(private readonly pool: StoragePool) {}

  /** Attempts, newest first. */
  async attempts(query: DeliveryListQuery & { outcome?: 'delivered' | 'failed' | 'given_up' | undefined }): Promise<DeliveryAttemptItem[]> {
    const params: unknown[] = [];
    const where = filters(query, 'a', 'at', params);
    if (query.outcome !== undefined) where.push(`a.outcome = $${params.push(query.outcome)}`);
    const { rows } = await this.pool.query<
      DeliveryHeadRow & {
        attempt_id: string;
        attempt_no: number;
        at: Date;
        outcome: 'delivered' | 'failed' | 'given_up';
        http_status: number | null;
        error: string | null;
        duration_ms: number;
        next_attempt_at: Date | null;
      }
    >(
      `SELECT a.* FROM delivery_attempts a LEFT JOIN companies c ON c.company_id = a.company_id WHERE ${where.join(' AND ')}
       ORDER BY a.at DESC, a.attempt_id DESC LIMIT $${params.push(query.limit)} OFFSET $${params.push(query.offset)}`,
      params,
    );
    return rows.map((r) =>
      defined({
        attemptId: String(r.attempt_id),
        ...deliveryHeadOf(r),
        attemptNo: r.attempt_no,
        atMs: r.at.getTime(),
        outcome: r.outcome,
        httpStatus: undef(r.http_status),
        error: undef(r.error),
        durationMs: r.duration_ms,
        nextAttemptAtMs: tsToMs(r.next_attempt_at),
      }),
    );
  }

  /** Deliveries, newest first, with their state. */
  async deliveries(query: DeliveryListQuery & { state?: 'pending' | 'delivered' | 'given_up' | undefined }): Promise<DeliveryItem[]> {
    const params: unknown[] = [];
    const where = filters(query, 'd', 'created_at', params);
    if (query.state !== undefined) where.push(`d.state = $${params.push(query.state)}`);
    const { rows } = await this.pool.query<
      DeliveryHeadRow & {
        rule: string;
        severity: string;
        state: 'pending' | 'delivered' | 'given_up';
        attempts: number;
        created_at: Date;
        next_attempt_at: Date | null;
        finished_at: Date | null;
        last_http_status: number | null;
        last_error: string | null;
      }
    >(
      `SELECT d.delivery_id, d.alert_id, d.revision, d.company_id, d.channel, d.target, d.rule, d.severity, d.state, d.attempts, d.created_at,
         d.next_attempt_at, d.finished_at, d.last_http_status, d.last_error
       FROM alert_deliveries d LEFT JOIN companies c ON c.company_id = d.company_id WHERE ${where.join(' AND ')}
       ORDER BY d.created_at DESC, d.delivery_id DESC LIMIT $${params.push(query.limit)} OFFSET $${params.push(query.offset)}`,
      params,
    );
    return rows.map((r) =>
      defined({
        ...deliveryHeadOf(r),
        rule: r.rule,
        severity: r.severity,
        state: r.state,
        attempts: r.attempts,
        createdAtMs: r.created_at.getTime(),
        nextAttemptAtMs: tsToMs(r.next_attempt_at),
        finishedAtMs: tsToMs(r.finished_at),
        lastHttpStatus: undef(r.last_http_status),
        lastError: undef(r.last_error),
      }),
    );
  }
}
