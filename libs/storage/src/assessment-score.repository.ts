import type { AssessmentConfigPatch, IndicatorScore } from '@roadwatch/rules';
import { ownerScopeSql, type OwnerScope } from './owner';
import { msToTs, type Queryable } from './sql';

/** One row of `assessment_scores` (RULES.md §10, §15). */
export interface AssessmentScoreRow {
  subjectKind: 'company' | 'platform';
  /** A company id, or the region code of an authority platform. */
  subjectId: string;
  /** The company's name; the region code again for a platform. */
  subjectName?: string;
  regionCode?: string;
  periodKind: 'month' | 'rolling_7d';
  periodStartMs: number;
  periodEndMs: number;
  assessed: boolean;
  totalScore?: number;
  anyIndicatorZero: boolean;
  /** 处理率 in %, listed, never scored; undefined when nothing was due. */
  handlingRatePct?: number;
  /** The handling counts behind it. */
  handling?: { numerator: number; denominator: number; pendingAppeals: number; acceptedAppeals: number };
  indicators: IndicatorScore[];
  /** When it was computed, by the database's clock (set on save). */
  computedAtMs?: number;
}

/** What the repository lists: a period kind, optionally one subject, and a window of period starts in ms (the API's `AssessmentScoreQuery` speaks in months). */
export interface AssessmentScoreFilter {
  subjectKind?: 'company' | 'platform';
  subjectId?: string;
  periodKind: 'month' | 'rolling_7d';
  fromMs?: number;
  toMs?: number;
}

interface ScoreDbRow {
  subject_kind: 'company' | 'platform';
  subject_id: string;
  name: string | null;
  region_code: string | null;
  period_kind: 'month' | 'rolling_7d';
  period_start: Date;
  period_end: Date;
  assessed: boolean;
  total_score: string | null;
  any_indicator_zero: boolean;
  handling_rate_pct: string | null;
  indicators: { indicators?: IndicatorScore[]; handling?: AssessmentScoreRow['handling'] } | IndicatorScore[];
  computed_at: Date;
}

/**
 * The owner of a score row (`OWNER_OF` read for scores): a company's row is the company's (its
 * region the company's), a platform's row belongs to its region and to no company — a company
 * user sees only its own company's rows.
 */
const SCORE_OWNER = {
  companyId: `CASE WHEN s.subject_kind = 'company' THEN s.subject_id END`,
  regionCode: `CASE WHEN s.subject_kind = 'company' THEN coalesce(c.region_code, s.region_code) ELSE s.subject_id END`,
};

/** 考核 scores: written by supervision's scores job alone (read through `AssessmentScoreReadModel`). */
export class AssessmentScoreRepository {
  constructor(private readonly db: Queryable) {}

  /** Replaces the rows of one period (a recomputation overwrites, never adds). */
  async save(rows: readonly AssessmentScoreRow[]): Promise<void> {
    for (const row of rows) {
      await this.db.query(
        `INSERT INTO assessment_scores (subject_kind, subject_id, region_code, period_kind, period_start, period_end, assessed, total_score,
           any_indicator_zero, handling_rate_pct, indicators, computed_at)
         VALUES ($1, $2, $3, $4, ${msToTs('$5::float8')}, ${msToTs('$6::float8')}, $7, $8, $9, $10, $11::jsonb, now())
         ON CONFLICT (subject_kind, subject_id, period_kind, period_start) DO UPDATE SET
           region_code = EXCLUDED.region_code, period_end = EXCLUDED.period_end, assessed = EXCLUDED.assessed, total_score = EXCLUDED.total_score,
           any_indicator_zero = EXCLUDED.any_indicator_zero, handling_rate_pct = EXCLUDED.handling_rate_pct, indicators = EXCLUDED.indicators,
           computed_at = EXCLUDED.computed_at`,
        [
          row.subjectKind,
          row.subjectId,
          row.regionCode ?? null,
          row.periodKind,
          row.periodStartMs,
          row.periodEndMs,
          row.assessed,
          row.totalScore ?? null,
          row.anyIndicatorZero,
          row.handlingRatePct ?? null,
          JSON.stringify({ indicators: row.indicators, handling: row.handling }),
        ],
      );
    }
  }
}

/** 考核 scores as the API reads them: in the caller's scope. */
export class AssessmentScoreReadModel {
  constructor(private readonly db: Queryable) {}

  /** The scores the scope admits, newest period first, then by score (the ranking), then id. */
  async list(scope: OwnerScope, query: AssessmentScoreFilter, limit = 1_000): Promise<AssessmentScoreRow[]> {
    const params: unknown[] = [query.periodKind];
    const where = [`s.period_kind = $1`, ownerScopeSql(scope, SCORE_OWNER, params)];
    if (query.subjectKind) where.push(`s.subject_kind = $${params.push(query.subjectKind)}`);
    if (query.subjectId) where.push(`s.subject_id = $${params.push(query.subjectId)}`);
    if (query.fromMs !== undefined) where.push(`s.period_start >= ${msToTs(`$${params.push(query.fromMs)}::float8`)}`);
    if (query.toMs !== undefined) where.push(`s.period_start < ${msToTs(`$${params.push(query.toMs)}::float8`)}`);
    const { rows } = await this.db.query<ScoreDbRow>(
      `SELECT s.*, c.name FROM assessment_scores s LEFT JOIN companies c ON s.subject_kind = 'company' AND c.company_id = s.subject_id
       WHERE ${where.join(' AND ')}
       ORDER BY s.period_start DESC, s.subject_kind, s.total_score DESC NULLS LAST, s.subject_id LIMIT ${Math.max(1, Math.min(limit, 10_000))}`,
      params,
    );
    return rows.map((r) => {
      const stored = Array.isArray(r.indicators) ? { indicators: r.indicators } : r.indicators;
      return {
        subjectKind: r.subject_kind,
        subjectId: r.subject_id,
        subjectName: r.name ?? r.subject_id,
        regionCode: r.region_code ?? undefined,
        periodKind: r.period_kind,
        periodStartMs: r.period_start.getTime(),
        periodEndMs: r.period_end.getTime(),
        assessed: r.assessed,
        totalScore: r.total_score === null ? undefined : Number(r.total_score),
        anyIndicatorZero: r.any_indicator_zero,
        handlingRatePct: r.handling_rate_pct === null ? undefined : Number(r.handling_rate_pct),
        handling: stored.handling,
        indicators: stored.indicators ?? [],
        computedAtMs: r.computed_at.getTime(),
      };
    });
  }
}

/** A region's override of the 2016 table (`assessment_settings`). */
export interface AssessmentSettingRow {
  regionCode: string;
  configPatch: AssessmentConfigPatch;
  updatedBy: string;
  updatedAtMs: number;
}

export class AssessmentSettingsRepository {
  constructor(private readonly db: Queryable) {}

  async all(): Promise<AssessmentSettingRow[]> {
    const { rows } = await this.db.query<{ region_code: string; config_patch: AssessmentConfigPatch; updated_by: string; updated_at: Date }>(
      `SELECT region_code, config_patch, updated_by, updated_at FROM assessment_settings ORDER BY region_code`,
    );
    return rows.map((r) => ({ regionCode: r.region_code, configPatch: r.config_patch, updatedBy: r.updated_by, updatedAtMs: r.updated_at.getTime() }));
  }

  /** Sets (replaces) a region's override; an empty patch puts the region back on the table's defaults. */
  async put(regionCode: string, configPatch: AssessmentConfigPatch, updatedBy: string): Promise<void> {
    if (Object.keys(configPatch).length === 0) {
      await this.db.query(`DELETE FROM assessment_settings WHERE region_code = $1`, [regionCode]);
      return;
    }
    await this.db.query(
      `INSERT INTO assessment_settings (region_code, config_patch, updated_by) VALUES ($1, $2::jsonb, $3)
       ON CONFLICT (region_code) DO UPDATE SET config_patch = EXCLUDED.config_patch, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [regionCode, JSON.stringify(configPatch), updatedBy],
    );
  }
}

/**
 * Which months the scores job must (re)compute: a month with no scores yet, and one whose
 * scores are older than what changed under them — an admin's recompute request, an import of
 * its 运政 list (both dated by the database's clock, as `computed_at`), or an appeal decided on
 * one of its alerts (RULES §15: a pending appeal keeps the alert out until decided, then the
 * month is recomputed) — seen as fewer pending appeals than the scores counted, whatever clock
 * the handling part ran on.
 */
export class AssessmentScheduleReadModel {
  constructor(private readonly db: Queryable) {}

  async staleMonths(months: readonly { startMs: number; endMs: number; listMonth: string }[]): Promise<string[]> {
    const stale: string[] = [];
    for (const month of months) {
      const { rows } = await this.db.query<{ stale: boolean }>(
        `WITH computed AS (
           SELECT min(computed_at) AS at,
                  coalesce(sum((indicators -> 'handling' ->> 'pendingAppeals')::int) FILTER (WHERE subject_kind = 'company'), 0) AS pending
           FROM assessment_scores WHERE period_kind = 'month' AND period_start = ${msToTs('$1::float8')}
         )
         SELECT (SELECT at FROM computed) IS NULL
           OR EXISTS (SELECT 1 FROM assessment_recompute_requests r WHERE r.list_month = $3::date AND r.requested_at > (SELECT at FROM computed))
           OR EXISTS (SELECT 1 FROM operating_vehicles o WHERE o.list_month = $3::date AND o.imported_at > (SELECT at FROM computed))
           OR (SELECT count(*) FROM alert_handling h
               WHERE h.appeal_state = 'pending' AND h.due AND NOT h.withdrawn AND h.first_notified_at IS NOT NULL
                 AND h.deadline_at >= ${msToTs('$1::float8')} AND h.deadline_at < ${msToTs('$2::float8')}
                 AND h.company_id IN (SELECT subject_id FROM assessment_scores WHERE subject_kind = 'company' AND period_kind = 'month' AND period_start = ${msToTs('$1::float8')})
              ) < (SELECT pending FROM computed) AS stale`,
        [month.startMs, month.endMs, month.listMonth],
      );
      if (rows[0]?.stale) stale.push(month.listMonth);
    }
    return stale;
  }

  /** Whether the rolling 7 days ending at `endMs` were computed. */
  async rollingComputed(endMs: number): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT 1 FROM assessment_scores WHERE period_kind = 'rolling_7d' AND period_end = ${msToTs('$1::float8')} LIMIT 1`, [
      endMs,
    ]);
    return rows.length > 0;
  }
}

/** The admin's request to recompute a month's scores (`assessment_recompute_requests`). */
export class AssessmentRecomputeRequestRepository {
  constructor(private readonly db: Queryable) {}

  /** Dated by the database's clock, as the scores' `computed_at` it is compared with. */
  async request(listMonth: string, requestedBy: string): Promise<void> {
    await this.db.query(
      `INSERT INTO assessment_recompute_requests (list_month, requested_by, requested_at) VALUES ($1::date, $2, clock_timestamp())
       ON CONFLICT (list_month) DO UPDATE SET requested_by = EXCLUDED.requested_by, requested_at = EXCLUDED.requested_at`,
      [listMonth, requestedBy],
    );
  }
}
