import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import type { StoragePool } from './pool';
import { escapeLike, msToTs, type Queryable } from './sql';

// The kinds and statuses of `targeting_alerts` (migrations 0021, 0024): the contract's, one list.
import type { TargetingKind, TargetingStatus } from '@roadwatch/contracts';

export interface TargetingRecord {
  /** Deterministic (kind + what started it), so a redelivered weighing never makes a second lead. */
  targetingId: string;
  kind: TargetingKind;
  plate: string;
  plateColour: number;
  vehicleId?: string;
  stationId?: string;
  measurementId?: string;
  occurredAtMs: number;
  regionCode?: string;
  victimCompanyId?: string;
  priority: 'normal' | 'high';
  evidence: Record<string, unknown>;
}

export interface StoredTargeting extends TargetingRecord {
  status: TargetingStatus;
  decisionNote?: string;
  decidedBy?: string;
  decidedAtMs?: number;
  createdAtMs: number;
  updatedAtMs: number;
}

interface TargetingRow {
  targeting_id: string;
  kind: TargetingKind;
  plate: string;
  plate_colour: number;
  vehicle_id: string | null;
  station_id: string | null;
  measurement_id: string | null;
  occurred_at: Date;
  region_code: string | null;
  victim_company_id: string | null;
  priority: 'normal' | 'high';
  evidence: Record<string, unknown>;
  status: TargetingStatus;
  decision_note: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const targetingOf = (r: TargetingRow): StoredTargeting => ({
  targetingId: r.targeting_id,
  kind: r.kind,
  plate: r.plate,
  plateColour: r.plate_colour,
  ...(r.vehicle_id !== null ? { vehicleId: r.vehicle_id } : {}),
  ...(r.station_id !== null ? { stationId: r.station_id } : {}),
  ...(r.measurement_id !== null ? { measurementId: r.measurement_id } : {}),
  occurredAtMs: r.occurred_at.getTime(),
  ...(r.region_code !== null ? { regionCode: r.region_code } : {}),
  ...(r.victim_company_id !== null ? { victimCompanyId: r.victim_company_id } : {}),
  priority: r.priority,
  evidence: r.evidence,
  status: r.status,
  ...(r.decision_note !== null ? { decisionNote: r.decision_note } : {}),
  ...(r.decided_by !== null ? { decidedBy: r.decided_by } : {}),
  ...(r.decided_at !== null ? { decidedAtMs: r.decided_at.getTime() } : {}),
  createdAtMs: r.created_at.getTime(),
  updatedAtMs: r.updated_at.getTime(),
});

/**
 * `targeting_alerts` as the enforcement analyses write them: one row per lead, keyed
 * deterministically so re-processing a weighing rewrites the same row (its evidence and
 * priority) and never adds one. An officer's decision (status) is never undone by a re-write.
 */
export interface TargetingFilter {
  kind?: TargetingKind | undefined;
  status?: TargetingStatus | undefined;
  fromMs?: number | undefined;
  toMs?: number | undefined;
  /** A plate or the start of one. */
  plate?: string | undefined;
  limit?: number;
  offset?: number;
}

export class TargetingRepository {
  constructor(private readonly pool: StoragePool | Queryable) {}

  /** Leads in scope (`OWNER_OF.targeting`), newest first. */
  async list(filter: TargetingFilter, scope: OwnerScope): Promise<StoredTargeting[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(scope, OWNER_OF.targeting('t'), params)];
    if (filter.kind !== undefined) where.push(`t.kind = $${params.push(filter.kind)}`);
    if (filter.status !== undefined) where.push(`t.status = $${params.push(filter.status)}`);
    if (filter.fromMs !== undefined) where.push(`t.occurred_at >= ${msToTs(`$${params.push(filter.fromMs)}::float8`)}`);
    if (filter.toMs !== undefined) where.push(`t.occurred_at < ${msToTs(`$${params.push(filter.toMs)}::float8`)}`);
    if (filter.plate !== undefined) where.push(`t.plate LIKE $${params.push(`${escapeLike(filter.plate)}%`)}`);
    const { rows } = await this.pool.query<TargetingRow>(
      `SELECT t.* FROM targeting_alerts t WHERE ${where.join(' AND ')}
       ORDER BY t.occurred_at DESC, t.targeting_id LIMIT $${params.push(filter.limit ?? 100)} OFFSET $${params.push(filter.offset ?? 0)}`,
      params,
    );
    return rows.map(targetingOf);
  }

  /** One lead if the scope admits it (else undefined, as an id that does not exist). */
  async getInScope(targetingId: string, scope: OwnerScope): Promise<StoredTargeting | undefined> {
    const params: unknown[] = [targetingId];
    const { rows } = await this.pool.query<TargetingRow>(
      `SELECT t.* FROM targeting_alerts t WHERE t.targeting_id = $1 AND ${ownerScopeSql(scope, OWNER_OF.targeting('t'), params)}`,
      params,
    );
    return rows[0] ? targetingOf(rows[0]) : undefined;
  }

  /** An officer's decision on an open lead; false when it was decided already (nothing changed). */
  async decide(targetingId: string, decision: { status: 'referred' | 'dismissed'; note: string; byUsername: string; atMs: number }): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE targeting_alerts SET status = $2, decision_note = $3, decided_by = $4, decided_at = ${msToTs('$5::float8')}, updated_at = now()
       WHERE targeting_id = $1 AND status = 'open'`,
      [targetingId, decision.status, decision.note, decision.byUsername, decision.atMs],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Stores a lead or refreshes its evidence and priority; answers whether it was new. */
  async record(t: TargetingRecord, db: Queryable = this.pool): Promise<{ created: boolean }> {
    const { rows } = await db.query<{ created: boolean }>(
      `INSERT INTO targeting_alerts (targeting_id, kind, plate, plate_colour, vehicle_id, station_id, measurement_id, occurred_at,
         region_code, victim_company_id, priority, evidence)
       VALUES ($1, $2, $3, $4, $5, $6, $7, ${msToTs('$8::float8')}, $9, $10, $11, $12::jsonb)
       ON CONFLICT (targeting_id) DO UPDATE SET priority = EXCLUDED.priority, evidence = EXCLUDED.evidence, updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [
        t.targetingId,
        t.kind,
        t.plate,
        t.plateColour,
        t.vehicleId ?? null,
        t.stationId ?? null,
        t.measurementId ?? null,
        t.occurredAtMs,
        t.regionCode ?? null,
        t.victimCompanyId ?? null,
        t.priority,
        JSON.stringify(t.evidence),
      ],
    );
    return { created: rows[0]?.created === true };
  }

  /** The weighings of one kind of lead against a vehicle in [fromMs, toMs] (套牌's earlier conflicts, §14). */
  async weighingsOf(kind: TargetingKind, vehicleId: string, fromMs: number, toMs: number): Promise<Array<{ measurementId: string; measuredAtMs: number }>> {
    const { rows } = await this.pool.query<{ measurement_id: string; occurred_at: Date }>(
      `SELECT measurement_id, occurred_at FROM targeting_alerts
       WHERE kind = $1 AND vehicle_id = $2 AND measurement_id IS NOT NULL
         AND occurred_at BETWEEN ${msToTs('$3::float8')} AND ${msToTs('$4::float8')}
       ORDER BY occurred_at`,
      [kind, vehicleId, fromMs, toMs],
    );
    return rows.map((r) => ({ measurementId: r.measurement_id, measuredAtMs: r.occurred_at.getTime() }));
  }

  /** The open lead of one kind against a vehicle (大吨小标 keeps one open per vehicle), if any. */
  async openOf(kind: TargetingKind, vehicleId: string): Promise<StoredTargeting | undefined> {
    const { rows } = await this.pool.query<TargetingRow>(
      `SELECT * FROM targeting_alerts WHERE kind = $1 AND vehicle_id = $2 AND status = 'open' ORDER BY created_at DESC LIMIT 1`,
      [kind, vehicleId],
    );
    return rows[0] ? targetingOf(rows[0]) : undefined;
  }

  async get(targetingId: string): Promise<StoredTargeting | undefined> {
    const { rows } = await this.pool.query<TargetingRow>('SELECT * FROM targeting_alerts WHERE targeting_id = $1', [targetingId]);
    return rows[0] ? targetingOf(rows[0]) : undefined;
  }

  async ofVehicle(vehicleId: string): Promise<StoredTargeting[]> {
    const { rows } = await this.pool.query<TargetingRow>('SELECT * FROM targeting_alerts WHERE vehicle_id = $1 ORDER BY occurred_at, targeting_id', [
      vehicleId,
    ]);
    return rows.map(targetingOf);
  }
}
