import type { StoragePool } from './pool';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import { inTransaction, msToTs, undef } from './sql';

/**
 * 查岗 (RULES.md §9, §15): an inspection question (`inspections`) and one recipient row per
 * company addressed (`inspection_recipients`, 0015) carrying the window's end and the answer.
 * A recipient row belongs to its company (`OWNER_OF.company`, the companies row as it is now):
 * a company scope reads only its own row of an inspection, a region scope the rows of the
 * companies in its region, and an inspection with no row in the scope is not found.
 */

export type InspectionAddressing = 'companies' | 'all';

export interface InspectionRecipientRecord {
  companyId: string;
  companyName?: string | undefined;
  regionCode?: string | undefined;
  windowEndsAtMs: number;
  answeredAtMs?: number | undefined;
  answeredBy?: string | undefined;
  answer?: string | undefined;
}

export interface InspectionRecord {
  inspectionId: string;
  question: string;
  sentBy: string;
  sentAtMs: number;
  windowSeconds: number;
  addressing: InspectionAddressing;
  /** The sender's region prefix when it sent; absent: unrestricted. */
  senderRegionPrefix?: string | undefined;
  /** The recipients the reading scope admits, by company id. */
  recipients: InspectionRecipientRecord[];
}

export interface NewInspection {
  inspectionId: string;
  question: string;
  sentBy: string;
  sentAtMs: number;
  windowSeconds: number;
  addressing: InspectionAddressing;
  senderRegionPrefix?: string | undefined;
  /** `companies`: exactly these (each must be a transport company in `scope`); `all`: every transport company in `scope`. */
  companyIds?: readonly string[];
  /** The sender's scope: nobody outside it is ever addressed. */
  scope: OwnerScope;
}

/** Why a send wrote nothing. */
export type InspectionSendRefusal = { kind: 'outside_scope'; companyIds: string[] } | { kind: 'no_company' };

export type AnswerOutcome = { kind: 'answered'; record: InspectionRecord } | { kind: 'already_answered'; record: InspectionRecord } | { kind: 'not_found' };

const COMPANY = OWNER_OF.company('c');
/** 查岗 supervises transport companies (运输企业): a source unit or a vehicle owner is never addressed. */
const ADDRESSABLE = `c.kind = 'transport'`;

export interface InspectionTarget {
  companyId: string;
  name: string;
  regionCode?: string | undefined;
}

interface InspectionRow {
  inspection_id: string;
  question: string;
  sent_by: string;
  sent_at: Date;
  window_seconds: number;
  addressing: InspectionAddressing;
  sender_region_prefix: string | null;
  recipients: Array<{
    company_id: string;
    company_name: string | null;
    region_code: string | null;
    window_ends_at_ms: number;
    answered_at_ms: number | null;
    answered_by: string | null;
    answer: string | null;
  }>;
}

const recordOf = (r: InspectionRow): InspectionRecord => ({
  inspectionId: r.inspection_id,
  question: r.question,
  sentBy: r.sent_by,
  sentAtMs: r.sent_at.getTime(),
  windowSeconds: r.window_seconds,
  addressing: r.addressing,
  senderRegionPrefix: undef(r.sender_region_prefix),
  recipients: r.recipients.map((x) => ({
    companyId: x.company_id,
    companyName: undef(x.company_name),
    regionCode: undef(x.region_code),
    windowEndsAtMs: Number(x.window_ends_at_ms),
    answeredAtMs: x.answered_at_ms === null ? undefined : Number(x.answered_at_ms),
    answeredBy: undef(x.answered_by),
    answer: undef(x.answer),
  })),
});

/**
 * The inspections with their recipients in the scope (`params` holds the scope's parameters),
 * those without any left out. Epoch ms as numbers (json_agg would give timestamps as text).
 */
const selectInspections = (scope: OwnerScope, params: unknown[], where: string): string => `
  SELECT i.inspection_id, i.question, i.sent_by, i.sent_at, i.window_seconds, i.addressing, i.sender_region_prefix, rs.recipients
  FROM inspections i
  CROSS JOIN LATERAL (
    SELECT json_agg(json_build_object(
             'company_id', r.company_id, 'company_name', c.name, 'region_code', c.region_code,
             'window_ends_at_ms', (extract(epoch FROM r.window_ends_at) * 1000)::float8,
             'answered_at_ms', (extract(epoch FROM r.answered_at) * 1000)::float8,
             'answered_by', r.answered_by, 'answer', r.answer) ORDER BY r.company_id) AS recipients
    FROM inspection_recipients r JOIN companies c ON c.company_id = r.company_id
    WHERE r.inspection_id = i.inspection_id AND ${ownerScopeSql(scope, COMPANY, params)}) rs
  WHERE rs.recipients IS NOT NULL AND ${where}
  ORDER BY i.sent_at DESC, i.inspection_id`;

export interface InspectionQuery {
  scope: OwnerScope;
  /** Only inspections whose window (the same for every recipient) still runs at `nowMs` (`open`, the end inclusive), or has closed (`past`). */
  state?: 'open' | 'past' | undefined;
  nowMs: number;
  limit: number;
  offset: number;
}

export class InspectionRepository {
  constructor(private readonly pool: StoragePool) {}

  /**
   * Writes the inspection and one recipient per company addressed, in one transaction, each
   * recipient's window ending at sent + window. Nothing is written when a named company does
   * not exist or lies outside the scope, or when "all" finds no company.
   */
  async send(input: NewInspection): Promise<{ kind: 'sent'; record: InspectionRecord } | InspectionSendRefusal> {
    const outcome = await inTransaction(this.pool, async (client): Promise<InspectionSendRefusal | { kind: 'sent' }> => {
      const params: unknown[] = [];
      const scoped = ownerScopeSql(input.scope, COMPANY, params);
      const chosen = input.addressing === 'all' ? `c.kind = 'transport'` : `c.company_id = ANY($${params.push(input.companyIds ?? [])}::text[])`;
      // FOR SHARE: a company cannot move out of the scope between the check and the write.
      const { rows } = await client.query<{ company_id: string; region_code: string | null }>(
        `SELECT c.company_id, c.region_code FROM companies c WHERE ${ADDRESSABLE} AND ${chosen} AND ${scoped} ORDER BY c.company_id FOR SHARE`,
        params,
      );
      if (input.addressing === 'companies') {
        const found = new Set(rows.map((r) => r.company_id));
        const outside = [...new Set(input.companyIds ?? [])].filter((id) => !found.has(id));
        if (outside.length > 0) return { kind: 'outside_scope', companyIds: outside };
      }
      if (rows.length === 0) return { kind: 'no_company' };
      await client.query(
        `INSERT INTO inspections (inspection_id, question, sent_by, sent_at, window_seconds, addressing, sender_region_prefix)
         VALUES ($1, $2, $3, ${msToTs('$4::float8')}, $5, $6, $7)`,
        [input.inspectionId, input.question, input.sentBy, input.sentAtMs, input.windowSeconds, input.addressing, input.senderRegionPrefix ?? null],
      );
      await client.query(
        `INSERT INTO inspection_recipients (inspection_id, company_id, region_code, sent_at, window_ends_at)
         SELECT $1, u.company_id, u.region_code, ${msToTs('$4::float8')}, ${msToTs('$4::float8')} + make_interval(secs => $5)
         FROM unnest($2::text[], $3::text[]) AS u(company_id, region_code)`,
        [input.inspectionId, rows.map((r) => r.company_id), rows.map((r) => r.region_code), input.sentAtMs, input.windowSeconds],
      );
      return { kind: 'sent' };
    });
    if (outcome.kind !== 'sent') return outcome;
    const record = await this.get(input.inspectionId, input.scope);
    if (!record) throw new Error(`storage: inspection ${input.inspectionId} vanished after it was sent`);
    return { kind: 'sent', record };
  }

  /** The companies a sender with this scope may address, by id. */
  async targets(scope: OwnerScope): Promise<InspectionTarget[]> {
    const params: unknown[] = [];
    const { rows } = await this.pool.query<{ company_id: string; name: string; region_code: string | null }>(
      `SELECT c.company_id, c.name, c.region_code FROM companies c WHERE ${ADDRESSABLE} AND ${ownerScopeSql(scope, COMPANY, params)} ORDER BY c.company_id`,
      params,
    );
    return rows.map((r) => ({ companyId: r.company_id, name: r.name, regionCode: undef(r.region_code) }));
  }

  /** The inspection with its recipients in the scope; undefined when none is (or it does not exist). */
  async get(inspectionId: string, scope: OwnerScope): Promise<InspectionRecord | undefined> {
    const params: unknown[] = [inspectionId];
    const { rows } = await this.pool.query<InspectionRow>(selectInspections(scope, params, 'i.inspection_id = $1'), params);
    return rows[0] ? recordOf(rows[0]) : undefined;
  }

  /** Newest first; each with its recipients in the scope. */
  async list(query: InspectionQuery): Promise<InspectionRecord[]> {
    const params: unknown[] = [];
    let where = 'TRUE';
    if (query.state !== undefined) {
      // Every recipient's window ends at sent + window, and a window is at most a day (0018's
      // CHECK): "open" reads the newest day of the sent_at index only.
      const now = msToTs(`$${params.push(query.nowMs)}::float8`);
      const open = `(i.sent_at >= ${now} - interval '1 day' AND i.sent_at + make_interval(secs => i.window_seconds) >= ${now})`;
      where = query.state === 'open' ? open : `NOT ${open}`;
    }
    const select = selectInspections(query.scope, params, where);
    const { rows } = await this.pool.query<InspectionRow>(`${select} LIMIT $${params.push(query.limit)} OFFSET $${params.push(query.offset)}`, params);
    return rows.map(recordOf);
  }

  /**
   * Records the company's answer once (a later attempt changes nothing); an answer after the
   * window is recorded all the same — whether it was in time is read from its time. Not found
   * when the company was not addressed.
   */
  async answer(input: { inspectionId: string; companyId: string; answeredBy: string; answeredAtMs: number; answer: string }): Promise<AnswerOutcome> {
    const { rowCount } = await this.pool.query(
      `UPDATE inspection_recipients SET answered_at = ${msToTs('$3::float8')}, answered_by = $4, answer = $5
       WHERE inspection_id = $1 AND company_id = $2 AND answered_at IS NULL`,
      [input.inspectionId, input.companyId, input.answeredAtMs, input.answeredBy, input.answer],
    );
    const record = await this.get(input.inspectionId, { companyId: input.companyId });
    if (!record) return { kind: 'not_found' };
    return (rowCount ?? 0) > 0 ? { kind: 'answered', record } : { kind: 'already_answered', record };
  }
}
