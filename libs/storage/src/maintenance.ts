import type pg from 'pg';
import { assertIdentifier, type StoragePool } from './pool';
import { presentSeries, readMeta, type StorageMode } from './migrate';
import { SERIES } from './settings';

export interface MaintenanceOptions {
  /**
   * 'auto' (default) looks for TimescaleDB's background scheduler in pg_stat_activity;
   * with one running, policies do the work and this step only reports.
   */
  scheduler?: 'auto' | 'present' | 'absent';
  /** Recompute every day rather than the configured look-back window. */
  refreshAll?: boolean;
}

export interface MaintenanceReport {
  mode: StorageMode;
  schedulerRunning: boolean;
  refreshedDaily: boolean;
  compressedChunks: number;
  droppedChunks: number;
  createdPartitions: number;
  droppedPartitions: number;
  /** Vehicle-days of quality counters past `qualityDailyRetention`, deleted. */
  droppedQualityDays: number;
}

async function schedulerRunning(client: pg.PoolClient): Promise<boolean> {
  // The embedded build shows no backends at all; a real server lists its scheduler.
  const { rows } = await client.query<{ running: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                    WHERE backend_type LIKE 'TimescaleDB Background Worker Scheduler%' AND datname = current_database()) AS running`,
  );
  return rows[0]?.running ?? false;
}

async function countPartitions(client: pg.PoolClient, schema: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relnamespace = $1::regnamespace AND p.relkind = 'p' AND p.relname = ANY($2::text[])`,
    [schema, SERIES.map((s) => s.table)],
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * The archiver's periodic upkeep. On TimescaleDB without a working job scheduler (the
 * embedded build never runs jobs) it does what the policies would: refresh the daily
 * continuous aggregate, drop chunks past retention, compress chunks past compressAfter.
 * On plain PostgreSQL it creates partitions ahead and drops expired ones (pg_partman's
 * run_maintenance, else the hand-written functions) and refreshes the daily rollup.
 * Not in a transaction: refresh_continuous_aggregate refuses to run inside one.
 */
export async function runMaintenance(pool: StoragePool, options: MaintenanceOptions = {}): Promise<MaintenanceReport> {
  const schema = assertIdentifier(pool.roadwatch.schema);
  const client = await pool.connect();
  try {
    const meta = await readMeta(client);
    const { settings } = meta;
    const series = await presentSeries(client, schema);
    const report: MaintenanceReport = {
      mode: meta.mode,
      schedulerRunning: false,
      refreshedDaily: false,
      compressedChunks: 0,
      droppedChunks: 0,
      createdPartitions: 0,
      droppedPartitions: 0,
      droppedQualityDays: 0,
    };

    // A plain table on both servers: no policy of TimescaleDB's covers it, so this runs even
    // where the scheduler does the rest. Local dates (Asia/Shanghai, no DST).
    // (A schema migrated before 0006 has no such table yet.)
    const quality = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`${schema}.vehicle_quality_daily`]);
    if (quality.rows[0]?.t) {
      const expired = await client.query(`DELETE FROM vehicle_quality_daily WHERE day < ((now() AT TIME ZONE 'Asia/Shanghai') - $1::interval)::date`, [
        settings.qualityDailyRetention,
      ]);
      report.droppedQualityDays = expired.rowCount ?? 0;
    }

    if (meta.mode === 'timescaledb') {
      report.schedulerRunning = options.scheduler === 'present' || (options.scheduler !== 'absent' && (await schedulerRunning(client)));
      if (report.schedulerRunning) return report;

      // CALL takes no bind parameters on every server: the window start is a literal
      // the server itself computed.
      const start = options.refreshAll
        ? 'NULL'
        : client.escapeLiteral(
            (await client.query<{ start: string }>(`SELECT (now() - $1::interval)::text AS start`, [settings.dailyRefreshLookback])).rows[0]?.start ?? '',
          ) + '::timestamptz';
      await client.query(`CALL refresh_continuous_aggregate('${schema}.vehicle_daily', ${start}, NULL)`);
      report.refreshedDaily = true;

      for (const { table: name, key } of series) {
        const table = `${schema}.${name}`;
        const s = settings[key];
        const dropped = await client.query('SELECT drop_chunks($1::regclass, older_than => $2::interval)', [table, s.retention]);
        report.droppedChunks += dropped.rowCount ?? 0;
        const compressed = await client.query(
          `SELECT compress_chunk(format('%I.%I', chunk_schema, chunk_name)::regclass, if_not_compressed => true)
           FROM timescaledb_information.chunks
           WHERE hypertable_schema = $1 AND hypertable_name = $2 AND NOT is_compressed AND range_end < now() - $3::interval`,
          [schema, name, s.compressAfter],
        );
        report.compressedChunks += compressed.rowCount ?? 0;
      }
      return report;
    }

    const before = await countPartitions(client, schema);
    let dropped = 0;
    for (const { table: name, key } of series) {
      const table = `${schema}.${name}`;
      const s = settings[key];
      if (meta.partmanSchema) {
        const partman = assertIdentifier(meta.partmanSchema);
        // Creates ahead and drops by part_config.retention; the report gives the net change.
        await client.query(`SELECT ${partman}.run_maintenance(p_parent_table => $1, p_analyze => false, p_jobmon => false)`, [table]);
      } else {
        const made = await client.query<{ n: number }>('SELECT rw_ensure_partitions($1::regclass, $2::interval, $3) AS n', [
          table,
          s.chunkInterval,
          settings.premakePartitions,
        ]);
        report.createdPartitions += made.rows[0]?.n ?? 0;
        const gone = await client.query<{ n: number }>('SELECT rw_drop_partitions($1::regclass, $2::interval) AS n', [table, s.retention]);
        dropped += gone.rows[0]?.n ?? 0;
      }
    }
    if (meta.partmanSchema) {
      const net = (await countPartitions(client, schema)) - before;
      report.createdPartitions = Math.max(0, net);
      report.droppedPartitions = Math.max(0, -net);
    } else {
      report.droppedPartitions = dropped;
    }

    if (options.refreshAll) await client.query('SELECT rw_refresh_vehicle_daily(NULL, NULL)');
    else await client.query('SELECT rw_refresh_vehicle_daily(now() - $1::interval, NULL)', [settings.dailyRefreshLookback]);
    report.refreshedDaily = true;
    return report;
  } finally {
    client.release();
  }
}
