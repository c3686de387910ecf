import { deadLetterTopicOf } from '@roadwatch/contracts';
import type { Logger } from 'pino';
import type { Bus, BusTopic, MessageHeaders, OutgoingMessage, RawPublisher, RawRecord, SubscribeOptions, Subscription, TopicPartition, TopicSpec } from './bus';
import { encodeAll, TopicNamer } from './codec';
import { defaultBackoff, processBatch, type BackoffOptions, type FetchedRecord } from './batch-processor';
import { partitionForKey } from './murmur2';
import { createMessagingLogger } from './logger';

/**
 * The bus of the embedded single-process mode. It keeps the parts of Kafka's model the
 * stream processors rely on: topics with N partitions, key → partition by Kafka's murmur2,
 * an append-only log per partition with offsets, consumer groups whose members share the
 * partitions (rebalanced on join/leave, with the assign/revoke callbacks), committed
 * offsets per group, at-least-once delivery, replay from the start for a new group.
 * Everything is in memory: a restart of the process starts from empty topics.
 */
export interface InProcessBusOptions {
  /** Physical topic = prefix + logical topic (tests use a unique prefix each). */
  topicPrefix?: string;
  /** Partitions of a topic first used without `ensureTopics` (Kafka's auto-create). */
  defaultPartitions?: number;
  /** Most records handed to a handler in one batch. */
  maxBatchSize?: number;
  /** Backoff between attempts of a failing batch. */
  backoff?: BackoffOptions;
  logger?: Logger;
}

interface StoredRecord {
  offset: number;
  key: string | null;
  value: Buffer | null;
  headers: MessageHeaders;
  timestampMs: number;
}

class PartitionLog {
  readonly records: StoredRecord[] = [];
  private readonly waiters = new Set<() => void>();

  append(record: Omit<StoredRecord, 'offset'>): void {
    this.records.push({ ...record, offset: this.records.length });
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Resolves at the next append, or when the signal aborts. */
  waitForAppend(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

const tpKey = (physicalTopic: string, partition: number) => `${physicalTopic}\u0000${partition}`;

export class InProcessBus implements Bus, RawPublisher {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly namer: TopicNamer;
  private readonly defaultPartitions: number;
  readonly maxBatchSize: number;
  readonly backoff: BackoffOptions;
  readonly logger: Logger;
  private roundRobin = 0;
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.namer = new TopicNamer(options.topicPrefix ?? '');
    this.defaultPartitions = options.defaultPartitions ?? 4;
    this.maxBatchSize = options.maxBatchSize ?? 500;
    this.backoff = options.backoff ?? defaultBackoff;
    this.logger = options.logger ?? createMessagingLogger({ bus: 'in-process' });
  }

  async publish<T extends BusTopic>(topic: T, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    this.assertOpen();
    const encoded = encodeAll(topic, messages as readonly OutgoingMessage[]);
    this.append(
      this.namer.physical(topic),
      encoded.map((message) => ({ key: message.key, value: Buffer.from(message.value, 'utf8'), headers: message.headers })),
    );
  }

  async publishRaw(topic: BusTopic, records: readonly RawRecord[]): Promise<void> {
    this.assertOpen();
    this.append(this.namer.physical(topic), records);
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) {
      for (const topic of [spec.topic, deadLetterTopicOf(spec.topic)]) {
        const physical = this.namer.physical(topic);
        const logs = this.topics.get(physical) ?? [];
        while (logs.length < spec.partitions) logs.push(new PartitionLog());
        this.topics.set(physical, logs);
      }
    }
  }

  async subscribe<T extends BusTopic>(options: SubscribeOptions<T>): Promise<Subscription> {
    this.assertOpen();
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = new ConsumerGroup(this, options.groupId);
      this.groups.set(options.groupId, group);
    }
    const member = new GroupMember(options as unknown as SubscribeOptions);
    await group.join(member);
    const joined = group;
    return { groupId: options.groupId, close: () => joined.leave(member) };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.groups.values()].map((group) => group.leaveAll()));
  }

  /** @internal */
  logsOf(topic: BusTopic): { physical: string; logs: PartitionLog[] } {
    const physical = this.namer.physical(topic);
    let logs = this.topics.get(physical);
    if (!logs) {
      logs = Array.from({ length: this.defaultPartitions }, () => new PartitionLog());
      this.topics.set(physical, logs);
    }
    return { physical, logs };
  }

  /** @internal Where a dead letter of `topic` goes. */
  deadLetter(topic: BusTopic, records: readonly RawRecord[]): void {
    this.append(this.namer.physical(deadLetterTopicOf(topic)), records);
  }

  private append(physical: string, records: readonly RawRecord[]): void {
    let logs = this.topics.get(physical);
    if (!logs) {
      logs = Array.from({ length: this.defaultPartitions }, () => new PartitionLog());
      this.topics.set(physical, logs);
    }
    const timestampMs = Date.now();
    for (const record of records) {
      // Keyed records follow Kafka's default partitioner; unkeyed ones are spread round-robin.
      const partition = record.key === null ? this.roundRobin++ % logs.length : partitionForKey(record.key, logs.length);
      logs[partition]!.append({ key: record.key, value: record.value, headers: { ...(record.headers ?? {}) }, timestampMs });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-process bus is closed');
  }
}

class GroupMember {
  readonly owned = new Map<string, PartitionWorker>();
  constructor(readonly options: SubscribeOptions) {}
}

/**
 * A consumer group: committed offsets plus the members sharing the partitions. Joins and
 * leaves are serialised; a rebalance first stops the workers of every partition that
 * moves (their in-flight batch finishes and commits), calls the revoke callbacks, and only
 * then assigns — so, unlike on Kafka, a partition never has two owners at once.
 */
class ConsumerGroup {
  readonly committed = new Map<string, number>();
  private members: GroupMember[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly bus: InProcessBus,
    readonly groupId: string,
  ) {}

  join(member: GroupMember): Promise<void> {
    return this.serialise(async () => {
      this.members.push(member);
      await this.rebalance();
    });
  }

  leave(member: GroupMember): Promise<void> {
    return this.serialise(async () => {
      if (!this.members.includes(member)) return;
      this.members = this.members.filter((candidate) => candidate !== member);
      await this.revoke(member, [...member.owned.keys()]);
      await this.rebalance();
    });
  }

  leaveAll(): Promise<void> {
    return this.serialise(async () => {
      const leaving = this.members;
      this.members = [];
      await Promise.all(leaving.map((member) => this.revoke(member, [...member.owned.keys()])));
    });
  }

  private serialise(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch((error) => this.bus.logger.error({ err: error, groupId: this.groupId }, 'rebalance failed'));
    return next;
  }

  /** Per topic, partitions are dealt round-robin to the members subscribed to it, in join order. */
  private targetAssignment(): Map<GroupMember, Map<string, { topic: BusTopic; physical: string; partition: number }>> {
    const target = new Map(this.members.map((member) => [member, new Map<string, { topic: BusTopic; physical: string; partition: number }>()]));
    const topics = [...new Set(this.members.flatMap((member) => member.options.topics))].sort();
    for (const topic of topics) {
      const subscribers = this.members.filter((member) => member.options.topics.includes(topic));
      const { physical, logs } = this.bus.logsOf(topic);
      logs.forEach((_log, partition) => {
        const owner = subscribers[partition % subscribers.length]!;
        target.get(owner)!.set(tpKey(physical, partition), { topic, physical, partition });
      });
    }
    return target;
  }

  private async rebalance(): Promise<void> {
    const target = this.targetAssignment();
    await Promise.all(this.members.map((member) => this.revoke(member, [...member.owned.keys()].filter((key) => !target.get(member)!.has(key)))));
    await Promise.all(
      this.members.map(async (member) => {
        const gained = [...target.get(member)!.entries()].filter(([key]) => !member.owned.has(key));
        if (gained.length === 0) return;
        await this.callback(member, 'onPartitionsAssigned', gained.map(([, tp]) => ({ topic: tp.topic, partition: tp.partition })));
        for (const [key, tp] of gained) {
          member.owned.set(key, new PartitionWorker(this, member, tp.topic, tp.physical, tp.partition, this.bus.logsOf(tp.topic).logs[tp.partition]!));
        }
      }),
    );
  }

  private async revoke(member: GroupMember, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const workers = keys.map((key) => member.owned.get(key)!);
    for (const worker of workers) worker.stop();
    await Promise.all(workers.map((worker) => worker.done));
    for (const key of keys) member.owned.delete(key);
    await this.callback(member, 'onPartitionsRevoked', workers.map((worker) => ({ topic: worker.topic, partition: worker.partition })));
  }

  private async callback(member: GroupMember, name: 'onPartitionsAssigned' | 'onPartitionsRevoked', partitions: TopicPartition[]): Promise<void> {
    try {
      await member.options[name]?.(partitions);
    } catch (error) {
      this.bus.logger.error({ err: error, groupId: this.groupId, partitions }, `${name} callback failed`);
    }
  }
}

/** Consumes one partition for one member until stopped; commits after each handled batch. */
class PartitionWorker {
  private readonly controller = new AbortController();
  readonly done: Promise<void>;

  constructor(
    private readonly group: ConsumerGroup,
    private readonly member: GroupMember,
    readonly topic: BusTopic,
    private readonly physical: string,
    readonly partition: number,
    private readonly log: PartitionLog,
  ) {
    this.done = this.run().catch((error) => group.bus.logger.error({ err: error, groupId: group.groupId, topic: physical, partition }, 'partition worker failed'));
  }

  stop(): void {
    this.controller.abort();
  }

  private async run(): Promise<void> {
    const { bus } = this.group;
    const key = tpKey(this.physical, this.partition);
    const signal = this.controller.signal;
    // No committed offset: the group starts at the beginning or at the end (auto.offset.reset).
    let position = this.group.committed.get(key) ?? (this.member.options.fromBeginning ? 0 : this.log.records.length);
    while (!signal.aborted) {
      if (position >= this.log.records.length) {
        await this.log.waitForAppend(signal);
        continue;
      }
      const slice = this.log.records.slice(position, position + bus.maxBatchSize);
      const records: FetchedRecord[] = slice.map((record) => ({
        offset: String(record.offset),
        key: record.key,
        value: record.value,
        headers: record.headers,
        timestampMs: record.timestampMs,
      }));
      const done = await processBatch({
        topic: this.topic,
        physicalTopic: this.physical,
        partition: this.partition,
        records,
        handleBatch: (batch) => this.member.options.handleBatch(batch),
        publishDeadLetters: async (letters) =>
          bus.deadLetter(this.topic, letters.map((letter) => ({ key: letter.key, value: Buffer.from(JSON.stringify(letter.value), 'utf8') }))),
        signal,
        backoff: bus.backoff,
        logger: bus.logger,
      });
      if (!done) return;
      position = slice.at(-1)!.offset + 1;
      this.group.committed.set(key, position);
    }
  }
}
