import type { AlertRule, Severity } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { deliveryRouteOf, type DeliveryRouteRecord } from './delivery-settings.repository';
import { inTransaction } from './sql';

/**
 * Supervision's delivery part: what a company wants (routes, registered webhook, secret) and
 * the deliveries it owes — enqueued from the alerts topic, claimed when due (SKIP LOCKED and a
 * lease, so members never send one attempt twice and a dead member's claims come back), every
 * attempt written with the delivery's new state in one transaction.
 */
export type DeliveryChannel = 'webhook' | 'sms';
export type DeliveryState = 'pending' | 'delivered' | 'given_up';
export type AttemptOutcome = 'delivered' | 'failed' | 'given_up';

export interface NewDelivery {
  alertId: string;
  revision: number;
  companyId: string;
  channel: DeliveryChannel;
  target: string;
  routeId?: string | undefined;
  rule: AlertRule;
  severity: Severity;
  payload: Record<string, unknown>;
}

export interface DueDelivery extends NewDelivery {
  deliveryId: string;
  /** Attempts made so far. */
  attempts: number;
  createdAtMs: number;
}

export interface AttemptResult {
  deliveryId: string;
  attemptNo: number;
  atMs: number;
  outcome: AttemptOutcome;
  httpStatus?: number | undefined;
  error?: string | undefined;
  durationMs: number;
  /** The next attempt's time when the outcome is `failed`. */
  nextAttemptAtMs?: number | undefined;
}

export interface CompanyDeliveryFacts {
  routes: DeliveryRouteRecord[];
  registeredWebhookUrl?: string;
}

interface DueRow {
  delivery_id: string;
  alert_id: string;
  revision: number;
  company_id: string;
  channel: DeliveryChannel;
  target: string;
  route_id: string | null;
  rule: AlertRule;
  severity: Severity;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: Date;
}

export class DeliveryRepository {
  constructor(private readonly pool: StoragePool) {}

  /** The company of a vehicle in the registry now (an alert without its own copy). */
  async companyOfVehicle(vehicleId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ company_id: string | null }>('SELECT company_id FROM vehicles WHERE vehicle_id = $1', [vehicleId]);
    return rows[0]?.company_id ?? undefined;
  }

  async companyFacts(companyId: string): Promise<CompanyDeliveryFacts> {
    const [company, routes] = await Promise.all([
      this.pool.query<{ webhook_url: string | null }>('SELECT webhook_url FROM companies WHERE company_id = $1', [companyId]),
      this.pool.query<Parameters<typeof deliveryRouteOf>[0]>('SELECT * FROM delivery_routes WHERE company_id = $1 ORDER BY created_at, route_id', [companyId]),
    ]);
    const url = company.rows[0]?.webhook_url;
    return { routes: routes.rows.map(deliveryRouteOf), ...(url ? { registeredWebhookUrl: url } : {}) };
  }

  async secretOf(companyId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ secret: string }>('SELECT secret FROM delivery_secrets WHERE company_id = $1', [companyId]);
    return rows[0]?.secret;
  }

  /**
   * Enqueues deliveries due at `dueAtMs`; one already enqueued (same alert, revision, channel
   * and target: a redelivered alert message) is left as it is. Answers how many are new.
   */
  async enqueue(deliveries: readonly NewDelivery[], dueAtMs: number): Promise<number> {
    if (deliveries.length === 0) return 0;
    const { rowCount } = await this.pool.query(
      `INSERT INTO alert_deliveries (alert_id, revision, company_id, channel, target, route_id, rule, severity, payload, created_at, next_attempt_at)
       SELECT d.alert_id, d.revision, d.company_id, d.channel, d.target, d.route_id, d.rule, d.severity, d.payload,
         to_timestamp($2 / 1000.0), to_timestamp($2 / 1000.0)
       FROM jsonb_to_recordset($1::jsonb) AS d(alert_id text, revision integer, company_id text, channel text, target text, route_id text,
         rule text, severity text, payload jsonb)
       ON CONFLICT (alert_id, revision, channel, target) DO NOTHING`,
      [
        JSON.stringify(
          deliveries.map((d) => ({
            alert_id: d.alertId,
            revision: d.revision,
            company_id: d.companyId,
            channel: d.channel,
            target: d.target,
            route_id: d.routeId ?? null,
            rule: d.rule,
            severity: d.severity,
            payload: d.payload,
          })),
        ),
        dueAtMs,
      ],
    );
    return rowCount ?? 0;
  }

  /**
   * Claims up to `limit` pending deliveries due at `nowMs`, at most `perCompany` of one company
   * (one slow company never takes every slot), leasing them until `leaseUntilMs`: another
   * member skips them (SKIP LOCKED while claiming, the lease after); a member that dies leaves
   * them to whoever claims after the lease.
   */
  async claimDue(options: {
    nowMs: number;
    leaseUntilMs: number;
    limit: number;
    perCompany: number;
    /** Companies the member has its fill of in flight already. */
    skipCompanies?: readonly string[];
  }): Promise<DueDelivery[]> {
    if (options.limit <= 0) return [];
    const { rows } = await this.pool.query<DueRow>(
      `WITH due AS (
         SELECT delivery_id, company_id, next_attempt_at FROM alert_deliveries
         WHERE state = 'pending' AND next_attempt_at <= to_timestamp($1 / 1000.0) AND (lease_until IS NULL OR lease_until <= to_timestamp($1 / 1000.0))
           AND company_id <> ALL($5::text[])
         ORDER BY next_attempt_at LIMIT $3 * 4 FOR UPDATE SKIP LOCKED),
       fair AS (
         SELECT delivery_id, row_number() OVER (PARTITION BY company_id ORDER BY next_attempt_at, delivery_id) AS nth, next_attempt_at FROM due)
       UPDATE alert_deliveries d SET lease_until = to_timestamp($2 / 1000.0)
       FROM (SELECT delivery_id FROM fair WHERE nth <= $4 ORDER BY next_attempt_at LIMIT $3) chosen
       WHERE d.delivery_id = chosen.delivery_id
       RETURNING d.delivery_id, d.alert_id, d.revision, d.company_id, d.channel, d.target, d.route_id, d.rule, d.severity, d.payload, d.attempts, d.created_at`,
      [options.nowMs, options.leaseUntilMs, options.limit, options.perCompany, options.skipCompanies ?? []],
    );
    return rows.map((r) => ({
      deliveryId: String(r.delivery_id),
      alertId: r.alert_id,
      revision: r.revision,
      companyId: r.company_id,
      channel: r.channel,
      target: r.target,
      routeId: r.route_id ?? undefined,
      rule: r.rule,
      severity: r.severity,
      payload: r.payload,
      attempts: r.attempts,
      createdAtMs: r.created_at.getTime(),
    }));
  }

  /**
   * Writes an attempt and the delivery's new state together. An attempt number already written
   * (a member whose lease ran out while it sent) is not written twice: answers false.
   */
  async recordAttempt(result: AttemptResult): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `INSERT INTO delivery_attempts (delivery_id, alert_id, revision, company_id, channel, target, attempt_no, at, outcome, http_status, error, duration_ms, next_attempt_at)
         SELECT d.delivery_id, d.alert_id, d.revision, d.company_id, d.channel, d.target, $2, to_timestamp($3 / 1000.0), $4, $5, $6, $7,
           to_timestamp($8 / 1000.0)
         FROM alert_deliveries d WHERE d.delivery_id = $1 AND d.attempts = $2 - 1
         ON CONFLICT (delivery_id, attempt_no) DO NOTHING`,
        [
          result.deliveryId,
          result.attemptNo,
          result.atMs,
          result.outcome,
          result.httpStatus ?? null,
          result.error?.slice(0, 1_000) ?? null,
          Math.round(result.durationMs),
          result.nextAttemptAtMs ?? null,
        ],
      );
      if ((rowCount ?? 0) === 0) return false;
      await client.query(
        `UPDATE alert_deliveries SET attempts = $2, lease_until = NULL, last_http_status = $4, last_error = $5,
           state = CASE $3 WHEN 'delivered' THEN 'delivered' WHEN 'given_up' THEN 'given_up' ELSE 'pending' END,
           next_attempt_at = CASE $3 WHEN 'failed' THEN to_timestamp($6 / 1000.0) END,
           finished_at = CASE WHEN $3 = 'failed' THEN NULL ELSE to_timestamp($7 / 1000.0) END
         WHERE delivery_id = $1`,
        [
          result.deliveryId,
          result.attemptNo,
          result.outcome,
          result.httpStatus ?? null,
          result.error?.slice(0, 1_000) ?? null,
          result.nextAttemptAtMs ?? null,
          result.atMs,
        ],
      );
      return true;
    });
  }
}
