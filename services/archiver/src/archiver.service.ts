import type { Bus, FailurePolicyOptions, Subscription } from '@roadwatch/messaging';
import type { Logger, ReadinessCheck, ServiceMetrics } from '@roadwatch/runtime';
import { runMaintenance, type StoragePool } from '@roadwatch/storage';
import { ARCHIVED_TOPICS, ArchiveBatch } from './archive-batch.usecase';
import type { ArchiveWriter } from './archive-writer';
import type { LatestPositionStore } from './latest/latest-position-store';
import { MaintenanceLoop, type MaintenanceTask } from './maintenance';
import { PgArchiveWriter } from './pg-archive.writer';

export interface ArchiverOptions {
  bus: Bus;
  /** A migrated storage schema (`createPool` + `migrate` of @roadwatch/storage). */
  pool: StoragePool;
  latestPositions: LatestPositionStore;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Default `archiver`. */
  groupId?: string;
  /** Default: PgArchiveWriter (the storage repositories) over `pool`. */
  writer?: ArchiveWriter;
  /**
   * Periodic storage maintenance, default `runMaintenance(pool)` of @roadwatch/storage
   * every 15 min; `false` turns it off (a cluster whose TimescaleDB runs its own policies
   * may leave it on: the pass then finds the scheduler and only reports).
   */
  maintenance?: false | { task?: MaintenanceTask; intervalMs?: number; initialDelayMs?: number };
  /** Retry / isolate policy of the consumer (default the bus's: 5 attempts, then the refused record goes to `<topic>.dlq`). */
  failurePolicy?: FailurePolicyOptions;
  /** `/ready` turns false when a partition has lag and no committed progress for this long (default the bus's, 60 s). */
  stallAfterMs?: number;
  /** The platform clock (default Date.now): an entry of the latest-position store ahead of it by more than clockSkewMs gives way. */
  now?: () => number;
  /** A position dated more than this after its receipt is archived, never a vehicle's latest (default 10 min, DEFAULT_CLOCK_SKEW_MS). */
  clockSkewMs?: number;
}

export interface RunningArchiver {
  /** Database, latest-position store and consumer, for `/ready`. */
  readiness: ReadinessCheck[];
  /** One maintenance pass now (tests, and the standalone host at start-up). */
  runMaintenance(): Promise<void>;
  close(): Promise<void>;
}

/**
 * archiver: one consumer group over positions, WIM records, alerts and
 * the detector's daily quality counters;
 * each partition batch goes to the database through the storage repositories, positions then to the
 * latest-position cache, and only then does the handler resolve — so the bus commits the
 * offsets after the database committed (at-least-once, absorbed by natural keys).
 */
export const startArchiver = async (options: ArchiverOptions): Promise<RunningArchiver> => {
  const { bus, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const writer = options.writer ?? new PgArchiveWriter(options.pool);
  const positionWrites = metrics.counter(
    'archiver_position_writes_total',
    'Position writes (database, then the latest-position cache): fewer than position batches when the batches of partitions handled at once are joined',
  );
  const archive = new ArchiveBatch({
    writer,
    latestPositions: options.latestPositions,
    now,
    onPositionWrite: () => positionWrites.inc(),
    ...(options.clockSkewMs !== undefined ? { clockSkewMs: options.clockSkewMs } : {}),
  });

  const rows = metrics.counter('archiver_rows_written_total', 'Rows inserted or changed, by table', ['table']);
  const messages = metrics.counter('archiver_messages_total', 'Messages archived (including redelivered duplicates), by topic', ['topic']);
  const failures = metrics.counter('archiver_batch_failures_total', 'Batches that failed and will be handed again, by topic', ['topic']);
  const latency = metrics.histogram(
    'archiver_batch_seconds',
    'Time to archive one partition batch (database + cache), by topic',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ['topic'],
  );
  const lag = metrics.gauge('archiver_lag_seconds', 'Age of the newest archived message when its batch committed, by topic', ['topic']);
  const latestMoved = metrics.counter('archiver_latest_positions_moved_total', 'Latest-position entries moved forward');

  let consuming = false;
  const subscription: Subscription = await bus.subscribe({
    groupId: options.groupId ?? 'archiver',
    topics: ARCHIVED_TOPICS,
    fromBeginning: true,
    ...(options.failurePolicy ? { failurePolicy: options.failurePolicy } : {}),
    ...(options.stallAfterMs ? { stallAfterMs: options.stallAfterMs } : {}),
    handleBatch: async (batch) => {
      try {
        const outcome = await archive.handle(batch);
        rows.inc({ table: outcome.table }, outcome.rows);
        messages.inc({ topic: outcome.topic }, outcome.messages);
        latency.observe({ topic: outcome.topic }, outcome.durationMs / 1000);
        lag.set({ topic: outcome.topic }, Math.max(0, now() - outcome.lastTimestampMs) / 1000);
        if (outcome.latestMoved) latestMoved.inc(outcome.latestMoved);
        logger.debug(
          { topic: outcome.topic, partition: batch.partition, messages: outcome.messages, rows: outcome.rows, durationMs: outcome.durationMs },
          'batch archived',
        );
      } catch (error) {
        failures.inc({ topic: batch.topic });
        logger.error(
          { err: error, topic: batch.topic, partition: batch.partition, firstOffset: batch.messages[0]?.offset, messages: batch.messages.length },
          'archiving a batch failed; the bus retries it, or isolates and dead-letters the records the database refuses',
        );
        throw error;
      }
    },
  });
  consuming = true;

  let loop: MaintenanceLoop | null = null;
  if (options.maintenance !== false) {
    const settings = options.maintenance ?? {};
    loop = new MaintenanceLoop({
      task: settings.task ?? (() => runMaintenance(options.pool)),
      intervalMs: settings.intervalMs ?? 15 * 60_000,
      initialDelayMs: settings.initialDelayMs ?? 30_000,
      logger,
      metrics,
    });
    loop.start();
  }

  logger.info({ groupId: options.groupId ?? 'archiver', topics: ARCHIVED_TOPICS }, 'archiver consuming');
  return {
    readiness: [
      { name: 'database', check: () => writer.ping() },
      { name: 'latest-positions', check: () => options.latestPositions.ping() },
      // Joined, and no partition with lag stuck without progress (a poison batch, a database that does not come back).
      { name: 'consumer', check: () => consuming && subscription.stalled().length === 0 },
    ],
    runMaintenance: async () => {
      if (loop) return loop.runOnce();
      logger.info({ summary: await runMaintenance(options.pool) }, 'storage maintenance done');
    },
    close: async () => {
      consuming = false;
      await loop?.stop();
      await subscription.close();
    },
  };
};
