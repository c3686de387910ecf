import { randomUUID } from 'node:crypto';
import type { KeySupervisionReason } from '@roadwatch/rules';
import { OWNER_OF, ownerScopeSql, type OwnerColumns, type OwnerScope } from './owner';
import { msToTs, type Queryable } from './sql';

export type KeySupervisionSubjectKind = 'vehicle' | 'company';

/** One listing of a vehicle or company on the 重点监管 list (`key_supervision_entries`), from listing to exit. */
export interface KeySupervisionEntryRecord {
  entryId: string;
  subjectKind: KeySupervisionSubjectKind;
  subjectId: string;
  /** The vehicle's plate (vehicle entries) or the company's name, as the registry has it now. */
  subjectName?: string | undefined;
  /** The owner now: the registry's (vehicle, company), else the entry's copy. */
  companyId?: string | undefined;
  regionCode?: string | undefined;
  listedAtMs: number;
  lastTriggerAtMs: number;
  reasons: KeySupervisionReason[];
  exitedAtMs?: number | undefined;
  exitKind?: 'quiet_30d' | 'released' | undefined;
  releasedBy?: string | undefined;
  releaseComment?: string | undefined;
}

export interface KeySupervisionEntryQuery {
  scope?: OwnerScope | undefined;
  /** `current`: open entries; `history`: exited ones; `all`: both. */
  state: 'current' | 'history' | 'all';
  subjectKind?: KeySupervisionSubjectKind | undefined;
  vehicleId?: string | undefined;
  /** A company's own entry and its vehicles' entries. */
  companyId?: string | undefined;
  limit: number;
  offset: number;
}

interface EntryRow {
  entry_id: string;
  subject_kind: KeySupervisionSubjectKind;
  subject_id: string;
  subject_name: string | null;
  owner_company_id: string | null;
  owner_region_code: string | null;
  listed_at: Date;
  last_trigger_at: Date;
  reasons: KeySupervisionReason[];
  exited_at: Date | null;
  exit_kind: 'quiet_30d' | 'released' | null;
  released_by: string | null;
  release_comment: string | null;
}

const recordOf = (row: EntryRow): KeySupervisionEntryRecord => ({
  entryId: row.entry_id,
  subjectKind: row.subject_kind,
  subjectId: row.subject_id,
  subjectName: row.subject_name ?? undefined,
  companyId: row.owner_company_id ?? undefined,
  regionCode: row.owner_region_code ?? undefined,
  listedAtMs: row.listed_at.getTime(),
  lastTriggerAtMs: row.last_trigger_at.getTime(),
  reasons: row.reasons,
  exitedAtMs: row.exited_at?.getTime(),
  exitKind: row.exit_kind ?? undefined,
  releasedBy: row.released_by ?? undefined,
  releaseComment: row.release_comment ?? undefined,
});

/**
 * Whose an entry is: a vehicle entry is the vehicle's record (its owner in the registry now,
 * else the entry's copy, as `OWNER_OF.vehicleRecord`); a company entry the company's own row.
 */
const OWNER: OwnerColumns = OWNER_OF.vehicleRecord(
  OWNER_OF.vehicle('v', 'vc'),
  OWNER_OF.vehicleRecord(OWNER_OF.company('c'), { companyId: 'e.company_id', regionCode: 'e.region_code' }),
);
const FROM = `key_supervision_entries e
  LEFT JOIN vehicles v ON e.subject_kind = 'vehicle' AND v.vehicle_id = e.subject_id
  LEFT JOIN companies vc ON vc.company_id = v.company_id
  LEFT JOIN companies c ON e.subject_kind = 'company' AND c.company_id = e.subject_id`;
const COLUMNS = `e.entry_id, e.subject_kind, e.subject_id, COALESCE(v.plate, c.name) AS subject_name,
  ${OWNER.companyId} AS owner_company_id, ${OWNER.regionCode} AS owner_region_code,
  e.listed_at, e.last_trigger_at, e.reasons, e.exited_at, e.exit_kind, e.released_by, e.release_comment`;

export interface OpenKeySupervisionEntry {
  subjectKind: KeySupervisionSubjectKind;
  subjectId: string;
  companyId?: string | undefined;
  regionCode?: string | undefined;
  listedAtMs: number;
  lastTriggerAtMs: number;
  reasons: KeySupervisionReason[];
}

/**
 * `key_supervision_entries` (migration 0015): one open entry per subject; a new listing after an
 * exit is a new row, so the history stays. The 重点监管 job opens, extends and closes entries
 * (`open`, `extend`, `closeQuiet`); the API's release use case releases one (`release`) and
 * reads them in the caller's scope.
 */
export class KeySupervisionRepository {
  constructor(private readonly db: Queryable) {}

  /** Open entries (scoped), or every entry with `state`. Newest listing first. */
  async find(query: KeySupervisionEntryQuery): Promise<KeySupervisionEntryRecord[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(query.scope, OWNER, params)];
    if (query.state === 'current') where.push('e.exited_at IS NULL');
    if (query.state === 'history') where.push('e.exited_at IS NOT NULL');
    if (query.subjectKind) where.push(`e.subject_kind = $${params.push(query.subjectKind)}`);
    if (query.vehicleId) where.push(`e.subject_kind = 'vehicle' AND e.subject_id = $${params.push(query.vehicleId)}`);
    if (query.companyId) where.push(`${OWNER.companyId} = $${params.push(query.companyId)}`);
    const { rows } = await this.db.query<EntryRow>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY e.listed_at DESC, e.entry_id LIMIT $${params.push(query.limit)} OFFSET $${params.push(query.offset)}`,
      params,
    );
    return rows.map(recordOf);
  }

  /** Undefined when it does not exist or the scope does not admit it. */
  async get(entryId: string, scope?: OwnerScope, db: Queryable = this.db): Promise<KeySupervisionEntryRecord | undefined> {
    const params: unknown[] = [entryId];
    const { rows } = await db.query<EntryRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE e.entry_id = $1 AND ${ownerScopeSql(scope, OWNER, params)}`, params);
    return rows[0] ? recordOf(rows[0]) : undefined;
  }

  /** The open entries in scope as (kind, region code): the density per region. */
  async openRegions(scope?: OwnerScope): Promise<{ subjectKind: KeySupervisionSubjectKind; regionCode: string | undefined }[]> {
    const params: unknown[] = [];
    const { rows } = await this.db.query<{ subject_kind: KeySupervisionSubjectKind; region_code: string | null }>(
      `SELECT e.subject_kind, ${OWNER.regionCode} AS region_code FROM ${FROM} WHERE e.exited_at IS NULL AND ${ownerScopeSql(scope, OWNER, params)}`,
      params,
    );
    return rows.map((r) => ({ subjectKind: r.subject_kind, regionCode: r.region_code ?? undefined }));
  }

  /** The vehicles listed now, in scope (the live map's highlight, the raised alert severity). */
  async listedVehicleIds(scope?: OwnerScope): Promise<string[]> {
    const params: unknown[] = [];
    const { rows } = await this.db.query<{ subject_id: string }>(
      `SELECT e.subject_id FROM ${FROM} WHERE e.subject_kind = 'vehicle' AND e.exited_at IS NULL AND ${ownerScopeSql(scope, OWNER, params)} ORDER BY 1`,
      params,
    );
    return rows.map((r) => r.subject_id);
  }

  /** An officer's release: closes the open entry with who, when and why. False when it is not open (already exited). */
  async release(entryId: string, release: { byUsername: string; atMs: number; comment: string }, db: Queryable = this.db): Promise<boolean> {
    const { rowCount } = await db.query(
      `UPDATE key_supervision_entries SET exited_at = ${msToTs('$2')}, exit_kind = 'released', released_by = $3, release_comment = $4, updated_at = now()
        WHERE entry_id = $1 AND exited_at IS NULL`,
      [entryId, release.atMs, release.byUsername, release.comment],
    );
    return (rowCount ?? 0) > 0;
  }

  // ─── the job's side ───────────────────────────────────────────────────────────────

  /** Every open entry, and per subject the instant of its latest officer release (`vehicle:<id>` / `company:<id>`). */
  async jobState(db: Queryable = this.db): Promise<{ open: Map<string, KeySupervisionEntryRecord>; lastReleaseMs: Map<string, number> }> {
    const open = await db.query<EntryRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE e.exited_at IS NULL`);
    const released = await db.query<{ subject_kind: string; subject_id: string; at: Date }>(
      `SELECT subject_kind, subject_id, max(exited_at) AS at FROM key_supervision_entries WHERE exit_kind = 'released' GROUP BY 1, 2`,
    );
    return {
      open: new Map(open.rows.map((r) => [`${r.subject_kind}:${r.subject_id}`, recordOf(r)])),
      lastReleaseMs: new Map(released.rows.map((r) => [`${r.subject_kind}:${r.subject_id}`, r.at.getTime()])),
    };
  }

  async open(entry: OpenKeySupervisionEntry, db: Queryable = this.db): Promise<string> {
    const entryId = randomUUID();
    await db.query(
      `INSERT INTO key_supervision_entries (entry_id, subject_kind, subject_id, company_id, region_code, listed_at, reasons, last_trigger_at)
       VALUES ($1, $2, $3, $4, $5, ${msToTs('$6')}, $7::jsonb, ${msToTs('$8')})`,
      [
        entryId,
        entry.subjectKind,
        entry.subjectId,
        entry.companyId ?? null,
        entry.regionCode ?? null,
        entry.listedAtMs,
        JSON.stringify(entry.reasons),
        entry.lastTriggerAtMs,
      ],
    );
    return entryId;
  }

  /** New reasons and a later last trigger on an open entry. */
  async extend(
    entryId: string,
    update: { reasons: KeySupervisionReason[]; lastTriggerAtMs: number; companyId?: string | undefined; regionCode?: string | undefined },
    db: Queryable = this.db,
  ): Promise<void> {
    await db.query(
      `UPDATE key_supervision_entries SET reasons = $2::jsonb, last_trigger_at = ${msToTs('$3')}, company_id = COALESCE($4, company_id), region_code = COALESCE($5, region_code), updated_at = now()
        WHERE entry_id = $1 AND exited_at IS NULL`,
      [entryId, JSON.stringify(update.reasons), update.lastTriggerAtMs, update.companyId ?? null, update.regionCode ?? null],
    );
  }

  /** The automatic exit, dated exactly when the last trigger left the window (not when the job noticed). */
  async closeQuiet(entryId: string, exitedAtMs: number, db: Queryable = this.db): Promise<void> {
    await db.query(
      `UPDATE key_supervision_entries SET exited_at = ${msToTs('$2')}, exit_kind = 'quiet_30d', updated_at = now() WHERE entry_id = $1 AND exited_at IS NULL`,
      [entryId, exitedAtMs],
    );
  }

  /** A vehicle's quality days named as evidence (`vehicleId/YYYY-MM-DD`). */
  async qualityDays(
    vehicleId: string,
    days: readonly string[],
  ): Promise<{ day: string; trackM: number; completeTrackM: number; received: number; valid: number; final: boolean }[]> {
    const { rows } = await this.db.query<{ day: string; track_m: number; complete_track_m: number; received: number; valid: number; final: boolean }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, track_m, complete_track_m, received, valid, final FROM vehicle_quality_daily
        WHERE vehicle_id = $1 AND day = ANY($2::date[]) ORDER BY day`,
      [vehicleId, days],
    );
    return rows.map((r) => ({ day: r.day, trackM: r.track_m, completeTrackM: r.complete_track_m, received: r.received, valid: r.valid, final: r.final }));
  }
}
