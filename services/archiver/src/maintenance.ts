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

  constructor(private readonly options: { task: MaintenanceTask; intervalMs: number; initialDelayMs?: number; logger: Logger; metrics: ServiceMetrics }) {
    this.runs = options.metrics.counter('archiver_maintenance_runs_total', 'Storage maintenance passes, by outcome', ['outcome']);
    this.duration = options.metrics.histogram('archiver_maintenance_seconds', 'Duration of a storage maintenance pass', [0.05, 0.25, 1, 5, 30, 120, 600]);
  }

  start(): void {
    this.schedule(this.options.initialDelayMs ?? 5_000);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // runOnce never rejects (it logs and counts a failed pass); the catch covers a throwing schedule.
      void this.runOnce()
        .finally(() => this.schedule(this.options.intervalMs))
        .catch((error: unknown) => this.options.logger.error({ err: error }, 'storage maintenance could not be rescheduled'));
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
