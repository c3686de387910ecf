import type { z } from 'zod';
import type { DeadLetterV1, TOPIC_SCHEMAS, TopicName } from '@roadwatch/contracts';
import type { FailurePolicyOptions } from './failure-policy';
import type { StalledPartition } from './progress-watchdog';

export type { StalledPartition };

/**
 * The message bus the services talk through (ARCHITECTURE.md "Data flow"). Two adapters
 * implement it with the same semantics: `KafkaBus` (kafkajs, cluster mode) and
 * `InProcessBus` (embedded single-process mode). `bus.contract.ts` is the executable
 * definition of those semantics; both adapters run it unchanged.
 *
 * Semantics, in short:
 * - `publish` validates every value against its topic's schema first (an invalid value is a
 *   programming error: the call rejects and nothing is written) and resolves only once the
 *   broker acknowledged all of them (acks = all).
 * - Messages with the same key land on the same partition, so they keep their order.
 * - `subscribe` joins a consumer group; the group's members share the partitions. The
 *   handler gets a partition's whole batch, in offset order, already decoded and checked
 *   (JSON + the topic's zod schema, or a binary form's own checks, see codec.ts); the batch's offsets are committed only after the handler resolved
 *   (at-least-once). A handler that throws gets the batch again after a backoff; a failure
 *   that persists (a data error, or an unknown one `maxAttempts` times) is isolated by
 *   bisecting the batch, the refused record(s) go to the dead-letter topic with the error,
 *   and the consumer commits past them. A transient failure (database or broker away) is
 *   retried until it succeeds, never dead-lettered. See `processBatch`.
 * - A consumer with lag and no committed progress for `stallAfterMs` is reported stalled.
 * - A message that does not decode (not JSON, not a valid binary record) or fails its topic's checks is written to
 *   `deadLetterTopicOf(topic)` as a `deadLetterV1` with the reason, logged, committed, and
 *   the consumer goes on.
 */

/** `<topic>.dlq` for every known topic (see `deadLetterTopicOf` in contracts). */
export type DeadLetterTopicName = `${TopicName}.dlq`;
/** Every topic a service may publish to or subscribe to. */
export type BusTopic = TopicName | DeadLetterTopicName;

/** What a consumer receives on a topic (schema output: defaults filled, unknown keys dropped). */
export type ValueOf<T extends BusTopic> = T extends TopicName ? z.output<(typeof TOPIC_SCHEMAS)[T]> : DeadLetterV1;
/** What a producer may hand in for a topic (schema input). */
export type InputOf<T extends BusTopic> = T extends TopicName ? z.input<(typeof TOPIC_SCHEMAS)[T]> : DeadLetterV1;

export type MessageHeaders = Record<string, string>;

export interface OutgoingMessage<T extends BusTopic = BusTopic> {
  /** Partitioning key: vehicleId for positions and alerts, plate for WIM, terminalId for commands. */
  key: string;
  value: InputOf<T>;
  headers?: MessageHeaders;
}

/** One validated message as handed to a handler. Distributes over topics so `topic` narrows `value`. */
export type ReceivedMessage<T extends BusTopic = BusTopic> = T extends BusTopic
  ? {
      topic: T;
      partition: number;
      /** Kafka offsets are 64-bit; kept as a decimal string. */
      offset: string;
      key: string | null;
      value: ValueOf<T>;
      timestampMs: number;
      headers: MessageHeaders;
    }
  : never;

/** A partition's batch: one topic, one partition, ascending offsets, never empty. */
export type Batch<T extends BusTopic = BusTopic> = T extends BusTopic ? { topic: T; partition: number; messages: ReceivedMessage<T>[] } : never;

export interface TopicPartition {
  topic: BusTopic;
  partition: number;
}

export interface SubscribeOptions<T extends BusTopic = BusTopic> {
  groupId: string;
  topics: readonly T[];
  /** With no committed offset for the group, start at the oldest message (else at the end). */
  fromBeginning?: boolean;
  /**
   * Called with one partition's batch at a time; batches of one partition never overlap,
   * batches of different partitions may run concurrently. Resolve once the batch's effects
   * are durable: that is when its offsets are committed. Throw to get the batch again.
   * A handler that keeps effects in memory and makes them durable later (the detector's
   * checkpoint cadence) resolves with a `DurableProgress` instead: the bus then commits only
   * through `durableThrough`, goes on fetching after the batch, and `Subscription.commit`
   * moves the commit on once more is durable.
   */
  handleBatch(batch: Batch<T>): Promise<void | DurableProgress>;
  /** Before the first batch of these partitions is handed to this member. */
  onPartitionsAssigned?(partitions: TopicPartition[]): Promise<void> | void;
  /**
   * After this member handled (and committed) its last batch of these partitions. On Kafka
   * another member may already be consuming them by then (kafkajs has no pre-rejoin hook), so
   * what is flushed here must be safe to race with the new owner (idempotent writes).
   */
  onPartitionsRevoked?(partitions: TopicPartition[]): Promise<void> | void;
  /**
   * Records this member has no use for, judged by the key before anything is parsed: a record
   * it answers false for is neither decoded, validated, handed nor dead-lettered, and its offset
   * commits with its batch's (a reader that watches a few vehicles does not pay for the rest).
   * Called once per record, in offset order: keep it cheap. Default: every record.
   */
  wants?(record: { topic: T; key: string | null }): boolean;
  /**
   * Topics this member starts paused: none of their records is fetched (the broker serves
   * nothing for them) until `resumeFromLatest`. A reader that needs a topic only while
   * someone watches (the API's live feed with no client) does not pay for it meanwhile.
   */
  paused?: readonly T[];
  /** This consumer's retry / isolate policy, over the bus's (default: 5 attempts, 200 ms … 10 s). */
  failurePolicy?: FailurePolicyOptions;
  /** No committed progress for this long while a partition has lag = stalled (default: the bus's, 60 s). */
  stallAfterMs?: number;
}

/** How far a handled batch's effects are durable, when not all of them are yet (see `handleBatch`). */
export interface DurableProgress {
  /**
   * The offset of the last message of this partition whose effects are durable (it may be
   * below the batch: an earlier batch's, or null for none yet). The bus commits through it,
   * never past the batch's last offset and never backwards. After a crash the partition is
   * redelivered from there, so the handler re-derives what it held only in memory.
   */
  durableThrough: string | null;
}

export interface Subscription {
  readonly groupId: string;
  /**
   * Commits `topic`/`partition` through `durableThrough` (an offset the handler made durable
   * after its batch resolved). Ignored for a partition this member does not own (any more)
   * and for an offset at or below what is committed; never past what was handled.
   */
  commit(topic: BusTopic, partition: number, durableThrough: string): Promise<void>;
  /** Partitions of this member that have lag and made no committed progress for `stallAfterMs`. */
  stalled(): StalledPartition[];
  /**
   * Stop fetching these topics: from now on no batch of them is started (one being handled
   * finishes), nothing of them is fetched, and their partitions are never reported stalled.
   * The member stays in its group and keeps its partitions; other topics go on.
   */
  pause(topics: readonly BusTopic[]): void;
  /**
   * Fetch these topics again from their end as it is now: what was published while they were
   * paused is skipped, never handed (a live view that reads the rest from a store). Resolves
   * once the member's partitions of them are positioned there. Resuming a topic that is not
   * paused does nothing.
   */
  resumeFromLatest(topics: readonly BusTopic[]): Promise<void>;
  /** Stop fetching, let the in-flight batch finish and commit, leave the group. */
  close(): Promise<void>;
}

export interface TopicSpec {
  topic: TopicName;
  partitions: number;
}

export interface PublishOptions {
  /**
   * The values are already their topic schema's output, parsed by the caller where they
   * entered the platform (the gateway parses each position it decodes, one by one, so that
   * one bad report is refused alone): the bus serialises them without parsing them again.
   * Validate once, at the edge; the key is still checked.
   */
  validated?: boolean;
}

export interface Bus {
  /** Validate (unless `validated`), then write; resolves when the broker acknowledged every message (acks = all). */
  publish<T extends BusTopic>(topic: T, messages: readonly OutgoingMessage<T>[], options?: PublishOptions): Promise<void>;
  /** Resolves once the member joined its group (it may still be rebalancing with others). */
  subscribe<T extends BusTopic>(options: SubscribeOptions<T>): Promise<Subscription>;
  /** Create the topics (and their dead-letter topics) with at least this many partitions. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /** Close every subscription gracefully, then the producer. */
  close(): Promise<void>;
  /** Every open subscription's stalled partitions (for `/ready`). */
  stalledConsumers(): StalledPartition[];
}

/** A raw record as it sits on a partition, before parsing. */
export interface RawRecord {
  key: string | null;
  value: Buffer | null;
  headers?: MessageHeaders;
}

/**
 * Writes bytes without validation. Not for services: it exists for tests and for bridges
 * that must reproduce what a foreign producer might put on a topic.
 */
export interface RawPublisher {
  publishRaw(topic: BusTopic, records: readonly RawRecord[]): Promise<void>;
}

/** Thrown by `publish` when a value fails its topic's schema; nothing of the call was written. */
export class InvalidMessageError extends Error {
  constructor(
    readonly topic: string,
    readonly index: number,
    readonly reason: string,
  ) {
    super(`refusing to publish an invalid message to ${topic} (message #${index}): ${reason}`);
    this.name = 'InvalidMessageError';
  }
}
