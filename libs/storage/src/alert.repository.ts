import type { AlertRule, AlertV1, Severity } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import { chunked, latestByKey, msToTs, toColumns } from './sql';

const COLUMNS = [
  'alert_id', 'started_at', 'revision', 'vehicle_id', 'plate', 'company_id', 'region_code', 'driver_id', 'rule', 'level', 'severity',
  'ended_at', 'raised_at', 'points', 'fine_yuan', 'summary', 'summary_en', 'details', 'evidence', 'latitude_deg', 'longitude_deg',
  'received_late_by_ms',
] as const;
const TYPES = ['text', 'float8', 'int4', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'float8', 'float8', 'int4',
  'float8', 'text', 'text', 'text', 'text', 'float8', 'float8', 'int8'] as const;
const NAMES = COLUMNS.map((_, i) => `c${i}`);
const EXPR: Record<string, (n: string) => string> = {
  started_at: msToTs, ended_at: msToTs, raised_at: msToTs, details: (n) => `${n}::jsonb`, evidence: (n) => `${n}::jsonb`,
};
const UPDATABLE = COLUMNS.filter((c) => c !== 'alert_id' && c !== 'started_at');

// A later revision replaces the row; an earlier or equal one (re-delivery, reordering) is ignored.
const UPSERT_SQL = `INSERT INTO alerts (${COLUMNS.join(', ')})
SELECT ${COLUMNS.map((c, i) => (EXPR[c] ? EXPR[c](NAMES[i] as string) : NAMES[i])).join(', ')}
FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${NAMES.join(', ')})
ON CONFLICT (alert_id, started_at) DO UPDATE SET ${UPDATABLE.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, stored_at = now()
WHERE alerts.revision < EXCLUDED.revision`;

const rowOf = (a: AlertV1): unknown[] => [
  a.alertId, a.startedAtMs, a.revision, a.vehicleId, a.plate ?? null, a.companyId ?? null, a.regionCode ?? null, a.driverId ?? null,
  a.rule, a.level, a.severity, a.endedAtMs ?? null, a.raisedAtMs, a.points ?? null, a.fineYuan ?? null, a.summary, a.summaryEn ?? null,
  JSON.stringify(a.details ?? {}), JSON.stringify(a.evidence ?? {}), a.latitudeDeg ?? null, a.longitudeDeg ?? null,
  a.receivedLateByMs ?? null,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg row
const alertOf = (r: any): AlertV1 => {
  const a: AlertV1 = {
    v: 1, alertId: r.alert_id, revision: r.revision, vehicleId: r.vehicle_id, rule: r.rule, level: r.level, severity: r.severity,
    startedAtMs: (r.started_at as Date).getTime(), raisedAtMs: (r.raised_at as Date).getTime(), summary: r.summary,
    details: r.details, evidence: r.evidence,
  };
  if (r.plate !== null) a.plate = r.plate;
  if (r.company_id !== null) a.companyId = r.company_id;
  if (r.region_code !== null) a.regionCode = r.region_code;
  if (r.driver_id !== null) a.driverId = r.driver_id;
  if (r.ended_at !== null) a.endedAtMs = (r.ended_at as Date).getTime();
  if (r.points !== null) a.points = r.points;
  if (r.fine_yuan !== null) a.fineYuan = r.fine_yuan;
  if (r.summary_en !== null && r.summary_en !== undefined) a.summaryEn = r.summary_en;
  if (r.latitude_deg !== null) a.latitudeDeg = r.latitude_deg;
  if (r.longitude_deg !== null) a.longitudeDeg = r.longitude_deg;
  if (r.received_late_by_ms !== null && r.received_late_by_ms !== undefined) a.receivedLateByMs = Number(r.received_late_by_ms);
  return a;
};

/** Who an alert belongs to: the registry is the authority, the alert's own copy covers vehicles missing from it. */
const OWNER = OWNER_OF.vehicleRecord(OWNER_OF.vehicle('v', 'c'), { companyId: 'a.company_id', regionCode: 'a.region_code' });

const SELECT_WITH_OWNER_AND_ACK = `
  SELECT DISTINCT ON (a.started_at, a.alert_id) a.*, ${OWNER.companyId} AS owner_company, ${OWNER.regionCode} AS owner_region,
         k.acked_at, k.by_username, k.comment
  FROM alerts a
  LEFT JOIN vehicles v ON v.vehicle_id = a.vehicle_id
  LEFT JOIN companies c ON c.company_id = v.company_id
  LEFT JOIN LATERAL (SELECT acked_at, by_username, comment FROM alert_acks WHERE alert_id = a.alert_id ORDER BY acked_at DESC LIMIT 1) k ON TRUE`;

export interface AlertAck {
  byUsername: string;
  atMs: number;
  comment: string;
}

/** An alert as stored, with its owner as the registry sees it now and its newest acknowledgement. */
export interface StoredAlert extends AlertV1 {
  owner: { companyId?: string; regionCode?: string };
  ack: AlertAck | null;
}

export interface AlertQuery {
  fromMs?: number | undefined;
  toMs?: number | undefined;
  rules?: AlertRule[] | undefined;
  severities?: Severity[] | undefined;
  levels?: AlertV1['level'][] | undefined;
  /** The owner's company (registry first). */
  companyId?: string | undefined;
  /** A prefix of the owner's 行政区划代码. */
  regionCode?: string | undefined;
  vehicleId?: string | undefined;
  acknowledged?: boolean | undefined;
  /** What the asking user may see (company / region), on the owner. */
  scope?: OwnerScope | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg row
const storedAlertOf = (r: any): StoredAlert => {
  const owner: StoredAlert['owner'] = {};
  if (r.owner_company !== null) owner.companyId = r.owner_company;
  if (r.owner_region !== null) owner.regionCode = r.owner_region;
  return {
    ...alertOf(r),
    owner,
    ack: r.acked_at ? { byUsername: r.by_username, atMs: (r.acked_at as Date).getTime(), comment: r.comment } : null,
  };
};

export class AlertRepository {
  constructor(private readonly pool: StoragePool) {}

  /** Inserts new alerts and applies newer revisions; returns rows inserted or updated. */
  async upsertMany(alerts: readonly AlertV1[]): Promise<number> {
    // The highest revision per alert.
    const newest = latestByKey(alerts, (a) => `${a.alertId}\u0000${a.startedAtMs}`, (a, kept) => a.revision > kept.revision);
    let changed = 0;
    for (const batch of chunked(newest, 2_000)) changed += (await this.pool.query(UPSERT_SQL, toColumns(batch, COLUMNS.length, rowOf))).rowCount ?? 0;
    return changed;
  }

  /** Newest first; every filter optional, the scope always applied. */
  async find(query: AlertQuery): Promise<StoredAlert[]> {
    const params: unknown[] = [];
    const where = [ownerScopeSql(query.scope, OWNER, params)];
    if (query.rules?.length) where.push(`a.rule = ANY($${params.push(query.rules)})`);
    if (query.severities?.length) where.push(`a.severity = ANY($${params.push(query.severities)})`);
    if (query.levels?.length) where.push(`a.level = ANY($${params.push(query.levels)})`);
    if (query.companyId !== undefined) where.push(`${OWNER.companyId} = $${params.push(query.companyId)}`);
    if (query.regionCode !== undefined) where.push(ownerScopeSql({ regionPrefix: query.regionCode }, OWNER, params));
    if (query.vehicleId !== undefined) where.push(`a.vehicle_id = $${params.push(query.vehicleId)}`);
    if (query.fromMs !== undefined) where.push(`a.started_at >= ${msToTs(`$${params.push(query.fromMs)}::float8`)}`);
    if (query.toMs !== undefined) where.push(`a.started_at < ${msToTs(`$${params.push(query.toMs)}::float8`)}`);
    if (query.acknowledged !== undefined) where.push(query.acknowledged ? 'k.acked_at IS NOT NULL' : 'k.acked_at IS NULL');
    const { rows } = await this.pool.query(
      `${SELECT_WITH_OWNER_AND_ACK} WHERE ${where.join(' AND ')} ORDER BY a.started_at DESC, a.alert_id, a.revision DESC
       LIMIT $${params.push(query.limit ?? 200)} OFFSET $${params.push(query.offset ?? 0)}`,
      params,
    );
    return rows.map(storedAlertOf);
  }

  /** Undefined when the alert does not exist or the scope does not admit it. */
  async get(alertId: string, scope?: OwnerScope): Promise<StoredAlert | undefined> {
    const params: unknown[] = [alertId];
    const { rows } = await this.pool.query(
      `${SELECT_WITH_OWNER_AND_ACK} WHERE a.alert_id = $1 AND ${ownerScopeSql(scope, OWNER, params)} ORDER BY a.started_at DESC, a.alert_id, a.revision DESC LIMIT 1`,
      params,
    );
    return rows[0] ? storedAlertOf(rows[0]) : undefined;
  }

  /** Records who acknowledged, when, and why (history is kept; the newest counts). */
  async acknowledge(alertId: string, ack: AlertAck): Promise<void> {
    await this.pool.query(`INSERT INTO alert_acks (alert_id, acked_at, by_username, comment) VALUES ($1, ${msToTs('$2::float8')}, $3, $4) ON CONFLICT DO NOTHING`, [
      alertId,
      ack.atMs,
      ack.byUsername,
      ack.comment,
    ]);
  }
}
