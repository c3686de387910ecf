import type { Logger } from 'pino';
import type { Batch, BusTopic, MessageHeaders, ReceivedMessage } from './bus';
import { deadLetterOf, decodeValue } from './codec';
import type { DeadLetterV1 } from '@roadwatch/contracts';

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 200, maxMs: 10_000 };

export const backoffDelayMs = (attempt: number, options: BackoffOptions): number =>
  Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt - 1, 20));

/** A sleep that ends early when the signal aborts (close or revocation must not wait out a backoff). */
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A record as fetched from a partition (Kafka or in-process), before parsing. */
export interface FetchedRecord {
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: MessageHeaders;
  timestampMs: number;
}

export interface ProcessBatchParams {
  /** Logical topic (schema lookup, what the handler sees). */
  topic: BusTopic;
  /** Physical topic (what a dead letter names as its source). */
  physicalTopic: string;
  partition: number;
  records: readonly FetchedRecord[];
  handleBatch(batch: Batch): Promise<void>;
  publishDeadLetters(letters: { key: string | null; value: DeadLetterV1 }[]): Promise<void>;
  /** Aborted when this member must stop working on the partition (close, revoke, crash). */
  signal: AbortSignal;
  backoff: BackoffOptions;
  logger: Logger;
  /** Called between attempts (the Kafka adapter heartbeats here; a rebalance error propagates). */
  beforeRetry?(): Promise<void>;
  now?(): number;
}

/**
 * What both adapters do with one fetched partition batch: parse and validate every record,
 * dead-letter the bad ones (once), hand the good ones to the handler as one call, and
 * retry with backoff until the handler succeeds. Returns true when the batch is done and
 * its offsets may be committed; false when the signal aborted first (nothing to commit:
 * the next owner gets the batch again).
 */
export const processBatch = async (params: ProcessBatchParams): Promise<boolean> => {
  const { topic, partition, records, logger } = params;
  const now = params.now ?? Date.now;
  const messages: ReceivedMessage[] = [];
  const letters: { key: string | null; value: DeadLetterV1 }[] = [];
  for (const record of records) {
    const decoded = decodeValue(topic, record.value);
    if (decoded.ok) {
      messages.push({ topic, partition, offset: record.offset, key: record.key, value: decoded.value, timestampMs: record.timestampMs, headers: record.headers } as ReceivedMessage);
    } else {
      letters.push({
        key: record.key,
        value: deadLetterOf({ sourceTopic: params.physicalTopic, partition, offset: record.offset, key: record.key, value: record.value, reason: decoded.reason, nowMs: now() }),
      });
    }
  }

  let lettersSent = letters.length === 0;
  let handled = messages.length === 0;
  for (let attempt = 1; ; attempt += 1) {
    if (params.signal.aborted) return false;
    try {
      if (!lettersSent) {
        await params.publishDeadLetters(letters);
        lettersSent = true;
        for (const letter of letters) {
          logger.warn({ topic: params.physicalTopic, partition, offset: letter.value.offset, key: letter.key, reason: letter.value.reason }, 'message dead-lettered');
        }
      }
      if (!handled) {
        await params.handleBatch({ topic, partition, messages } as Batch);
        handled = true;
      }
      return true;
    } catch (error) {
      if (params.signal.aborted) return false;
      const delayMs = backoffDelayMs(attempt, params.backoff);
      logger.warn(
        { err: error, topic: params.physicalTopic, partition, firstOffset: records[0]?.offset, lastOffset: records.at(-1)?.offset, attempt, retryInMs: delayMs, stage: lettersSent ? 'handler' : 'dead-letter' },
        'batch failed; it will be retried, not skipped',
      );
      await sleep(delayMs, params.signal);
      await params.beforeRetry?.();
    }
  }
};
