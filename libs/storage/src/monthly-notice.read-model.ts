import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import { msToTs, tsToMs, undef, type Queryable } from './sql';

/** One company's 考核 score of a month as `assessment_scores` holds it (migration 0015). */
export interface NoticeScoreRow {
  companyId: string;
  companyName?: string | undefined;
  regionCode?: string | undefined;
  assessed: boolean;
  totalScore?: number | undefined;
  anyIndicatorZero: boolean;
  handlingRatePct?: number | undefined;
  /** The scores job's indicators, as stored (jsonb). */
  indicators: unknown;
  computedAtMs: number;
}

/** One 重点监管 listing (`key_supervision_entries`, migration 0015) that was open during the month. */
export interface NoticeKeyEntryRow {
  entryId: string;
  subjectKind: 'vehicle' | 'company';
  subjectId: string;
  plate?: string | undefined;
  companyId?: string | undefined;
  companyName?: string | undefined;
  regionCode?: string | undefined;
  listedAtMs: number;
  lastTriggerAtMs: number;
  /** As stored: [{ code, at, detail, evidence }]. */
  reasons: unknown;
  exitedAtMs?: number | undefined;
  exitKind?: 'quiet_30d' | 'released' | undefined;
  releasedBy?: string | undefined;
  releaseComment?: string | undefined;
}

interface ScoreDbRow {
  subject_id: string;
  name: string | null;
  region_code: string | null;
  assessed: boolean;
  total_score: string | null;
  any_indicator_zero: boolean;
  handling_rate_pct: string | null;
  indicators: unknown;
  computed_at: Date;
}

interface EntryDbRow {
  entry_id: string;
  subject_kind: 'vehicle' | 'company';
  subject_id: string;
  plate: string | null;
  company_id: string | null;
  company_name: string | null;
  region_code: string | null;
  listed_at: Date;
  last_trigger_at: Date;
  reasons: unknown;
  exited_at: Date | null;
  exit_kind: 'quiet_30d' | 'released' | null;
  released_by: string | null;
  release_comment: string | null;
}

/**
 * What the monthly 通报 of a region reads: the companies' month scores and the 重点监管 listings
 * open during the month. Whose a row is: the registry's owner (a company's region; a vehicle's
 * own region, else its company's), else the copy the row carries — as `OWNER_OF.vehicleRecord`.
 */
export class MonthlyNoticeReadModel {
  constructor(private readonly db: Queryable) {}

  /** Company scores of the calendar month starting at `monthStartMs` (China local midnight of the 1st), in scope. */
  async scores(scope: OwnerScope, monthStartMs: number, monthEndMs: number): Promise<NoticeScoreRow[]> {
    const params: unknown[] = [monthStartMs, monthEndMs];
    const owner = OWNER_OF.vehicleRecord(OWNER_OF.company('c'), { companyId: 's.subject_id', regionCode: 's.region_code' });
    const { rows } = await this.db.query<ScoreDbRow>(
      `SELECT s.subject_id, c.name, ${owner.regionCode} AS region_code, s.assessed, s.total_score, s.any_indicator_zero,
              s.handling_rate_pct, s.indicators, s.computed_at
       FROM assessment_scores s LEFT JOIN companies c ON c.company_id = s.subject_id
       -- The month's row, whichever instant of its first day the job dated it from.
       WHERE s.subject_kind = 'company' AND s.period_kind = 'month'
         AND s.period_start >= ${msToTs('$1::float8')} AND s.period_start < ${msToTs('$2::float8')}
         AND ${ownerScopeSql(scope, owner, params)}
       ORDER BY s.subject_id, s.period_start`,
      params,
    );
    return rows.map((r) => ({
      companyId: r.subject_id,
      companyName: undef(r.name),
      regionCode: undef(r.region_code),
      assessed: r.assessed,
      totalScore: r.total_score === null ? undefined : Number(r.total_score),
      anyIndicatorZero: r.any_indicator_zero,
      handlingRatePct: r.handling_rate_pct === null ? undefined : Number(r.handling_rate_pct),
      indicators: r.indicators,
      computedAtMs: r.computed_at.getTime(),
    }));
  }

  /** Listings open at some instant of [monthStartMs, monthEndMs): listed before its end, not exited before its start. */
  async keyEntries(scope: OwnerScope, monthStartMs: number, monthEndMs: number): Promise<NoticeKeyEntryRow[]> {
    const params: unknown[] = [monthStartMs, monthEndMs];
    const registry = OWNER_OF.vehicle('v', 'c');
    const owner = OWNER_OF.vehicleRecord(
      { companyId: `COALESCE(${registry.companyId}, c.company_id)`, regionCode: registry.regionCode },
      { companyId: 'e.company_id', regionCode: 'e.region_code' },
    );
    const { rows } = await this.db.query<EntryDbRow>(
      `SELECT e.entry_id, e.subject_kind, e.subject_id, v.plate, ${owner.companyId} AS company_id, c.name AS company_name,
              ${owner.regionCode} AS region_code, e.listed_at, e.last_trigger_at, e.reasons, e.exited_at, e.exit_kind,
              e.released_by, e.release_comment
       FROM key_supervision_entries e
       LEFT JOIN vehicles v ON e.subject_kind = 'vehicle' AND v.vehicle_id = e.subject_id
       -- A vehicle's company from the registry; a company listing is its own company.
       LEFT JOIN companies c ON c.company_id = COALESCE(v.company_id, CASE WHEN e.subject_kind = 'company' THEN e.subject_id END, e.company_id)
       WHERE e.listed_at < ${msToTs('$2::float8')} AND (e.exited_at IS NULL OR e.exited_at >= ${msToTs('$1::float8')})
         AND ${ownerScopeSql(scope, owner, params)}
       ORDER BY e.listed_at, e.entry_id`,
      params,
    );
    return rows.map((r) => ({
      entryId: r.entry_id,
      subjectKind: r.subject_kind,
      subjectId: r.subject_id,
      plate: undef(r.plate),
      companyId: undef(r.company_id),
      companyName: undef(r.company_name),
      regionCode: undef(r.region_code),
      listedAtMs: r.listed_at.getTime(),
      lastTriggerAtMs: r.last_trigger_at.getTime(),
      reasons: r.reasons,
      exitedAtMs: tsToMs(r.exited_at),
      exitKind: undef(r.exit_kind),
      releasedBy: undef(r.released_by),
      releaseComment: undef(r.release_comment),
    }));
  }
}
