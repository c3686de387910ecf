import type pg from 'pg';
import { ownerScopeSql, type OwnerColumns, type OwnerScope } from './owner';
import { inTransaction, msToTs, type Queryable } from './sql';

/**
 * The handling workflow's records (RULES.md §9, §15; tables `alert_handling` and
 * `alert_handling_events` of migrations 0015/0016). Supervision's handling part writes the
 * intake and the escalation; the API's handling use cases write the company's and the
 * operators' steps. Every change appends its step to `alert_handling_events` in the same
 * transaction. The decisions (deadlines, which transition is allowed) are libs/rules'; this
 * holds only SQL.
 */

export type HandlingRowState = 'new' | 'notified' | 'viewed' | 'handled';
export type HandlingRowAppeal = 'pending' | 'accepted' | 'rejected';

/** One `alert_handling` row, times as epoch ms. */
export interface HandlingRecord {
  alertId: string;
  vehicleId: string;
  plate: string | null;
  companyId: string;
  regionCode: string | null;
  rule: string;
  level: string | null;
  alertSeverity: string | null;
  summary: string | null;
  summaryEn: string | null;
  /** `severe` | `standard`: the severity at first notification, which set the deadline. */
  handlingSeverity: string;
  due: boolean;
  state: HandlingRowState;
  withdrawn: boolean;
  lastRevision: number;
  alertStartedAtMs: number;
  firstNotifiedAtMs: number | null;
  deadlineAtMs: number | null;
  escalatedAtMs: number | null;
  viewedAtMs: number | null;
  viewedBy: string | null;
  handledAtMs: number | null;
  handledBy: string | null;
  measure: string | null;
  handlingComment: string | null;
  appealState: HandlingRowAppeal | null;
  appealFiledAtMs: number | null;
  appealFiledBy: string | null;
  appealReason: string | null;
  appealDecidedAtMs: number | null;
  appealDecidedBy: string | null;
  appealDecisionComment: string | null;
}

export interface HandlingEventRecord {
  atMs: number;
  actor: string;
  action: string;
  details: Record<string, unknown>;
}

/** One alert revision as intake reads it, with the handling facts libs/rules derived from it. */
export interface HandlingIntake {
  alertId: string;
  revision: number;
  vehicleId: string;
  plate?: string | undefined;
  /** The record's own copy of the owner; the registry's vehicle owner wins (OWNER_OF.vehicleRecord). */
  companyId?: string | undefined;
  regionCode?: string | undefined;
  rule: string;
  level: string;
  alertSeverity: string;
  summary: string;
  summaryEn?: string | undefined;
  startedAtMs: number;
  withdrawn: boolean;
  /** From the first revision seen: set only when the row is created (a revision never changes it). */
  handlingSeverity: string;
  due: boolean;
  /** The clock of the intake: the first in-platform notification. */
  notifiedAtMs: number;
  deadlineAtMs: number | null;
}

export type HandlingIntakeOutcome =
  | { kind: 'notified'; record: HandlingRecord }
  | { kind: 'revised'; record: HandlingRecord; withdrawnNow: boolean }
  /** A revision already applied (redelivery) or older than the one applied. */
  | { kind: 'unchanged' }
  /** The vehicle belongs to no known company: nobody to notify. */
  | { kind: 'no_company' };

/** The fields a workflow step may set (only those given are written; `null` clears). */
export interface HandlingUpdate {
  state?: HandlingRowState;
  viewedAtMs?: number;
  viewedBy?: string;
  handledAtMs?: number;
  handledBy?: string;
  measure?: string;
  handlingComment?: string;
  appealState?: HandlingRowAppeal;
  appealFiledAtMs?: number;
  appealFiledBy?: string;
  appealReason?: string;
  appealDecidedAtMs?: number;
  appealDecidedBy?: string;
  appealDecisionComment?: string;
  deadlineAtMs?: number | null;
  escalatedAtMs?: number | null;
}

export interface HandlingStep {
  update: HandlingUpdate;
  event: HandlingEventRecord;
}

export interface HandlingListFilter {
  scope?: OwnerScope;
  state?: HandlingRowState | undefined;
  rule?: string | undefined;
  /** true: overdue only; false: not overdue only (at `nowMs`). */
  overdue?: boolean | undefined;
  /** Include pre-warnings and withdrawn alerts. */
  all?: boolean | undefined;
  nowMs: number;
  limit: number;
  offset: number;
}

export interface HandlingCountsRecord {
  open: number;
  overdue: number;
  handled: number;
  appealsPending: number;
}

/** A handling row's owner: the company it was addressed to and its region then (the record's own copy). */
export const HANDLING_OWNER = (h: string): OwnerColumns => ({ companyId: `${h}.company_id`, regionCode: `${h}.region_code` });

/**
 * Overdue (libs/rules `isOverdue`, as SQL over alias `h` and the parameter `$now` in ms): due, not
 * withdrawn, past the deadline (at it is on time), not handled, no appeal pending or accepted.
 */
const overdueSql = (h: string, nowParam: string): string =>
  `(${h}.due AND NOT ${h}.withdrawn AND ${h}.deadline_at IS NOT NULL AND ${h}.deadline_at < ${msToTs(nowParam)} AND ${h}.state <> 'handled' AND ${h}.appeal_state IS DISTINCT FROM 'pending' AND ${h}.appeal_state IS DISTINCT FROM 'accepted')`;

const COLUMNS = `h.alert_id, h.vehicle_id, h.plate, h.company_id, h.region_code, h.rule, h.alert_level, h.alert_severity, h.summary, h.summary_en,
  h.severity, h.due, h.state, h.withdrawn, h.last_revision, h.alert_started_at, h.first_notified_at, h.deadline_at, h.escalated_at,
  h.viewed_at, h.viewed_by, h.handled_at, h.handled_by, h.measure, h.handling_comment, h.appeal_state, h.appeal_filed_at, h.appeal_filed_by,
  h.appeal_reason, h.appeal_decided_at, h.appeal_decided_by, h.appeal_decision_comment`;

interface HandlingRow {
  alert_id: string;
  vehicle_id: string;
  plate: string | null;
  company_id: string;
  region_code: string | null;
  rule: string;
  alert_level: string | null;
  alert_severity: string | null;
  summary: string | null;
  summary_en: string | null;
  severity: string;
  due: boolean;
  state: HandlingRowState;
  withdrawn: boolean;
  last_revision: number;
  alert_started_at: Date;
  first_notified_at: Date | null;
  deadline_at: Date | null;
  escalated_at: Date | null;
  viewed_at: Date | null;
  viewed_by: string | null;
  handled_at: Date | null;
  handled_by: string | null;
  measure: string | null;
  handling_comment: string | null;
  appeal_state: HandlingRowAppeal | null;
  appeal_filed_at: Date | null;
  appeal_filed_by: string | null;
  appeal_reason: string | null;
  appeal_decided_at: Date | null;
  appeal_decided_by: string | null;
  appeal_decision_comment: string | null;
}

const ms = (value: Date | null): number | null => (value ? value.getTime() : null);

const recordOf = (r: HandlingRow): HandlingRecord => ({
  alertId: r.alert_id,
  vehicleId: r.vehicle_id,
  plate: r.plate,
  companyId: r.company_id,
  regionCode: r.region_code,
  rule: r.rule,
  level: r.alert_level,
  alertSeverity: r.alert_severity,
  summary: r.summary,
  summaryEn: r.summary_en,
  handlingSeverity: r.severity,
  due: r.due,
  state: r.state,
  withdrawn: r.withdrawn,
  lastRevision: r.last_revision,
  alertStartedAtMs: r.alert_started_at.getTime(),
  firstNotifiedAtMs: ms(r.first_notified_at),
  deadlineAtMs: ms(r.deadline_at),
  escalatedAtMs: ms(r.escalated_at),
  viewedAtMs: ms(r.viewed_at),
  viewedBy: r.viewed_by,
  handledAtMs: ms(r.handled_at),
  handledBy: r.handled_by,
  measure: r.measure,
  handlingComment: r.handling_comment,
  appealState: r.appeal_state,
  appealFiledAtMs: ms(r.appeal_filed_at),
  appealFiledBy: r.appeal_filed_by,
  appealReason: r.appeal_reason,
  appealDecidedAtMs: ms(r.appeal_decided_at),
  appealDecidedBy: r.appeal_decided_by,
  appealDecisionComment: r.appeal_decision_comment,
});

/** Column of each `HandlingUpdate` field, and whether it holds a time (ms → timestamptz). */
const UPDATE_COLUMNS: Record<keyof HandlingUpdate, [column: string, time: boolean]> = {
  state: ['state', false],
  viewedAtMs: ['viewed_at', true],
  viewedBy: ['viewed_by', false],
  handledAtMs: ['handled_at', true],
  handledBy: ['handled_by', false],
  measure: ['measure', false],
  handlingComment: ['handling_comment', false],
  appealState: ['appeal_state', false],
  appealFiledAtMs: ['appeal_filed_at', true],
  appealFiledBy: ['appeal_filed_by', false],
  appealReason: ['appeal_reason', false],
  appealDecidedAtMs: ['appeal_decided_at', true],
  appealDecidedBy: ['appeal_decided_by', false],
  appealDecisionComment: ['appeal_decision_comment', false],
  deadlineAtMs: ['deadline_at', true],
  escalatedAtMs: ['escalated_at', true],
};

const appendEvent = async (db: Queryable, alertId: string, companyId: string, event: HandlingEventRecord): Promise<void> => {
  await db.query(
    `INSERT INTO alert_handling_events (alert_id, company_id, at, actor, action, details) VALUES ($1, $2, ${msToTs('$3::double precision')}, $4, $5, $6)`,
    [alertId, companyId, event.atMs, event.actor, event.action, JSON.stringify(event.details)],
  );
};

export class HandlingRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * One alert revision in: the alert's first revision seen creates the row on its company's
   * list (the first in-platform notification) with the deadline given; a newer revision
   * updates what the list shows and `withdrawn`, never the severity or the deadline; a
   * revision at or below the one applied changes nothing (redelivery, late arrival). The
   * owner is the registry's vehicle's company, else the record's copy, and must be a known
   * company.
   */
  async intake(alert: HandlingIntake): Promise<HandlingIntakeOutcome> {
    return inTransaction(this.pool, async (tx) => {
      const inserted = await tx.query<HandlingRow>(
        `WITH owner AS (
           SELECT c.company_id, COALESCE(v.region_code, c.region_code, $4) AS region_code, COALESCE(v.plate, $14) AS plate
             FROM (SELECT 1) one
             LEFT JOIN vehicles v ON v.vehicle_id = $2
             JOIN companies c ON c.company_id = COALESCE(v.company_id, $3)
         )
         INSERT INTO alert_handling AS h (alert_id, vehicle_id, company_id, region_code, rule, severity, due, state, alert_started_at,
           first_notified_at, deadline_at, withdrawn, alert_level, alert_severity, plate, summary, summary_en, last_revision)
         SELECT $1, $2, owner.company_id, owner.region_code, $5, $6, $7, 'notified', ${msToTs('$8::double precision')},
           ${msToTs('$9::double precision')}, ${msToTs('$10::double precision')}, $11, $12, $13, owner.plate, $15, $16, $17
           FROM owner
         ON CONFLICT (alert_id) DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          alert.alertId,
          alert.vehicleId,
          alert.companyId ?? null,
          alert.regionCode ?? null,
          alert.rule,
          alert.handlingSeverity,
          alert.due,
          alert.startedAtMs,
          alert.notifiedAtMs,
          alert.deadlineAtMs,
          alert.withdrawn,
          alert.level,
          alert.alertSeverity,
          alert.plate ?? null,
          alert.summary,
          alert.summaryEn ?? null,
          alert.revision,
        ],
      );
      const created = inserted.rows[0];
      if (created) {
        const record = recordOf(created);
        await appendEvent(tx, record.alertId, record.companyId, {
          atMs: alert.notifiedAtMs,
          actor: 'system',
          action: 'notified',
          details: { revision: alert.revision, severity: alert.handlingSeverity, due: alert.due, deadlineAtMs: alert.deadlineAtMs, withdrawn: alert.withdrawn },
        });
        return { kind: 'notified', record };
      }
      // Not inserted: the row exists (conflict) or no company owns the vehicle.
      const before = await tx.query<{ withdrawn: boolean }>('SELECT withdrawn FROM alert_handling WHERE alert_id = $1 FOR UPDATE', [alert.alertId]);
      if (!before.rows[0]) return { kind: 'no_company' };
      const updated = await tx.query<HandlingRow>(
        `UPDATE alert_handling h SET last_revision = $2, withdrawn = $3, alert_severity = $4, summary = $5, summary_en = COALESCE($6, h.summary_en), updated_at = now()
          WHERE h.alert_id = $1 AND h.last_revision < $2
          RETURNING ${COLUMNS}`,
        [alert.alertId, alert.revision, alert.withdrawn, alert.alertSeverity, alert.summary, alert.summaryEn ?? null],
      );
      const row = updated.rows[0];
      if (!row) return { kind: 'unchanged' };
      const record = recordOf(row);
      const withdrawnNow = record.withdrawn && !before.rows[0].withdrawn;
      await appendEvent(tx, record.alertId, record.companyId, {
        atMs: alert.notifiedAtMs,
        actor: 'system',
        action: withdrawnNow ? 'withdrawn' : record.withdrawn === before.rows[0].withdrawn ? 'revised' : 'reinstated',
        details: { revision: alert.revision, withdrawn: record.withdrawn },
      });
      return { kind: 'revised', record, withdrawnNow };
    });
  }

  /**
   * Marks every item overdue at `nowMs` and not yet escalated as escalated (the on-duty
   * board), with its event; run inside the escalation job's lock (`db` is its transaction).
   * Answers the items escalated.
   */
  async escalateOverdue(db: Queryable, nowMs: number, limit = 1_000): Promise<HandlingRecord[]> {
    const { rows } = await db.query<HandlingRow>(
      `UPDATE alert_handling h SET escalated_at = ${msToTs('$1::double precision')}, updated_at = now()
        WHERE h.alert_id IN (
          SELECT alert_id FROM alert_handling h WHERE h.escalated_at IS NULL AND h.handled_at IS NULL AND ${overdueSql('h', '$1::double precision')}
          ORDER BY h.deadline_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`,
      [nowMs, limit],
    );
    const records = rows.map(recordOf);
    for (const record of records)
      await appendEvent(db, record.alertId, record.companyId, {
        atMs: nowMs,
        actor: 'system',
        action: 'escalated',
        details: { deadlineAtMs: record.deadlineAtMs },
      });
    return records;
  }

  /**
   * One workflow step on an item in `scope`: the row is locked, `decide` (the caller's rule)
   * answers the step — or null for none, or throws to refuse — and the step is written with
   * its event in one transaction. Answers undefined when the item is not in the scope (not
   * found, whatever the reason: ids cannot be probed).
   */
  async change(
    alertId: string,
    scope: OwnerScope,
    decide: (record: HandlingRecord) => HandlingStep | null,
  ): Promise<{ record: HandlingRecord; changed: boolean } | undefined> {
    return inTransaction(this.pool, async (tx) => {
      const params: unknown[] = [alertId];
      const where = ownerScopeSql(scope, HANDLING_OWNER('h'), params);
      const { rows } = await tx.query<HandlingRow>(`SELECT ${COLUMNS} FROM alert_handling h WHERE h.alert_id = $1 AND ${where} FOR UPDATE`, params);
      const found = rows[0];
      if (!found) return undefined;
      const step = decide(recordOf(found));
      if (!step) return { record: recordOf(found), changed: false };
      const values: unknown[] = [alertId];
      const sets = (Object.entries(step.update) as [keyof HandlingUpdate, unknown][])
        .filter(([, value]) => value !== undefined)
        .map(([field, value]) => {
          const [column, time] = UPDATE_COLUMNS[field];
          const param = `$${values.push(value)}`;
          return `${column} = ${time ? msToTs(`${param}::double precision`) : param}`;
        });
      const updated = await tx.query<HandlingRow>(
        `UPDATE alert_handling h SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE h.alert_id = $1 RETURNING ${COLUMNS}`,
        values,
      );
      const record = recordOf(updated.rows[0] as HandlingRow);
      await appendEvent(tx, alertId, record.companyId, step.event);
      return { record, changed: true };
    });
  }

  async get(alertId: string, scope: OwnerScope): Promise<HandlingRecord | undefined> {
    const params: unknown[] = [alertId];
    const where = ownerScopeSql(scope, HANDLING_OWNER('h'), params);
    const { rows } = await this.pool.query<HandlingRow>(`SELECT ${COLUMNS} FROM alert_handling h WHERE h.alert_id = $1 AND ${where}`, params);
    return rows[0] ? recordOf(rows[0]) : undefined;
  }

  /** An item's steps, oldest first (the caller has found the item in its scope). */
  async events(alertId: string): Promise<HandlingEventRecord[]> {
    const { rows } = await this.pool.query<{ at: Date; actor: string; action: string; details: Record<string, unknown> }>(
      'SELECT at, actor, action, details FROM alert_handling_events WHERE alert_id = $1 ORDER BY at, event_id',
      [alertId],
    );
    return rows.map((r) => ({ atMs: r.at.getTime(), actor: r.actor, action: r.action, details: r.details }));
  }

  /** The list of items in scope, open ones first by deadline, then the newest. */
  async list(filter: HandlingListFilter): Promise<HandlingRecord[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(filter.scope, HANDLING_OWNER('h'), params)];
    if (!filter.all) where.push('h.due AND NOT h.withdrawn');
    if (filter.state) where.push(`h.state = $${params.push(filter.state)}`);
    if (filter.rule) where.push(`h.rule = $${params.push(filter.rule)}`);
    if (filter.overdue !== undefined) where.push(`${filter.overdue ? '' : 'NOT '}${overdueSql('h', `$${params.push(filter.nowMs)}::double precision`)}`);
    const { rows } = await this.pool.query<HandlingRow>(
      `SELECT ${COLUMNS} FROM alert_handling h WHERE ${where.join(' AND ')}
        ORDER BY (h.state = 'handled'), h.deadline_at NULLS LAST, h.first_notified_at DESC, h.alert_id
        LIMIT $${params.push(filter.limit)} OFFSET $${params.push(filter.offset)}`,
      params,
    );
    return rows.map(recordOf);
  }

  /** Counts of the items in scope that need handling (due, not withdrawn). */
  async counts(scope: OwnerScope | undefined, nowMs: number): Promise<HandlingCountsRecord> {
    const params: unknown[] = [nowMs];
    const where = ownerScopeSql(scope, HANDLING_OWNER('h'), params);
    const { rows } = await this.pool.query<{ open: string; overdue: string; handled: string; appeals_pending: string }>(
      `SELECT count(*) FILTER (WHERE h.state <> 'handled' AND h.appeal_state IS DISTINCT FROM 'accepted') AS open,
              count(*) FILTER (WHERE ${overdueSql('h', '$1::double precision')}) AS overdue,
              count(*) FILTER (WHERE h.state = 'handled') AS handled,
              count(*) FILTER (WHERE h.appeal_state = 'pending') AS appeals_pending
         FROM alert_handling h WHERE h.due AND NOT h.withdrawn AND ${where}`,
      params,
    );
    const r = rows[0];
    return { open: Number(r?.open ?? 0), overdue: Number(r?.overdue ?? 0), handled: Number(r?.handled ?? 0), appealsPending: Number(r?.appeals_pending ?? 0) };
  }

  /** The on-duty board: escalated items still overdue at `nowMs`, the longest overdue first. */
  async board(scope: OwnerScope | undefined, nowMs: number, limit: number, offset: number): Promise<HandlingRecord[]> {
    const params: unknown[] = [nowMs];
    const where = ownerScopeSql(scope, HANDLING_OWNER('h'), params);
    const { rows } = await this.pool.query<HandlingRow>(
      `SELECT ${COLUMNS} FROM alert_handling h
        WHERE h.escalated_at IS NOT NULL AND h.handled_at IS NULL AND ${overdueSql('h', '$1::double precision')} AND ${where}
        ORDER BY h.deadline_at, h.alert_id LIMIT $${params.push(limit)} OFFSET $${params.push(offset)}`,
      params,
    );
    return rows.map(recordOf);
  }

  /** Appeals waiting for a decision, the oldest first. */
  async pendingAppeals(scope: OwnerScope | undefined, limit: number, offset: number): Promise<HandlingRecord[]> {
    const params: unknown[] = [];
    const where = ownerScopeSql(scope, HANDLING_OWNER('h'), params);
    const { rows } = await this.pool.query<HandlingRow>(
      `SELECT ${COLUMNS} FROM alert_handling h WHERE h.appeal_state = 'pending' AND ${where}
        ORDER BY h.appeal_filed_at, h.alert_id LIMIT $${params.push(limit)} OFFSET $${params.push(offset)}`,
      params,
    );
    return rows.map(recordOf);
  }
}
