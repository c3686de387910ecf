import type pg from 'pg';
import type { Logger, ServiceMetrics } from '@roadwatch/runtime';

/** One maintenance pass over the storage schema; resolves to a summary worth logging. */
export type MaintenanceTask = () => Promise<unknown>;

/**
 * Runs the storage maintenance now and then, one pass at a time (a slow pass is never
 * overlapped by the next). The embedded TimescaleDB has no job scheduler, so this loop is
 * what refreshes the daily rollup, compresses and drops chunks there; on plain PostgreSQL
 * it keeps the partitions ahead and the rollup table fresh.
 */
export class MaintenanceLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly runs;
  private readonly duration;
  lastSuccessMs: number | null = null;

  constructor(
    private readonly options: { task: MaintenanceTask; intervalMs: number; initialDelayMs?: number; logger: Logger; metrics: ServiceMetrics },
  ) {
    this.runs = options.metrics.counter('archiver_maintenance_runs_total', 'Storage maintenance passes, by outcome', ['outcome']);
    this.duration = options.metrics.histogram('archiver_maintenance_seconds', 'Duration of a storage maintenance pass', [0.05, 0.25, 1, 5, 30, 120, 600]);
  }

  start(): void {
    this.schedule(this.options.initialDelayMs ?? 5_000);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.runOnce().finally(() => this.schedule(this.options.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  /** One pass now (or joins the pass in progress); never rejects, failures are logged and counted. */
  runOnce(): Promise<void> {
    this.running ??= (async () => {
      const end = this.duration.startTimer();
      try {
        const summary = await this.options.task();
        this.lastSuccessMs = Date.now();
        this.runs.inc({ outcome: 'ok' });
        this.options.logger.info({ summary }, 'storage maintenance done');
      } catch (error) {
        this.runs.inc({ outcome: 'failed' });
        this.options.logger.error({ err: error }, 'storage maintenance failed; next pass retries');
      } finally {
        end();
        this.running = null;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

interface MetaRow {
  mode: 'timescaledb' | 'plain';
  partitioner: 'partman' | 'native' | null;
  partman_schema: string | null;
  settings: {
    positions: { chunkInterval: string; compressAfter: string; retention: string };
    wimMeasurements: { chunkInterval: string; compressAfter: string; retention: string };
    alerts: { chunkInterval: string; compressAfter: string; retention: string };
    dailyRefreshLookback: string;
    premakePartitions: number;
  };
}

const SERIES = [
  { table: 'positions', key: 'positions' },
  { table: 'wim_measurements', key: 'wimMeasurements' },
  { table: 'alerts', key: 'alerts' },
] as const;

/**
 * Stand-in for libs/storage's `runMaintenance()`, which had not landed when the archiver
 * was written: the same duties over the schema the pool's search_path points at, read
 * from `storage_meta`. TimescaleDB: refresh the continuous aggregate, compress chunks past
 * `compressAfter`, drop chunks past `retention` (only where no scheduler runs the policies,
 * i.e. always on the embedded server). Plain PostgreSQL: partitions ahead and retention
 * (pg_partman's run_maintenance or the migrations' rw_* functions), then the rollup table.
 */
export const fallbackMaintenance = (pool: pg.Pool, options: { embedded: boolean; schema: string }): MaintenanceTask => async () => {
  const meta = (await pool.query<MetaRow>('SELECT mode, partitioner, partman_schema, settings FROM storage_meta')).rows[0];
  if (!meta) throw new Error('storage schema not migrated (no storage_meta row)');
  const s = meta.settings;
  const done: Record<string, number> = {};
  if (meta.mode === 'timescaledb') {
    const scheduler = options.embedded
      ? false
      : Boolean((await pool.query(`SELECT 1 FROM pg_stat_activity WHERE application_name LIKE 'TimescaleDB Background Worker Scheduler%' LIMIT 1`)).rowCount);
    if (scheduler) return { mode: meta.mode, scheduler: true };
    // CALL may not run in a transaction block: a lone statement over the pool is autocommit.
    await pool.query(`CALL refresh_continuous_aggregate('vehicle_daily', now() - $1::interval, now() - INTERVAL '1 hour')`, [s.dailyRefreshLookback]);
    for (const series of SERIES) {
      const cfg = s[series.key];
      const compressed = await pool.query(
        `SELECT compress_chunk(c, if_not_compressed => true) FROM show_chunks($1::regclass, older_than => $2::interval) c`,
        [series.table, cfg.compressAfter],
      );
      const dropped = await pool.query(`SELECT drop_chunks($1::regclass, older_than => $2::interval)`, [series.table, cfg.retention]);
      done[`${series.table}.compressed`] = compressed.rowCount ?? 0;
      done[`${series.table}.dropped`] = dropped.rowCount ?? 0;
    }
    return { mode: meta.mode, scheduler: false, ...done };
  }
  for (const series of SERIES) {
    const cfg = s[series.key];
    if (meta.partitioner === 'partman' && meta.partman_schema) {
      await pool.query(`SELECT "${meta.partman_schema}".run_maintenance(p_parent_table => $1, p_analyze => false)`, [`${options.schema}.${series.table}`]);
    } else {
      const made = await pool.query<{ n: number }>('SELECT rw_ensure_partitions($1::regclass, $2::interval, $3) AS n', [series.table, cfg.chunkInterval, s.premakePartitions]);
      const dropped = await pool.query<{ n: number }>('SELECT rw_drop_partitions($1::regclass, $2::interval) AS n', [series.table, cfg.retention]);
      done[`${series.table}.made`] = made.rows[0]?.n ?? 0;
      done[`${series.table}.dropped`] = dropped.rows[0]?.n ?? 0;
    }
  }
  const refreshed = await pool.query<{ n: number }>(`SELECT rw_refresh_vehicle_daily(now() - $1::interval, NULL) AS n`, [s.dailyRefreshLookback]);
  return { mode: meta.mode, partitioner: meta.partitioner, ...done, dailyRows: refreshed.rows[0]?.n ?? 0 };
};
