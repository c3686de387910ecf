import type { Logger } from 'pino';
import type { DeadLetterStage } from './batch-processor';
import { consumerMetricsOf, type ConsumerMetrics, type MetricsRegistryOwner } from './consumer-metrics';

/** A partition a consumer owns, has not finished, and has made no committed progress on for too long. */
export interface StalledPartition {
  groupId: string;
  /** Physical topic. */
  topic: string;
  partition: number;
  /** Records between the committed position and the end of the partition, as last seen. */
  lag: number;
  noProgressForMs: number;
}

export interface ProgressWatchdogOptions {
  groupId: string;
  /** No committed progress for this long while the partition has lag = stalled. Default 60 s. */
  stallAfterMs: number;
  logger: Logger;
  metrics?: MetricsRegistryOwner;
  /** Where a partition ends now, when the adapter knows it without fetching (in-process); else the last fetch's high watermark counts. */
  endOffsetOf?: (topic: string, partition: number) => bigint | undefined;
  now?: () => number;
}

interface PartitionProgress {
  topic: string;
  partition: number;
  position: bigint;
  endOffset: bigint;
  /** Since when the partition has had lag without committed progress; null while it has none. */
  waitingSinceMs: number | null;
  stalled: boolean;
}

export const defaultStallAfterMs = 60_000;

/**
 * Watches one consumer's partitions: each fetched batch tells where the partition ends,
 * each commit where the consumer is. A partition with lag and no commit for `stallAfterMs`
 * is stalled (a batch retried for ever, a handler that hangs): the watchdog logs it once
 * (and its recovery), sets `roadwatch_consumer_stalled{group,topic,partition}` and
 * answers `stalled()`, which the services put behind `/ready`. Both adapters feed it the
 * same way; the check runs on a timer so a consumer stuck inside a batch is still seen.
 */
export class ProgressWatchdog {
  private readonly partitions = new Map<string, PartitionProgress>();
  private readonly metrics: ConsumerMetrics | undefined;
  private readonly now: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: ProgressWatchdogOptions) {
    if (!(options.stallAfterMs > 0)) throw new Error(`stallAfterMs must be > 0, got ${options.stallAfterMs}`);
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics ? consumerMetricsOf(options.metrics) : undefined;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), Math.max(50, Math.min(5_000, Math.floor(this.options.stallAfterMs / 4))));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const progress of [...this.partitions.values()]) this.forget(progress.topic, progress.partition);
  }

  /** A batch starting at `firstOffset` was fetched from a partition that ends (high watermark) at `endOffset`. */
  fetched(topic: string, partition: number, firstOffset: bigint, endOffset: bigint): void {
    const progress = this.progressOf(topic, partition, firstOffset);
    if (firstOffset > progress.position) progress.position = firstOffset;
    progress.endOffset = endOffset > progress.endOffset ? endOffset : progress.endOffset;
    this.observe(progress, false);
  }

  /** The consumer committed: `nextOffset` is the next record it will read. */
  committed(topic: string, partition: number, nextOffset: bigint, endOffset?: bigint): void {
    const progress = this.progressOf(topic, partition, nextOffset);
    const moved = nextOffset > progress.position;
    progress.position = nextOffset > progress.position ? nextOffset : progress.position;
    if (endOffset !== undefined && endOffset > progress.endOffset) progress.endOffset = endOffset;
    this.observe(progress, moved);
  }

  dead(topic: string, stage: DeadLetterStage, count: number): void {
    this.metrics?.deadLetters.inc({ group: this.options.groupId, topic, stage }, count);
  }

  /** The partition left this member (revoke, close). */
  forget(topic: string, partition: number): void {
    const key = `${topic}\u0000${partition}`;
    if (!this.partitions.delete(key)) return;
    const labels = { group: this.options.groupId, topic, partition: String(partition) };
    this.metrics?.stalled.remove(labels);
    this.metrics?.lag.remove(labels);
  }

  /** Re-evaluates every partition (the timer does this; tests may call it). */
  check(): void {
    for (const progress of this.partitions.values()) {
      const endOffset = this.options.endOffsetOf?.(progress.topic, progress.partition);
      if (endOffset !== undefined && endOffset > progress.endOffset) progress.endOffset = endOffset;
      this.observe(progress, false);
    }
  }

  stalled(): StalledPartition[] {
    this.check();
    const nowMs = this.now();
    return [...this.partitions.values()]
      .filter((progress) => progress.stalled)
      .map((progress) => ({
        groupId: this.options.groupId,
        topic: progress.topic,
        partition: progress.partition,
        lag: Number(progress.endOffset - progress.position),
        noProgressForMs: nowMs - (progress.waitingSinceMs ?? nowMs),
      }));
  }

  private progressOf(topic: string, partition: number, position: bigint): PartitionProgress {
    const key = `${topic}\u0000${partition}`;
    let progress = this.partitions.get(key);
    if (!progress) {
      progress = { topic, partition, position, endOffset: position, waitingSinceMs: null, stalled: false };
      this.partitions.set(key, progress);
    }
    return progress;
  }

  private observe(progress: PartitionProgress, moved: boolean): void {
    const nowMs = this.now();
    const lag = progress.endOffset > progress.position ? progress.endOffset - progress.position : 0n;
    if (lag === 0n) progress.waitingSinceMs = null;
    else if (moved || progress.waitingSinceMs === null) progress.waitingSinceMs = nowMs;
    const stalled = progress.waitingSinceMs !== null && nowMs - progress.waitingSinceMs >= this.options.stallAfterMs;
    const labels = { group: this.options.groupId, topic: progress.topic, partition: String(progress.partition) };
    this.metrics?.lag.set(labels, Number(lag));
    this.metrics?.stalled.set(labels, stalled ? 1 : 0);
    if (stalled === progress.stalled) return;
    progress.stalled = stalled;
    const line = {
      groupId: this.options.groupId,
      topic: progress.topic,
      partition: progress.partition,
      lag: Number(lag),
      stallAfterMs: this.options.stallAfterMs,
    };
    if (stalled) {
      this.options.logger.error(
        { ...line, noProgressForMs: nowMs - progress.waitingSinceMs! },
        'consumer stalled: no committed progress while the partition has lag; /ready is false until it moves',
      );
    } else {
      this.options.logger.info(line, 'consumer moving again');
    }
  }
}
