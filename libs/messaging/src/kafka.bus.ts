import { Kafka, logLevel, Partitioners, type Consumer, type EachBatchPayload, type IHeaders, type LogEntry, type Producer, type Admin } from 'kafkajs';
import { deadLetterTopicOf } from '@roadwatch/contracts';
import type { Logger } from 'pino';
import type {
  Bus,
  BusTopic,
  MessageHeaders,
  OutgoingMessage,
  PublishOptions,
  RawPublisher,
  RawRecord,
  StalledPartition,
  SubscribeOptions,
  Subscription,
  TopicPartition,
  TopicSpec,
} from './bus';
import { encodeAll, TopicNamer } from './codec';
import { CommitTracker, processBatch, sleep, type BackoffOptions, type FetchedRecord } from './batch-processor';
import { classifyFailure, failurePolicyOf, type FailurePolicy, type FailurePolicyOptions } from './failure-policy';
import { createMessagingLogger, RepeatSuppressor } from './logger';
import type { MetricsRegistryOwner } from './consumer-metrics';
import { defaultStallAfterMs, ProgressWatchdog } from './progress-watchdog';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** Physical topic = prefix + logical topic (tests use a unique prefix each). */
  topicPrefix?: string;
  /**
   * Physical consumer group = prefix + group id. None in a deployment (its groups are named by
   * their own variables, docs/configuration.md). A test that runs a whole platform on the shared
   * broker gives one, so two platforms running at once never share a group: kafkajs's round-robin
   * assigner hands a member partitions of topics it did not subscribe to, and one platform's
   * detector sat idle while the other was assigned its positions.
   */
  groupPrefix?: string;
  logger?: Logger;
  /** Replication factor for topics created by `ensureTopics`; -1 = the broker's default. */
  replicationFactor?: number;
  /** Backoff between attempts of a failing batch (shorthand for `failurePolicy.backoff`). */
  backoff?: BackoffOptions;
  /** Retry / isolate policy of every subscription unless it brings its own. */
  failurePolicy?: FailurePolicyOptions;
  /** Default of `SubscribeOptions.stallAfterMs`: 60 s. */
  stallAfterMs?: number;
  /** Consumer metrics (stalled, lag, dead letters) go to this registry. */
  metrics?: MetricsRegistryOwner;
  consumer?: {
    sessionTimeoutMs?: number;
    heartbeatIntervalMs?: number;
    rebalanceTimeoutMs?: number;
    /** How long the broker may hold a fetch for `minBytes` to arrive (kafkajs's `maxWaitTimeInMs`; default 200 ms). */
    maxWaitTimeMs?: number;
    /**
     * What a fetch waits for before the broker answers (at most `maxWaitTimeMs`; default 64 KiB):
     * fewer, larger batches (less per-batch work on the broker and the client) at the price of up
     * to `maxWaitTimeMs` of latency. kafkajs' own default, 1 byte, answered every fetch at the
     * first record: the broker served three groups many tiny fetches (issue #13's kafka-broker bench).
     */
    minBytes?: number;
    maxBytesPerPartition?: number;
    /** Partitions handled at once by one member; one partition's batches never overlap. */
    partitionsConsumedConcurrently?: number;
  };
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * How long `publish` keeps retrying a send that fails for a transient reason (broker down,
   * leader moving) before it rejects. kafkajs gives up on its own after its client retries
   * (~1.5 min with ours); a broker restart on a loaded machine can take about that long.
   */
  publishTimeoutMs?: number;
  /**
   * Publishes made while a produce request is in flight go out together in the next one, up to
   * this many messages (default 10,000; 0: each publish its own request, as before issue #13).
   */
  coalesceMessages?: number;
}

// kafkajs ERROR lines are mostly transient connection trouble it retries itself, and its
// WARN lines are routine (a rebalance): both one level down.
const kafkaLevelName: Record<number, 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'warn',
  [logLevel.WARN]: 'info',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through pino; identical lines at most once per 10 s (a broker restart otherwise produces hundreds). */
const kafkaLogCreator = (logger: Logger) => {
  const suppressor = new RepeatSuppressor(10_000);
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const {
        message,
        timestamp: _timestamp,
        logger: _logger,
        ...extra
      } = log as { message: string; timestamp?: string; logger?: string } & Record<string, unknown>;
      const suppressed = suppressor.admit(`${namespace}|${level}|${message}`);
      if (suppressed === null) return;
      const line = { kafkajs: namespace, ...extra, ...(suppressed > 0 ? { repeatsSuppressed: suppressed } : {}) };
      logger[kafkaLevelName[level] ?? 'debug'](line, message);
    };
};

const decodeHeaders = (headers: IHeaders | undefined): MessageHeaders => {
  const out: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
};

/**
 * The Bus over Kafka (kafkajs 2.2.4). Producer: idempotent, acks = all, one request in
 * flight (so retries never reorder a key), murmur2 key partitioning; kafkajs retries a
 * send through a broker restart. Consumers: one kafkajs consumer per subscription,
 * `eachBatch` with the partition's whole batch as one handler call, offsets resolved and
 * committed by hand after the handler (autoCommit off), restarted when kafkajs crashes.
 */
export class KafkaBus implements Bus, RawPublisher {
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly namer: TopicNamer;
  readonly failurePolicy: FailurePolicyOptions;
  private readonly producer: Producer;
  private producerReady: Promise<void> | null = null;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private closed = false;
  /** Sends waiting for the one produce request in flight; they go out together in the next one. */
  private sendQueue: QueuedSend[] = [];
  private sending = false;
  /** Produce requests made (each carries one or more coalesced sends): the broker's cost follows these, not the records. */
  produceRequests = 0;

  constructor(readonly options: KafkaBusOptions) {
    this.logger = options.logger ?? createMessagingLogger({ bus: 'kafka', clientId: options.clientId });
    this.namer = new TopicNamer(options.topicPrefix ?? '');
    this.failurePolicy = { ...(options.backoff ? { backoff: options.backoff } : {}), ...options.failurePolicy };
    failurePolicyOf(this.failurePolicy);
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(this.logger.child({ component: 'kafkajs' })),
      // Client-wide: metadata, joins, commits. Long enough to ride out a broker restart.
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 20 },
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: true,
      // Idempotence needs unbounded retries (kafkajs warns otherwise); each wait is capped.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  }

  async publish<T extends BusTopic>(topic: T, messages: readonly OutgoingMessage<T>[], options?: PublishOptions): Promise<void> {
    this.assertOpen();
    // Validation first: an invalid value rejects the whole call before anything is sent.
    const encoded = encodeAll(topic, messages as readonly OutgoingMessage[], options);
    if (encoded.length === 0) return;
    await this.send(
      this.namer.physical(topic),
      encoded.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
    );
  }

  async publishRaw(topic: BusTopic, records: readonly RawRecord[]): Promise<void> {
    this.assertOpen();
    await this.send(
      this.namer.physical(topic),
      records.map((r) => ({ key: r.key, value: r.value, headers: r.headers ?? {} })),
    );
  }

  /**
   * @internal Resolves once the broker acknowledged every message (acks = all). The producer has
   * one request in flight; sends made meanwhile wait and then go out together in one produce
   * request (in the order they were made, so per-key order holds): no added wait, and under load
   * the broker handles a few large requests instead of many small ones. A transient failure is
   * retried with the same idempotent producer until `publishTimeoutMs`; a retry after an
   * ambiguous failure may write a message twice (at-least-once), which consumers absorb by
   * idempotent handling. Any other failure of a coalesced request is retried send by send, so
   * it fails only the send it belongs to.
   */
  send(physicalTopic: string, messages: { key: string | null; value: string | Buffer | null; headers: MessageHeaders }[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.sendQueue.push({ topic: physicalTopic, messages, deadline: Date.now() + (this.options.publishTimeoutMs ?? 180_000), resolve, reject });
      // sendTogether settles every send itself; what reaches here is a bug, not a refused publish.
      this.pumpSends().catch((error: unknown) => this.logger.error({ err: error }, 'publish queue failed'));
    });
  }

  private async pumpSends(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.sendQueue.length > 0) {
        // Up to `coalesceMessages` per request (a single larger send still goes alone).
        let count = 0;
        let take = 0;
        const limit = this.options.coalesceMessages ?? defaultCoalesceMessages;
        while (take < this.sendQueue.length && (take === 0 || count + this.sendQueue[take]!.messages.length <= limit)) {
          count += this.sendQueue[take]!.messages.length;
          take += 1;
        }
        await this.sendTogether(this.sendQueue.splice(0, take));
      }
    } finally {
      this.sending = false;
    }
  }

  private async sendTogether(sends: QueuedSend[]): Promise<void> {
    const topicMessages = new Map<string, QueuedSend['messages']>();
    for (const send of sends) {
      const list = topicMessages.get(send.topic);
      if (list) list.push(...send.messages);
      else topicMessages.set(send.topic, [...send.messages]);
    }
    const deadline = Math.min(...sends.map((send) => send.deadline));
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.connectProducer();
        this.produceRequests += 1;
        await this.producer.sendBatch({ acks: -1, topicMessages: [...topicMessages].map(([topic, messages]) => ({ topic, messages })) });
        for (const send of sends) send.resolve();
        return;
      } catch (error) {
        const transient = classifyFailure(error) === 'transient';
        if (!this.closed && transient && Date.now() < deadline) {
          const delayMs = Math.min(5_000, 250 * 2 ** Math.min(attempt - 1, 5));
          const count = sends.reduce((sum, send) => sum + send.messages.length, 0);
          this.logger.warn({ err: error, topics: [...topicMessages.keys()], messages: count, attempt, retryInMs: delayMs }, 'publish failed; retrying');
          await sleep(delayMs);
          continue;
        }
        // One send's refused message must not fail the others it travelled with.
        if (!transient && !this.closed && sends.length > 1) {
          for (const send of sends) await this.sendTogether([send]);
          return;
        }
        for (const send of sends) send.reject(error);
        return;
      }
    }
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    const wanted = new Map<string, number>();
    for (const spec of specs) {
      wanted.set(this.namer.physical(spec.topic), spec.partitions);
      wanted.set(this.namer.physical(deadLetterTopicOf(spec.topic)), spec.partitions);
    }
    // Right after a create (or a broker start) metadata can still say "does not host this
    // topic-partition"; that is retriable, and kafkajs' waitForLeaders does not retry it.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.withAdmin((admin) => this.createOrGrow(admin, wanted));
        return;
      } catch (error) {
        const retriable = (error as { retriable?: boolean }).retriable === true || (error as Error).name === 'KafkaJSNumberOfRetriesExceeded';
        if (!retriable || attempt >= 10) throw error;
        this.logger.info({ err: error, attempt }, 'ensureTopics: metadata not ready yet, retrying');
        await sleep(Math.min(2_000, 200 * attempt));
      }
    }
  }

  private async createOrGrow(admin: Admin, wanted: Map<string, number>): Promise<void> {
    const existing = new Set(await admin.listTopics());
    const missing = [...wanted].filter(([topic]) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(([topic, numPartitions]) => ({ topic, numPartitions, replicationFactor: this.options.replicationFactor ?? -1 })),
      });
    }
    // Every topic, new or old, must have a leader for every partition before we return.
    const { topics } = await admin.fetchTopicMetadata({ topics: [...wanted.keys()] });
    const leaderless = topics.filter((t) => t.partitions.some((p) => p.leader < 0));
    if (leaderless.length > 0) {
      throw Object.assign(new Error(`no leader yet for ${leaderless.map((t) => t.name).join(', ')}`), { retriable: true });
    }
    const grow = topics
      .map((t) => ({ topic: t.name, have: t.partitions.length, want: wanted.get(t.name)! }))
      .filter((t) => t.have < t.want)
      .map((t) => ({ topic: t.topic, count: t.want }));
    if (grow.length > 0) {
      this.logger.info({ topics: grow }, 'adding partitions to existing topics');
      try {
        await admin.createPartitions({ topicPartitions: grow });
      } catch (error) {
        // Replicas starting together all see the topic short and all ask; the broker grows it for
        // the first and answers the others INVALID_PARTITIONS. Retried: the metadata read again
        // shows it grown (or, if it still does not, the retries run out with the broker's error).
        if (!isInvalidPartitions(error)) throw error;
        throw Object.assign(new Error(`partitions of ${grow.map((t) => t.topic).join(', ')} not grown: ${(error as Error).message}`), {
          retriable: true,
          cause: error,
        });
      }
    }
  }

  async subscribe<T extends BusTopic>(options: SubscribeOptions<T>): Promise<Subscription> {
    this.assertOpen();
    const subscription = new KafkaSubscription(this, options as unknown as SubscribeOptions);
    this.subscriptions.add(subscription);
    subscription.onClosed = () => this.subscriptions.delete(subscription);
    await subscription.start();
    return subscription;
  }

  stalledConsumers(): StalledPartition[] {
    return [...this.subscriptions].flatMap((subscription) => subscription.stalled());
  }

  /**
   * Records of `topic` the group has not committed yet, summed over partitions (the lag a
   * Kafka tool shows). A partition without a committed offset counts from its oldest record.
   */
  async lagOf(groupId: string, topic: BusTopic): Promise<number> {
    const physical = this.namer.physical(topic);
    return this.withAdmin(async (admin) => {
      const ends = await admin.fetchTopicOffsets(physical);
      const [committed] = await admin.fetchOffsets({ groupId: `${this.options.groupPrefix ?? ''}${groupId}`, topics: [physical] });
      const committedOf = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      let lag = 0n;
      for (const end of ends) {
        const at = committedOf.get(end.partition) ?? -1n;
        const from = at >= 0n ? at : BigInt(end.low);
        lag += BigInt(end.high) - from;
      }
      return Number(lag);
    });
  }

  /** @internal Where each partition of a topic ends now (its high watermark), by partition. */
  async endOffsetsOf(physicalTopic: string): Promise<Map<number, string>> {
    const ends = await this.withAdmin((admin) => admin.fetchTopicOffsets(physicalTopic));
    return new Map(ends.map((end) => [end.partition, end.high]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.producerReady) await this.producer.disconnect().catch((error) => this.logger.warn({ err: error }, 'producer disconnect failed'));
  }

  private connectProducer(): Promise<void> {
    if (!this.producerReady) {
      this.producerReady = this.producer.connect().catch((error) => {
        this.producerReady = null;
        throw error;
      });
    }
    return this.producerReady;
  }

  private async withAdmin<R>(work: (admin: Admin) => Promise<R>): Promise<R> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the Kafka bus is closed');
  }
}

interface QueuedSend {
  topic: string;
  messages: { key: string | null; value: string | Buffer | null; headers: MessageHeaders }[];
  /** Until when a transient failure is retried (`publishTimeoutMs` after the send was made). */
  deadline: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** At most this many messages per coalesced produce request (the gateway publishes up to 2,000 at a time). */
const defaultCoalesceMessages = 10_000;

/** The broker's INVALID_PARTITIONS, as kafkajs throws it (itself, or wrapped once by its retrier). */
const isInvalidPartitions = (error: unknown): boolean => {
  const typeOf = (value: unknown) => (value as { type?: unknown } | undefined)?.type;
  const wrapped = (error as { originalError?: unknown; cause?: unknown } | undefined) ?? {};
  return [typeOf(error), typeOf(wrapped.originalError), typeOf(wrapped.cause)].includes('INVALID_PARTITIONS');
};

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

class KafkaSubscription implements Subscription {
  readonly groupId: string;
  onClosed: () => void = () => {};
  private consumer: Consumer | null = null;
  private readonly closing = new AbortController();
  private closePromise: Promise<void> | null = null;
  /** What this member owns, by the last group join. */
  private owned = new Map<string, TopicPartition>();
  /** Assign/revoke callbacks run in order, and before any batch of the new assignment. */
  private callbacks: Promise<void> = Promise.resolve();
  private restarts = 0;
  private readonly heartbeatIntervalMs: number;
  private readonly failurePolicy: FailurePolicy;
  private readonly watchdog: ProgressWatchdog;
  private readonly commits = new CommitTracker();
  /** Late commits, one at a time, so they reach the coordinator in order. */
  private lateCommits: Promise<void> = Promise.resolve();
  /** Physical topics not fetched now (`pause`); kafkajs forgets its pauses when it restarts a consumer, this does not. */
  private readonly pausedTopics = new Set<string>();

  constructor(
    private readonly bus: KafkaBus,
    private readonly options: SubscribeOptions,
  ) {
    this.groupId = options.groupId;
    for (const topic of options.paused ?? []) this.pausedTopics.add(bus.namer.physical(topic));
    this.heartbeatIntervalMs = bus.options.consumer?.heartbeatIntervalMs ?? 3_000;
    this.failurePolicy = failurePolicyOf(bus.failurePolicy, options.failurePolicy);
    this.watchdog = new ProgressWatchdog({
      groupId: options.groupId,
      stallAfterMs: options.stallAfterMs ?? bus.options.stallAfterMs ?? defaultStallAfterMs,
      logger: bus.logger,
      ...(bus.options.metrics ? { metrics: bus.options.metrics } : {}),
    });
  }

  stalled(): StalledPartition[] {
    return this.watchdog.stalled();
  }

  commit(topic: BusTopic, partition: number, durableThrough: string): Promise<void> {
    const physical = this.bus.namer.physical(topic);
    const key = tpKey(physical, partition);
    const run = async (): Promise<void> => {
      const consumer = this.consumer;
      if (!consumer || !this.owned.has(key)) return;
      const next = this.commits.late(key, durableThrough);
      if (next === null) return;
      await consumer.commitOffsets([{ topic: physical, partition, offset: next.toString() }]);
      this.watchdog.committed(physical, partition, next);
    };
    const step = this.lateCommits.then(run);
    this.lateCommits = step.catch(() => undefined);
    return step;
  }

  pause(topics: readonly BusTopic[]): void {
    for (const topic of topics) {
      const physical = this.bus.namer.physical(topic);
      this.pausedTopics.add(physical);
      // A paused partition makes no progress by design: it is not stalled.
      for (const tp of this.owned.values()) if (tp.topic === topic) this.watchdog.forget(physical, tp.partition);
    }
    if (this.consumer) this.applyPauses(this.consumer);
  }

  async resumeFromLatest(topics: readonly BusTopic[]): Promise<void> {
    const physicals = topics.map((topic) => this.bus.namer.physical(topic)).filter((physical) => this.pausedTopics.has(physical));
    if (physicals.length === 0) return;
    // Position first, resume after: kafkajs applies a seek before its next fetch of the partition.
    for (const physical of physicals) {
      const ends = await this.bus.endOffsetsOf(physical);
      const consumer = this.consumer;
      if (!consumer) continue;
      for (const tp of this.owned.values()) {
        if (this.bus.namer.physical(tp.topic) !== physical) continue;
        const end = ends.get(tp.partition);
        if (end === undefined) continue;
        try {
          consumer.seek({ topic: physical, partition: tp.partition, offset: end });
        } catch (error) {
          // Between a crash and kafkajs' restart there is no consumer group to seek in: it goes on from the committed offset.
          this.bus.logger.warn(
            { err: error, groupId: this.groupId, topic: physical, partition: tp.partition },
            'could not move a resumed partition to its end',
          );
        }
      }
    }
    for (const physical of physicals) this.pausedTopics.delete(physical);
    this.consumer?.resume(physicals.map((topic) => ({ topic })));
  }

  /** kafkajs keeps pauses in its consumer group object, which it replaces when it restarts the consumer. */
  private applyPauses(consumer: Consumer): void {
    if (this.pausedTopics.size > 0) consumer.pause([...this.pausedTopics].map((topic) => ({ topic })));
  }

  async start(): Promise<void> {
    this.watchdog.start();
    const consumer = this.createConsumer();
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({
      topics: this.options.topics.map((topic) => this.bus.namer.physical(topic)),
      fromBeginning: this.options.fromBeginning ?? false,
    });
    // Resolves once the member joined (kafkajs' runner.start does connect + join + sync).
    const running = consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.bus.options.consumer?.partitionsConsumedConcurrently ?? 4,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    // run() made its consumer group synchronously; paused before the join, nothing of them is ever fetched.
    this.applyPauses(consumer);
    await running;
  }

  close(): Promise<void> {
    if (!this.closePromise) {
      this.closePromise = (async () => {
        // Abort first: a batch stuck in its retry loop must not hold up stop().
        this.closing.abort();
        const consumer = this.consumer;
        if (consumer) {
          // stop(): no more fetches, the in-flight batch finishes (and commits), leave the group.
          await consumer.stop().catch((error) => this.bus.logger.warn({ err: error, groupId: this.groupId }, 'consumer stop failed'));
          await consumer.disconnect().catch((error) => this.bus.logger.warn({ err: error, groupId: this.groupId }, 'consumer disconnect failed'));
        }
        this.revokeAll();
        this.watchdog.stop();
        await this.callbacks;
        this.onClosed();
      })();
    }
    return this.closePromise;
  }

  private createConsumer(): Consumer {
    const settings = this.bus.options.consumer ?? {};
    const consumer = this.bus.kafka.consumer({
      groupId: `${this.bus.options.groupPrefix ?? ''}${this.groupId}`,
      sessionTimeout: settings.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.heartbeatIntervalMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: settings.maxWaitTimeMs ?? 200,
      minBytes: settings.minBytes ?? 65_536,
      maxBytesPerPartition: settings.maxBytesPerPartition ?? 1_048_576,
      allowAutoTopicCreation: true,
      retry: {
        initialRetryTime: 300,
        maxRetryTime: 5_000,
        retries: 20,
        // Retriable crashes (a broker restart outlasting the retries): restart unless closing.
        restartOnFailure: async (error) => {
          this.bus.logger.warn({ err: error, groupId: this.groupId }, 'consumer crashed; kafkajs restarts it');
          return !this.closing.signal.aborted;
        },
      },
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      // Emitted before kafkajs fetches for the new generation (also after it restarted the consumer).
      this.applyPauses(consumer);
      this.onJoin(event.payload.memberAssignment);
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.revokeAll();
      if (event.payload.restart || this.closing.signal.aborted) return;
      // kafkajs gives up on non-retriable errors; a consumer must never stay down, so start a new one
      // (in the background: the crash event does not wait).
      this.recreateInBackground(consumer, event.payload.error);
    });
    return consumer;
  }

  private async recreate(crashed: Consumer, error: Error): Promise<void> {
    this.restarts += 1;
    const delayMs = Math.min(30_000, 1_000 * 2 ** Math.min(this.restarts - 1, 5));
    this.bus.logger.error(
      { err: error, groupId: this.groupId, restartInMs: delayMs, restarts: this.restarts },
      'consumer crashed with a non-retriable error; starting a new one',
    );
    await crashed.disconnect().catch(() => {});
    await sleep(delayMs, this.closing.signal);
    if (this.closing.signal.aborted || this.consumer !== crashed) return;
    try {
      await this.start();
    } catch (startError) {
      if (this.consumer) this.recreateInBackground(this.consumer, startError as Error);
    }
  }

  /** recreate() only fails if the logger or disconnect throw; log that too rather than end the process. */
  private recreateInBackground(crashed: Consumer, error: Error): void {
    void this.recreate(crashed, error).catch((recreateError: unknown) =>
      this.bus.logger.error({ err: recreateError, groupId: this.groupId }, 'restarting the crashed consumer failed'),
    );
  }

  private onJoin(memberAssignment: Record<string, number[]>): void {
    const next = new Map<string, TopicPartition>();
    for (const [physical, partitions] of Object.entries(memberAssignment)) {
      const topic = this.bus.namer.logical(physical);
      for (const partition of partitions) next.set(tpKey(physical, partition), { topic, partition });
    }
    const revoked = [...this.owned].filter(([key]) => !next.has(key)).map(([, tp]) => tp);
    for (const tp of revoked) this.forget(tp);
    const assigned = [...next].filter(([key]) => !this.owned.has(key)).map(([, tp]) => tp);
    this.owned = next;
    this.bus.logger.info({ groupId: this.groupId, owned: next.size, assigned: assigned.length, revoked: revoked.length }, 'joined consumer group');
    if (revoked.length > 0) this.enqueue('onPartitionsRevoked', revoked);
    if (assigned.length > 0) this.enqueue('onPartitionsAssigned', assigned);
    this.restarts = 0;
  }

  private revokeAll(): void {
    const revoked = [...this.owned.values()];
    this.owned = new Map();
    for (const tp of revoked) this.forget(tp);
    if (revoked.length > 0) this.enqueue('onPartitionsRevoked', revoked);
  }

  private forget(tp: TopicPartition): void {
    const physical = this.bus.namer.physical(tp.topic);
    this.watchdog.forget(physical, tp.partition);
    this.commits.forget(tpKey(physical, tp.partition));
  }

  private enqueue(name: 'onPartitionsAssigned' | 'onPartitionsRevoked', partitions: TopicPartition[]): void {
    const callback = this.options[name];
    if (!callback) return;
    this.callbacks = this.callbacks.then(async () => {
      try {
        await callback(partitions);
      } catch (error) {
        this.bus.logger.error({ err: error, groupId: this.groupId, partitions }, `${name} callback failed`);
      }
    });
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    await this.callbacks;
    // Fetched just before a pause: not handed (resumeFromLatest skips past it anyway).
    if (batch.messages.length === 0 || this.pausedTopics.has(batch.topic)) return;
    this.watchdog.fetched(batch.topic, batch.partition, BigInt(batch.firstOffset() ?? batch.messages[0]!.offset), BigInt(batch.highWatermark));
    const records: FetchedRecord[] = batch.messages.map((message) => ({
      offset: message.offset,
      key: message.key ? message.key.toString('utf8') : null,
      value: message.value,
      headers: decodeHeaders(message.headers),
      timestampMs: Number(message.timestamp),
    }));

    // Stop retrying when closing, when kafkajs stops, or when the partition moved (seek/stale).
    const stop = new AbortController();
    const check = () => {
      if (this.closing.signal.aborted || !isRunning() || isStale()) stop.abort();
    };
    // A long handler must not cost the membership: keep heartbeating while it runs.
    const keepAlive = setInterval(
      () => {
        check();
        heartbeat().catch(() => {});
      },
      Math.max(100, Math.floor(this.heartbeatIntervalMs / 2)),
    );
    try {
      const topic = this.bus.namer.logical(batch.topic);
      const done = await processBatch({
        groupId: this.groupId,
        topic,
        physicalTopic: batch.topic,
        partition: batch.partition,
        records,
        handleBatch: (b) => this.options.handleBatch(b),
        ...(this.options.wants ? { wants: this.options.wants } : {}),
        publishDeadLetters: (letters) =>
          this.bus.send(
            this.bus.namer.physical(deadLetterTopicOf(topic)),
            letters.map((letter) => ({ key: letter.key, value: JSON.stringify(letter.value), headers: {} })),
          ),
        signal: stop.signal,
        policy: this.failurePolicy,
        logger: this.bus.logger,
        onDeadLettered: (stage, count) => this.watchdog.dead(batch.topic, stage, count),
        // A rebalance error here propagates: kafkajs rejoins and the batch is fetched again.
        beforeRetry: async () => {
          check();
          await heartbeat();
        },
      });
      if (!done) return;
      const next = this.commits.afterBatch(tpKey(batch.topic, batch.partition), done);
      // Explicit offsets: with autoCommit off, kafkajs' commitOffsetsIfNecessary() alone commits nothing.
      if (next !== null)
        await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next.toString() }] }] });
      // Fetching goes on after the batch even when the commit stays behind (a handler holding state in memory).
      resolveOffset(batch.lastOffset());
      if (next !== null) this.watchdog.committed(batch.topic, batch.partition, next, BigInt(batch.highWatermark));
    } finally {
      clearInterval(keepAlive);
    }
  }
}
