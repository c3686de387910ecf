import type { AlertRule, AlertV1, Severity } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { OWNER_OF, ownerScopeSql, type OwnerScope } from './owner';
import { chunked, inTransaction, latestByKey, msToTs, toColumns } from './sql';

const COLUMNS = [
  'alert_id',
  'started_at',
  'revision',
  'vehicle_id',
  'plate',
  'company_id',
  'region_code',
  'driver_id',
  'rule',
  'level',
  'severity',
  'ended_at',
  'raised_at',
  'points',
  'fine_yuan',
  'summary',
  'summary_en',
  'details',
  'evidence',
  'latitude_deg',
  'longitude_deg',
  'received_late_by_ms',
  'first_raised_at',
  'limit_passed_at',
] as const;
const TYPES = [
  'text',
  'float8',
  'int4',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'text',
  'float8',
  'float8',
  'int4',
  'float8',
  'text',
  'text',
  'text',
  'text',
  'float8',
  'float8',
  'int8',
  'float8',
  'float8',
] as const;
const NAMES = COLUMNS.map((_, i) => `c${i}`);
const EXPR: Record<string, (n: string) => string> = {
  started_at: msToTs,
  ended_at: msToTs,
  raised_at: msToTs,
  first_raised_at: msToTs,
  limit_passed_at: msToTs,
  details: (n) => `${n}::jsonb`,
  evidence: (n) => `${n}::jsonb`,
};
const NEWER = 'alerts.revision < EXCLUDED.revision';
/** What a stored alert takes from an incoming revision: the newer revision's value, with two exceptions. */
const SET: Record<string, string> = Object.fromEntries(
  COLUMNS.filter((c) => c !== 'alert_id' && c !== 'started_at').map((c) => [c, `CASE WHEN ${NEWER} THEN EXCLUDED.${c} ELSE alerts.${c} END`]),
);
// First raised: the earliest any revision said, whatever order they came in (LEAST skips NULLs).
SET['first_raised_at'] = 'LEAST(alerts.first_raised_at, EXCLUDED.first_raised_at)';
// The limit instant is the alert's, not the revision's: a revision without it (an older producer) keeps it.
SET['limit_passed_at'] =
  `CASE WHEN ${NEWER} THEN COALESCE(EXCLUDED.limit_passed_at, alerts.limit_passed_at) ELSE COALESCE(alerts.limit_passed_at, EXCLUDED.limit_passed_at) END`;

// A later revision replaces the row; an earlier or equal one (re-delivery, reordering) changes
// nothing but an earlier first-raised time.
const UPSERT_SQL = `INSERT INTO alerts (${COLUMNS.join(', ')})
SELECT ${COLUMNS.map((c, i) => (EXPR[c] ? EXPR[c](NAMES[i] as string) : NAMES[i])).join(', ')}
FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS u(${NAMES.join(', ')})
ON CONFLICT (alert_id, started_at) DO UPDATE SET ${Object.entries(SET)
  .map(([c, value]) => `${c} = ${value}`)
  .join(', ')}, stored_at = now()
WHERE ${NEWER} OR EXCLUDED.first_raised_at < alerts.first_raised_at OR (alerts.first_raised_at IS NULL AND EXCLUDED.first_raised_at IS NOT NULL)
  OR (alerts.limit_passed_at IS NULL AND EXCLUDED.limit_passed_at IS NOT NULL)`;

// Every revision once: the message as received, keyed by (alert, start, revision).
const INSERT_REVISIONS_SQL = `INSERT INTO alert_revisions (alert_id, started_at, revision, vehicle_id, raised_at, alert)
SELECT c0, ${msToTs('c1')}, c2, c3, ${msToTs('c4')}, c5::jsonb
FROM unnest($1::text[], $2::float8[], $3::int4[], $4::text[], $5::float8[], $6::text[]) AS u(c0, c1, c2, c3, c4, c5)
ON CONFLICT DO NOTHING`;
const revisionRowOf = (a: AlertV1): unknown[] => [a.alertId, a.startedAtMs, a.revision, a.vehicleId, a.raisedAtMs, JSON.stringify(a)];

/** The first-raised time a revision vouches for: its own field, else (older producers) its raising. */
const firstRaisedOf = (a: AlertV1): number => a.firstRaisedAtMs ?? a.raisedAtMs;

const rowOf = (a: AlertV1): unknown[] => [
  a.alertId,
  a.startedAtMs,
  a.revision,
  a.vehicleId,
  a.plate ?? null,
  a.companyId ?? null,
  a.regionCode ?? null,
  a.driverId ?? null,
  a.rule,
  a.level,
  a.severity,
  a.endedAtMs ?? null,
  a.raisedAtMs,
  a.points ?? null,
  a.fineYuan ?? null,
  a.summary,
  a.summaryEn ?? null,
  JSON.stringify(a.details ?? {}),
  JSON.stringify(a.evidence ?? {}),
  a.latitudeDeg ?? null,
  a.longitudeDeg ?? null,
  a.receivedLateByMs ?? null,
  firstRaisedOf(a),
  a.limitPassedAtMs ?? null,
];

/** An `alerts` row (NULL is an absent optional field). */
interface AlertRow {
  alert_id: string;
  revision: number;
  vehicle_id: string;
  rule: AlertV1['rule'];
  level: AlertV1['level'];
  severity: AlertV1['severity'];
  started_at: Date;
  raised_at: Date;
  summary: string;
  details: AlertV1['details'];
  evidence: AlertV1['evidence'];
  plate: string | null;
  company_id: string | null;
  region_code: string | null;
  driver_id: string | null;
  ended_at: Date | null;
  points: number | null;
  fine_yuan: number | null;
  summary_en: string | null;
  latitude_deg: number | null;
  longitude_deg: number | null;
  /** bigint: pg answers text. */
  received_late_by_ms: string | null;
  first_raised_at: Date | null;
  limit_passed_at: Date | null;
}

const alertOf = (r: AlertRow): AlertV1 => {
  const a: AlertV1 = {
    v: 1,
    alertId: r.alert_id,
    revision: r.revision,
    vehicleId: r.vehicle_id,
    rule: r.rule,
    level: r.level,
    severity: r.severity,
    startedAtMs: r.started_at.getTime(),
    raisedAtMs: r.raised_at.getTime(),
    summary: r.summary,
    details: r.details,
    evidence: r.evidence,
  };
  if (r.plate !== null) a.plate = r.plate;
  if (r.company_id !== null) a.companyId = r.company_id;
  if (r.region_code !== null) a.regionCode = r.region_code;
  if (r.driver_id !== null) a.driverId = r.driver_id;
  if (r.ended_at !== null) a.endedAtMs = r.ended_at.getTime();
  if (r.points !== null) a.points = r.points;
  if (r.fine_yuan !== null) a.fineYuan = r.fine_yuan;
  if (r.summary_en !== null) a.summaryEn = r.summary_en;
  if (r.latitude_deg !== null) a.latitudeDeg = r.latitude_deg;
  if (r.longitude_deg !== null) a.longitudeDeg = r.longitude_deg;
  if (r.received_late_by_ms !== null) a.receivedLateByMs = Number(r.received_late_by_ms);
  if (r.first_raised_at !== null) a.firstRaisedAtMs = r.first_raised_at.getTime();
  if (r.limit_passed_at !== null) a.limitPassedAtMs = r.limit_passed_at.getTime();
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

/** An alert's row with its owner as the registry sees it now and its newest acknowledgement (NULL: none). */
type StoredAlertRow = AlertRow & {
  owner_company: string | null;
  owner_region: string | null;
} & ({ acked_at: Date; by_username: string; comment: string } | { acked_at: null; by_username: null; comment: null });

const storedAlertOf = (r: StoredAlertRow): StoredAlert => {
  const owner: StoredAlert['owner'] = {};
  if (r.owner_company !== null) owner.companyId = r.owner_company;
  if (r.owner_region !== null) owner.regionCode = r.owner_region;
  return {
    ...alertOf(r),
    owner,
    ack: r.acked_at ? { byUsername: r.by_username, atMs: r.acked_at.getTime(), comment: r.comment } : null,
  };
};

export class AlertRepository {
  constructor(private readonly pool: StoragePool) {}

  /**
   * Keeps every revision (once each) and makes the alerts row the highest revision, with the
   * earliest first-raised time of any revision seen; returns alerts rows inserted or updated.
   */
  async upsertMany(alerts: readonly AlertV1[]): Promise<number> {
    const keyOf = (a: AlertV1): string => `${a.alertId}\u0000${a.startedAtMs}`;
    const revisions = latestByKey(
      alerts,
      (a) => `${keyOf(a)}\u0000${a.revision}`,
      () => false,
    );
    // The highest revision per alert, carrying the earliest first-raised time of the batch.
    const earliest = new Map<string, number>();
    for (const a of alerts) earliest.set(keyOf(a), Math.min(earliest.get(keyOf(a)) ?? Infinity, firstRaisedOf(a)));
    const newest = latestByKey(alerts, keyOf, (a, kept) => a.revision > kept.revision).map((a) => ({
      ...a,
      firstRaisedAtMs: earliest.get(keyOf(a)) as number,
    }));
    let changed = 0;
    for (const batch of chunked(newest, 2_000)) {
      changed += await inTransaction(this.pool, async (client) => {
        // An alert's row and its history are written together.
        const keys = new Set(batch.map(keyOf));
        const history = revisions.filter((r) => keys.has(keyOf(r)));
        for (const part of chunked(history, 2_000)) await client.query(INSERT_REVISIONS_SQL, toColumns(part, 6, revisionRowOf));
        return (await client.query(UPSERT_SQL, toColumns(batch, COLUMNS.length, rowOf))).rowCount ?? 0;
      });
    }
    return changed;
  }

  /**
   * Every stored revision of one alert, oldest first, as published; empty when the alert does
   * not exist or the scope does not admit it (the same scope as `get`).
   */
  async revisions(alertId: string, scope?: OwnerScope): Promise<AlertV1[]> {
    const params: unknown[] = [alertId];
    const { rows } = await this.pool.query<{ alert: AlertV1 }>(
      `SELECT r.alert FROM alert_revisions r
       WHERE r.alert_id = $1 AND (r.alert_id, r.started_at) IN (
         SELECT a.alert_id, a.started_at FROM alerts a
         LEFT JOIN vehicles v ON v.vehicle_id = a.vehicle_id
         LEFT JOIN companies c ON c.company_id = v.company_id
         WHERE a.alert_id = $1 AND ${ownerScopeSql(scope, OWNER, params)})
       ORDER BY r.started_at, r.revision`,
      params,
    );
    return rows.map((r) => r.alert);
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
    const { rows } = await this.pool.query<StoredAlertRow>(
      `${SELECT_WITH_OWNER_AND_ACK} WHERE ${where.join(' AND ')} ORDER BY a.started_at DESC, a.alert_id, a.revision DESC
       LIMIT $${params.push(query.limit ?? 200)} OFFSET $${params.push(query.offset ?? 0)}`,
      params,
    );
    return rows.map(storedAlertOf);
  }

  /** Undefined when the alert does not exist or the scope does not admit it. */
  async get(alertId: string, scope?: OwnerScope): Promise<StoredAlert | undefined> {
    const params: unknown[] = [alertId];
    const { rows } = await this.pool.query<StoredAlertRow>(
      `${SELECT_WITH_OWNER_AND_ACK} WHERE a.alert_id = $1 AND ${ownerScopeSql(scope, OWNER, params)} ORDER BY a.started_at DESC, a.alert_id, a.revision DESC LIMIT 1`,
      params,
    );
    return rows[0] ? storedAlertOf(rows[0]) : undefined;
  }

  /** Records who acknowledged, when, and why (history is kept; the newest counts). */
  async acknowledge(alertId: string, ack: AlertAck): Promise<void> {
    await this.pool.query(
      `INSERT INTO alert_acks (alert_id, acked_at, by_username, comment) VALUES ($1, ${msToTs('$2::float8')}, $3, $4) ON CONFLICT DO NOTHING`,
      [alertId, ack.atMs, ack.byUsername, ack.comment],
    );
  }
}
