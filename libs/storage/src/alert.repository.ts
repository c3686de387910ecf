import type { AlertRule, AlertV1, Severity } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { chunked, msToTs } from './sql';

const COLUMNS = [
  'alert_id', 'started_at', 'revision', 'vehicle_id', 'plate', 'company_id', 'region_code', 'driver_id', 'rule', 'level', 'severity',
  'ended_at', 'raised_at', 'points', 'fine_yuan', 'summary', 'summary_en', 'details', 'evidence', 'latitude_deg', 'longitude_deg',
] as const;
const TYPES = ['text', 'float8', 'int4', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'float8', 'float8', 'int4',
  'float8', 'text', 'text', 'text', 'text', 'float8', 'float8'] as const;
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
  return a;
};

export interface AlertQuery {
  fromMs: number;
  toMs: number;
  rules?: AlertRule[];
  severities?: Severity[];
  levels?: AlertV1['level'][];
  companyId?: string;
  regionCode?: string;
  vehicleId?: string;
  limit?: number;
}

export class AlertRepository {
  constructor(private readonly pool: StoragePool) {}

  /** Inserts new alerts and applies newer revisions; returns rows inserted or updated. */
  async upsertMany(alerts: readonly AlertV1[]): Promise<number> {
    // One statement may not touch a row twice: keep the highest revision per alert.
    const newest = new Map<string, AlertV1>();
    for (const a of alerts) {
      const key = `${a.alertId}\u0000${a.startedAtMs}`;
      const seen = newest.get(key);
      if (!seen || seen.revision < a.revision) newest.set(key, a);
    }
    let changed = 0;
    for (const batch of chunked([...newest.values()], 2_000)) {
      const columns: unknown[][] = COLUMNS.map(() => new Array(batch.length));
      batch.forEach((a, row) => rowOf(a).forEach((value, col) => ((columns[col] as unknown[])[row] = value)));
      changed += (await this.pool.query(UPSERT_SQL, columns)).rowCount ?? 0;
    }
    return changed;
  }

  async find(query: AlertQuery): Promise<AlertV1[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM alerts
       WHERE started_at >= ${msToTs('$1::float8')} AND started_at < ${msToTs('$2::float8')}
         AND ($3::text[] IS NULL OR rule = ANY($3))
         AND ($4::text[] IS NULL OR severity = ANY($4))
         AND ($5::text[] IS NULL OR level = ANY($5))
         AND ($6::text IS NULL OR company_id = $6)
         AND ($7::text IS NULL OR region_code = $7)
         AND ($8::text IS NULL OR vehicle_id = $8)
       ORDER BY started_at DESC, alert_id LIMIT $9`,
      [query.fromMs, query.toMs, query.rules ?? null, query.severities ?? null, query.levels ?? null, query.companyId ?? null,
        query.regionCode ?? null, query.vehicleId ?? null, query.limit ?? 200],
    );
    return rows.map(alertOf);
  }

  async get(alertId: string): Promise<AlertV1 | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM alerts WHERE alert_id = $1 ORDER BY revision DESC LIMIT 1', [alertId]);
    return rows[0] ? alertOf(rows[0]) : undefined;
  }
}
