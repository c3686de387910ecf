import type { Logger } from 'pino';
import type { Batch, DurableProgress, BusTopic, MessageHeaders, ReceivedMessage } from './bus';
import { deadLetterOf, decodeValue } from './codec';
import type { DeadLetterV1 } from '@roadwatch/contracts';
import { backoffDelayMs, sleep } from './backoff';
import { describeFailure, type FailureKind, type FailurePolicy } from './failure-policy';

export { backoffDelayMs, defaultBackoff, sleep, type BackoffOptions } from './backoff';

/** A record as fetched from a partition (Kafka or in-process), before parsing. */
export interface FetchedRecord {
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: MessageHeaders;
  timestampMs: number;
}

/** Why a record went to the dead-letter topic: it did not decode, or the handler refused it for good. */
export type DeadLetterStage = 'decode' | 'handler';

export interface ProcessBatchParams {
  /** The consumer group (named in a handler dead letter's reason and in the logs). */
  groupId: string;
  /** Logical topic (schema lookup, what the handler sees). */
  topic: BusTopic;
  /** Physical topic (what a dead letter names as its source). */
  physicalTopic: string;
  partition: number;
  records: readonly FetchedRecord[];
  handleBatch(batch: Batch): Promise<void | DurableProgress>;
  /** `SubscribeOptions.wants`: a record it refuses is skipped before decoding. */
  wants?(record: { topic: BusTopic; key: string | null }): boolean;
  publishDeadLetters(letters: { key: string | null; value: DeadLetterV1 }[]): Promise<void>;
  /** Aborted when this member must stop working on the partition (close, revoke, crash). */
  signal: AbortSignal;
  policy: FailurePolicy;
  logger: Logger;
  /** Called between attempts (the Kafka adapter heartbeats here; a rebalance error propagates). */
  beforeRetry?(): Promise<void>;
  /** Told of every record dead-lettered (metrics). */
  onDeadLettered?(stage: DeadLetterStage, count: number): void;
  now?(): number;
}

type Letter = { key: string | null; value: DeadLetterV1 };

/** A batch done: its last offset, and whether the handler answered with outcomes and how far they were durable. */
export interface HandledBatch {
  lastOffset: bigint;
  outcomes: boolean;
  durableThrough: bigint | null;
}

/**
 * Where each partition's commit may go (both adapters). A handler that resolves with nothing
 * made the whole batch durable: commit through its end. One that answers with a
 * `DurableProgress` holds effects in memory: from then on the partition commits only through
 * what it said is durable (also for a batch that reached no handler, all dead-lettered), and
 * `late` commits more when it says so — never past what was handled, never backwards.
 */
export class CommitTracker {
  private readonly partitions = new Map<string, { committedNext: bigint | null; handledNext: bigint; holding: boolean }>();

  /** The next offset to commit after a handled batch, or null for none. */
  afterBatch(key: string, handled: HandledBatch): bigint | null {
    const entry = this.partitions.get(key) ?? { committedNext: null, handledNext: 0n, holding: false };
    this.partitions.set(key, entry);
    if (handled.lastOffset + 1n > entry.handledNext) entry.handledNext = handled.lastOffset + 1n;
    if (handled.outcomes) entry.holding = true;
    if (!entry.holding) return this.advance(entry, handled.lastOffset + 1n);
    return handled.durableThrough === null ? null : this.advance(entry, handled.durableThrough + 1n);
  }

  /** The next offset to commit after the handler made `durableThrough` durable later, or null. */
  late(key: string, durableThrough: string): bigint | null {
    const entry = this.partitions.get(key);
    return entry ? this.advance(entry, BigInt(durableThrough) + 1n) : null;
  }

  /** The partition left this member: start afresh if it comes back. */
  forget(key: string): void {
    this.partitions.delete(key);
  }

  private advance(entry: { committedNext: bigint | null; handledNext: bigint }, next: bigint): bigint | null {
    const capped = next > entry.handledNext ? entry.handledNext : next;
    if (entry.committedNext !== null && capped <= entry.committedNext) return null;
    entry.committedNext = capped;
    return capped;
  }
}

/**
 * What both adapters do with one fetched partition batch — the one place where the
 * retry / isolate / dead-letter policy lives:
 *
 * 1. Skip the records the consumer does not want (by key, unparsed); parse and validate the
 *    rest; the ones that do not decode are dead-lettered (once).
 * 2. Hand the good ones to the handler as one call. A failure is classified by the
 *    consumer's `FailurePolicy`:
 *    - transient (database or broker away): the same records again after a backoff, for as
 *      long as it takes — never dead-lettered;
 *    - data (the database refused what a record carries): isolate at once;
 *    - unknown: again up to `maxAttempts`, then isolate.
 * 3. Isolating bisects: each half is handled on its own, in offset order (so per-key order
 *    holds among the records that succeed); a half that fails persistently is split again,
 *    down to single records. A single record is dead-lettered with the error after a data
 *    error, or after `maxAttempts` unknown failures of its own — a flaky error on a larger
 *    half only costs a split, never a record.
 *
 * Returns what was handled when the batch is done (handled or dead-lettered): its last
 * offset and, when the handler resolved with a `DurableProgress`, the furthest `durableThrough`
 * it gave — `CommitTracker` turns that into the offset to commit. False when the signal
 * aborted first (nothing to commit: the next owner gets the batch again). Handlers must be
 * idempotent: bisecting hands records again.
 */
export const processBatch = async (params: ProcessBatchParams): Promise<false | HandledBatch> => {
  const { topic, partition, records, logger, policy } = params;
  const now = params.now ?? Date.now;
  const messages: ReceivedMessage[] = [];
  const rawByOffset = new Map<string, FetchedRecord>();
  const letters: Letter[] = [];
  for (const record of records) {
    if (params.wants && !params.wants({ topic, key: record.key })) continue;
    const decoded = decodeValue(topic, record.value);
    if (decoded.ok) {
      messages.push({
        topic,
        partition,
        offset: record.offset,
        key: record.key,
        value: decoded.value,
        timestampMs: record.timestampMs,
        headers: record.headers,
      } as ReceivedMessage);
      rawByOffset.set(record.offset, record);
    } else {
      letters.push({
        key: record.key,
        value: deadLetterOf({
          sourceTopic: params.physicalTopic,
          partition,
          offset: record.offset,
          key: record.key,
          value: record.value,
          reason: decoded.reason,
          nowMs: now(),
        }),
      });
    }
  }
  const where = { groupId: params.groupId, topic: params.physicalTopic, partition };
  // A handler that answers with an outcome holds effects in memory: commit only what it made durable.
  let outcomes = false;
  let durableThrough: bigint | null = null;
  const noteOutcome = (outcome: void | DurableProgress): void => {
    if (!outcome) return;
    outcomes = true;
    if (outcome.durableThrough === null) return;
    const offset = BigInt(outcome.durableThrough);
    if (durableThrough === null || offset > durableThrough) durableThrough = offset;
  };
  const finished = (done: boolean): false | HandledBatch => (done ? { lastOffset: BigInt(records.at(-1)!.offset), outcomes, durableThrough } : false);

  const waitBeforeRetry = async (attempt: number, error: unknown, log: Record<string, unknown>, message: string): Promise<void> => {
    const delayMs = backoffDelayMs(attempt, policy.backoff);
    logger.warn({ err: error, ...where, ...log, attempt, retryInMs: delayMs }, message);
    await sleep(delayMs, params.signal);
    await params.beforeRetry?.();
  };

  /** Dead letters must reach their topic before the offsets move past their records. */
  const sendLetters = async (batch: Letter[], stage: DeadLetterStage): Promise<boolean> => {
    for (let attempt = 1; ; attempt += 1) {
      if (params.signal.aborted) return false;
      try {
        await params.publishDeadLetters(batch);
        for (const letter of batch) {
          logger.warn({ ...where, offset: letter.value.offset, key: letter.key, reason: letter.value.reason, stage }, 'message dead-lettered');
        }
        params.onDeadLettered?.(stage, batch.length);
        return true;
      } catch (error) {
        if (params.signal.aborted) return false;
        await waitBeforeRetry(attempt, error, { stage: 'dead-letter', letters: batch.length }, 'writing dead letters failed; retrying');
      }
    }
  };

  /** Handles `part`, isolating what fails persistently; false when aborted. */
  const settle = async (part: ReceivedMessage[], isolating: boolean): Promise<boolean> => {
    // A half of a batch that already failed persistently is split at its first persistent
    // failure; a single record (or a whole batch) gets the full number of attempts.
    const bound = isolating && part.length > 1 ? 1 : policy.maxAttempts;
    let persistentFailures = 0;
    for (let attempt = 1; ; attempt += 1) {
      if (params.signal.aborted) return false;
      let failure: unknown;
      try {
        noteOutcome(await params.handleBatch({ topic, partition, messages: part } as Batch));
        return true;
      } catch (error) {
        failure = error;
      }
      if (params.signal.aborted) return false;
      const kind: FailureKind = policy.classify(failure);
      if (kind !== 'transient') persistentFailures += 1;
      const persistent = kind === 'data' || (kind === 'unknown' && persistentFailures >= bound);
      const span = { firstOffset: part[0]?.offset, lastOffset: part.at(-1)?.offset, messages: part.length, kind };
      if (!persistent) {
        await waitBeforeRetry(
          attempt,
          failure,
          { ...span, stage: 'handler' },
          kind === 'transient' ? 'batch failed for a transient reason; retrying until it succeeds' : 'batch failed; retrying',
        );
        continue;
      }
      if (part.length === 1) {
        const message = part[0]!;
        const record = rawByOffset.get(message.offset)!;
        const reason = `handler of consumer group ${params.groupId} refused the record (${kind} error, ${persistentFailures} attempt${persistentFailures === 1 ? '' : 's'}): ${describeFailure(failure)}`;
        logger.error({ err: failure, ...where, offset: message.offset, key: message.key, kind }, 'a record fails persistently; dead-lettering it and going on');
        const letter = deadLetterOf({
          sourceTopic: params.physicalTopic,
          partition,
          offset: message.offset,
          key: record.key,
          value: record.value,
          reason,
          nowMs: now(),
        });
        return sendLetters([{ key: record.key, value: letter }], 'handler');
      }
      logger.warn({ err: failure, ...where, ...span, attempts: attempt }, 'batch fails persistently; bisecting it to isolate the failing record(s)');
      const middle = Math.ceil(part.length / 2);
      if (!(await settle(part.slice(0, middle), true))) return false;
      return settle(part.slice(middle), true);
    }
  };

  if (letters.length > 0 && !(await sendLetters(letters, 'decode'))) return false;
  if (messages.length === 0) return finished(true);
  return finished(await settle(messages, false));
};
