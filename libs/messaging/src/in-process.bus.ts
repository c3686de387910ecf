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
import { CommitTracker, processBatch, type BackoffOptions, type FetchedRecord } from './batch-processor';
import { failurePolicyOf, type FailurePolicy, type FailurePolicyOptions } from './failure-policy';
import { partitionForKey } from './murmur2';
import { createMessagingLogger } from './logger';
import type { MetricsRegistryOwner } from './consumer-metrics';
import { defaultStallAfterMs, ProgressWatchdog } from './progress-watchdog';

/**
 * The bus of the embedded single-process mode. It keeps the parts of Kafka's model the
 * stream processors rely on: topics with N partitions, key → partition by Kafka's murmur2,
 * an append-only log per partition with offsets, consumer groups whose members share the
 * partitions (rebalanced on join/leave, with the assign/revoke callbacks), committed
 * offsets per group, at-least-once delivery, replay from the start for a new group.
 * Everything is in memory: a restart of the process starts from empty topics.
 *
 * Retention, so the embedded mode can run for months: a partition's log drops the records
 * that every consumer group known to the bus for that partition has committed (and no
 * member is still reading), and is capped by size (`retention`); the cap drops the oldest
 * records even when a group has not consumed them, with a warning that names each group
 * and how many records it lost. A group that joins later starts at the oldest record still
 * kept (like Kafka after its retention); a group whose members all left keeps its
 * committed offsets, and so holds records back until the cap drops them.
 */
export interface InProcessRetention {
  /**
   * Committed records are kept while a partition holds no more than this (so a group that
   * joins a little later still replays recent history); beyond twice this, what every group
   * has committed is dropped down to it. Default 1 MiB.
   */
  committedBytesKeptPerPartition?: number;
  /** Most bytes (keys, values, headers, plus a per-record overhead) kept per partition. Default 32 MiB. */
  maxBytesPerPartition?: number;
  /** Most records kept per partition. Default 200,000. */
  maxRecordsPerPartition?: number;
}

export interface InProcessBusOptions {
  /** Physical topic = prefix + logical topic (tests use a unique prefix each). */
  topicPrefix?: string;
  /** Partitions of a topic first used without `ensureTopics` (Kafka's auto-create). */
  defaultPartitions?: number;
  /** Most records handed to a handler in one batch. */
  maxBatchSize?: number;
  /** Backoff between attempts of a failing batch (shorthand for `failurePolicy.backoff`). */
  backoff?: BackoffOptions;
  /** Retry / isolate policy of every subscription unless it brings its own. */
  failurePolicy?: FailurePolicyOptions;
  /** Default of `SubscribeOptions.stallAfterMs`: 60 s. */
  stallAfterMs?: number;
  retention?: InProcessRetention;
  /** Consumer metrics (stalled, lag, dead letters) go to this registry. */
  metrics?: MetricsRegistryOwner;
  logger?: Logger;
}

/** What a record costs beyond its bytes (object, offsets, buffer header): an estimate for the cap. */
const RECORD_OVERHEAD_BYTES = 160;

interface StoredRecord {
  offset: number;
  key: string | null;
  value: Buffer | null;
  headers: MessageHeaders;
  timestampMs: number;
}

/** One partition: its records from `baseOffset` (older ones were trimmed) to `endOffset`. */
class PartitionLog {
  private records: StoredRecord[] = [];
  baseOffset = 0;
  bytes = 0;
  private readonly waiters = new Set<() => void>();

  get endOffset(): number {
    return this.baseOffset + this.records.length;
  }

  get size(): number {
    return this.records.length;
  }

  append(record: Omit<StoredRecord, 'offset'>): void {
    this.records.push({ ...record, offset: this.endOffset });
    this.bytes += recordBytes(record);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Up to `max` records from `from` (at least `baseOffset`). */
  read(from: number, max: number): StoredRecord[] {
    const start = Math.max(from, this.baseOffset) - this.baseOffset;
    return this.records.slice(start, start + max);
  }

  /** Drops the records before `offset`; returns how many. */
  trimTo(offset: number): number {
    const count = Math.min(Math.max(0, offset - this.baseOffset), this.records.length);
    if (count === 0) return 0;
    for (let i = 0; i < count; i += 1) this.bytes -= recordBytes(this.records[i]!);
    this.records = this.records.slice(count);
    this.baseOffset += count;
    return count;
  }

  /** The offset before which dropping leaves at most `maxRecords` records and `maxBytes` bytes (not past `limit`). */
  offsetToFit(maxRecords: number, maxBytes: number, limit = this.endOffset): number {
    let offset = this.baseOffset;
    let records = this.records.length;
    let bytes = this.bytes;
    for (const record of this.records) {
      if (offset >= limit || (records <= maxRecords && bytes <= maxBytes)) break;
      records -= 1;
      bytes -= recordBytes(record);
      offset += 1;
    }
    return offset;
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

const recordBytes = (record: Omit<StoredRecord, 'offset'>): number => {
  let bytes = RECORD_OVERHEAD_BYTES + (record.value?.length ?? 0) + (record.key?.length ?? 0) * 2;
  for (const [name, value] of Object.entries(record.headers)) bytes += (name.length + value.length) * 2;
  return bytes;
};

const tpKey = (physicalTopic: string, partition: number) => `${physicalTopic}\u0000${partition}`;

export class InProcessBus implements Bus, RawPublisher {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly namer: TopicNamer;
  private readonly defaultPartitions: number;
  readonly maxBatchSize: number;
  readonly failurePolicy: FailurePolicyOptions;
  readonly stallAfterMs: number;
  readonly metrics: MetricsRegistryOwner | undefined;
  private readonly maxBytesPerPartition: number;
  private readonly maxRecordsPerPartition: number;
  private readonly committedBytesKept: number;
  readonly logger: Logger;
  private roundRobin = 0;
  private closed = false;

  constructor(options: InProcessBusOptions = {}) {
    this.namer = new TopicNamer(options.topicPrefix ?? '');
    this.defaultPartitions = options.defaultPartitions ?? 4;
    this.maxBatchSize = options.maxBatchSize ?? 500;
    this.failurePolicy = { ...(options.backoff ? { backoff: options.backoff } : {}), ...options.failurePolicy };
    failurePolicyOf(this.failurePolicy);
    this.stallAfterMs = options.stallAfterMs ?? defaultStallAfterMs;
    this.metrics = options.metrics;
    this.maxBytesPerPartition = options.retention?.maxBytesPerPartition ?? 32 * 1024 * 1024;
    this.maxRecordsPerPartition = options.retention?.maxRecordsPerPartition ?? 200_000;
    this.committedBytesKept = options.retention?.committedBytesKeptPerPartition ?? 1024 * 1024;
    if (!(this.maxBytesPerPartition > 0) || !(this.maxRecordsPerPartition >= 1)) throw new Error('in-process bus: retention caps must be positive');
    this.logger = options.logger ?? createMessagingLogger({ bus: 'in-process' });
  }

  async publish<T extends BusTopic>(topic: T, messages: readonly OutgoingMessage<T>[], options?: PublishOptions): Promise<void> {
    this.assertOpen();
    const encoded = encodeAll(topic, messages as readonly OutgoingMessage[], options);
    this.append(
      this.namer.physical(topic),
      encoded.map((message) => ({
        key: message.key,
        value: typeof message.value === 'string' ? Buffer.from(message.value, 'utf8') : message.value,
        headers: message.headers,
      })),
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
    const member = new GroupMember(options as unknown as SubscribeOptions, this);
    await group.join(member);
    const joined = group;
    return {
      groupId: options.groupId,
      close: () => joined.leave(member),
      stalled: () => member.watchdog.stalled(),
      pause: (topics) => joined.pause(member, topics),
      resumeFromLatest: async (topics) => joined.resumeFromLatest(member, topics),
      commit: async (topic, partition, durableThrough) => joined.commitLate(member, this.namer.physical(topic), partition, durableThrough),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.groups.values()].map((group) => group.leaveAll()));
  }

  stalledConsumers(): StalledPartition[] {
    return [...this.groups.values()].flatMap((group) => group.stalled());
  }

  /**
   * Records of `topic` the group has not committed yet, summed over partitions (what a
   * Kafka tool calls the group's lag). A group with no committed offset on a partition
   * counts from the oldest record kept there.
   */
  lagOf(groupId: string, topic: BusTopic): number {
    const { physical, logs } = this.logsOf(topic);
    const committed = this.groups.get(groupId)?.committed;
    return logs.reduce((sum, log, partition) => sum + log.endOffset - Math.max(log.baseOffset, committed?.get(tpKey(physical, partition)) ?? 0), 0);
  }

  /** Records and approximate bytes kept for `topic`, summed over its partitions (tests, diagnostics). */
  retained(topic: BusTopic): { records: number; bytes: number; baseOffsets: number[] } {
    const { logs } = this.logsOf(topic);
    return {
      records: logs.reduce((sum, log) => sum + log.size, 0),
      bytes: logs.reduce((sum, log) => sum + log.bytes, 0),
      baseOffsets: logs.map((log) => log.baseOffset),
    };
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

  /** @internal */
  logOf(physical: string, partition: number): PartitionLog | undefined {
    return this.topics.get(physical)?.[partition];
  }

  /** @internal Where a dead letter of `topic` goes. */
  deadLetter(topic: BusTopic, records: readonly RawRecord[]): void {
    this.append(this.namer.physical(deadLetterTopicOf(topic)), records);
  }

  /**
   * @internal After a commit: drop what every group that reads this partition is past, down
   * to `committedBytesKeptPerPartition`. Only once the partition holds twice that, so a
   * trim drops a whole step and the copy costs O(1) per record.
   */
  trimCommitted(physical: string, partition: number, log: PartitionLog): void {
    if (log.bytes <= 2 * this.committedBytesKept) return;
    const floor = this.readFloor(physical, partition);
    if (floor === null || floor.offset <= log.baseOffset) return;
    log.trimTo(log.offsetToFit(Number.MAX_SAFE_INTEGER, this.committedBytesKept, floor.offset));
  }

  /** The lowest offset any group still needs on this partition (committed, or where a member reads); null when no group reads it. */
  private readFloor(physical: string, partition: number): { offset: number; byGroup: Map<string, number> } | null {
    const key = tpKey(physical, partition);
    const byGroup = new Map<string, number>();
    for (const group of this.groups.values()) {
      const needed = group.neededFrom(key);
      if (needed !== null) byGroup.set(group.groupId, needed);
    }
    if (byGroup.size === 0) return null;
    return { offset: Math.min(...byGroup.values()), byGroup };
  }

  private append(physical: string, records: readonly RawRecord[]): void {
    let logs = this.topics.get(physical);
    if (!logs) {
      logs = Array.from({ length: this.defaultPartitions }, () => new PartitionLog());
      this.topics.set(physical, logs);
    }
    const timestampMs = Date.now();
    const touched = new Set<number>();
    for (const record of records) {
      // Keyed records follow Kafka's default partitioner; unkeyed ones are spread round-robin.
      const partition = record.key === null ? this.roundRobin++ % logs.length : partitionForKey(record.key, logs.length);
      logs[partition]!.append({ key: record.key, value: record.value, headers: { ...(record.headers ?? {}) }, timestampMs });
      touched.add(partition);
    }
    for (const partition of touched) this.enforceCap(physical, partition, logs[partition]!);
  }

  /**
   * Over the cap, the oldest records go — down to 90 % of it, so this happens in steps and
   * each step is one warning — whether or not every group has read them. The warning names
   * each group that had not committed them and how many it lost; its readers skip ahead.
   */
  private enforceCap(physical: string, partition: number, log: PartitionLog): void {
    if (log.size <= this.maxRecordsPerPartition && log.bytes <= this.maxBytesPerPartition) return;
    const floor = this.readFloor(physical, partition);
    const fitOffset = log.offsetToFit(Math.floor(this.maxRecordsPerPartition * 0.9), Math.floor(this.maxBytesPerPartition * 0.9));
    const fromOffset = log.baseOffset;
    // What every group is past goes first and is no loss.
    const dropTo = Math.max(fitOffset, floor?.offset ?? 0);
    log.trimTo(Math.min(dropTo, log.endOffset));
    const lost = [...(floor?.byGroup ?? new Map<string, number>())]
      .filter(([, needed]) => needed < log.baseOffset)
      .map(([groupId, needed]) => ({
        groupId,
        lostRecords: log.baseOffset - Math.max(needed, fromOffset),
        fromOffset: Math.max(needed, fromOffset),
        toOffset: log.baseOffset - 1,
      }));
    const fields = {
      topic: physical,
      partition,
      droppedRecords: log.baseOffset - fromOffset,
      keptRecords: log.size,
      keptBytes: log.bytes,
      maxRecordsPerPartition: this.maxRecordsPerPartition,
      maxBytesPerPartition: this.maxBytesPerPartition,
    };
    if (lost.length > 0) {
      this.logger.warn({ ...fields, lost }, 'in-process bus retention cap reached: dropped records that consumer groups had not committed (they skip ahead)');
    } else if (!floor) {
      this.logger.warn(fields, 'in-process bus retention cap reached: dropped the oldest records of a partition no consumer group reads');
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-process bus is closed');
  }
}

class GroupMember {
  readonly owned = new Map<string, PartitionWorker>();
  readonly commits = new CommitTracker();
  readonly watchdog: ProgressWatchdog;
  readonly failurePolicy: FailurePolicy;
  /** Topics this member does not read now (`pause`). */
  readonly paused: Set<BusTopic>;
  constructor(
    readonly options: SubscribeOptions,
    bus: InProcessBus,
  ) {
    this.paused = new Set(options.paused ?? []);
    this.failurePolicy = failurePolicyOf(bus.failurePolicy, options.failurePolicy);
    this.watchdog = new ProgressWatchdog({
      groupId: options.groupId,
      stallAfterMs: options.stallAfterMs ?? bus.stallAfterMs,
      logger: bus.logger,
      ...(bus.metrics ? { metrics: bus.metrics } : {}),
      endOffsetOf: (physical, partition) => {
        const log = bus.logOf(physical, partition);
        return log ? BigInt(log.endOffset) : undefined;
      },
    });
  }
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

  /** The lowest offset this group still needs on a partition: its committed offset or where a worker of it reads; null when it never read it. */
  neededFrom(key: string): number | null {
    let needed = this.committed.get(key) ?? null;
    for (const member of this.members) {
      const worker = member.owned.get(key);
      if (worker && worker.position !== null) needed = needed === null ? worker.position : Math.min(needed, worker.position);
    }
    return needed;
  }

  stalled(): StalledPartition[] {
    return this.members.flatMap((member) => member.watchdog.stalled());
  }

  /** Commits what a member's handler made durable after its batch: only while it owns the partition, never backwards. */
  commitLate(member: GroupMember, physical: string, partition: number, durableThrough: string): void {
    const key = tpKey(physical, partition);
    const worker = member.owned.get(key);
    if (!worker) return;
    const next = member.commits.late(key, durableThrough);
    if (next !== null) worker.commit(Number(next));
  }

  /**
   * The member stops reading these topics. Its workers of them wait; the group's committed
   * offsets of them are dropped, so a paused reader holds back neither retention nor the
   * watchdog (it resumes from the end, never from there).
   */
  pause(member: GroupMember, topics: readonly BusTopic[]): void {
    for (const topic of topics) member.paused.add(topic);
    for (const worker of member.owned.values()) if (member.paused.has(worker.topic)) this.forgetProgress(member, worker);
  }

  resumeFromLatest(member: GroupMember, topics: readonly BusTopic[]): void {
    const resumed = topics.filter((topic) => member.paused.delete(topic));
    for (const worker of member.owned.values()) if (resumed.includes(worker.topic)) worker.resumeAtEnd();
  }

  private forgetProgress(member: GroupMember, worker: PartitionWorker): void {
    const key = tpKey(worker.physical, worker.partition);
    this.committed.delete(key);
    member.commits.forget(key);
    member.watchdog.forget(worker.physical, worker.partition);
  }

  join(member: GroupMember): Promise<void> {
    return this.serialise(async () => {
      this.members.push(member);
      member.watchdog.start();
      await this.rebalance();
    });
  }

  leave(member: GroupMember): Promise<void> {
    return this.serialise(async () => {
      if (!this.members.includes(member)) return;
      this.members = this.members.filter((candidate) => candidate !== member);
      await this.revoke(member, [...member.owned.keys()]);
      member.watchdog.stop();
      await this.rebalance();
    });
  }

  leaveAll(): Promise<void> {
    return this.serialise(async () => {
      const leaving = this.members;
      this.members = [];
      await Promise.all(leaving.map((member) => this.revoke(member, [...member.owned.keys()])));
      for (const member of leaving) member.watchdog.stop();
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
    await Promise.all(
      this.members.map((member) =>
        this.revoke(
          member,
          [...member.owned.keys()].filter((key) => !target.get(member)!.has(key)),
        ),
      ),
    );
    await Promise.all(
      this.members.map(async (member) => {
        const gained = [...target.get(member)!.entries()].filter(([key]) => !member.owned.has(key));
        if (gained.length === 0) return;
        await this.callback(
          member,
          'onPartitionsAssigned',
          gained.map(([, tp]) => ({ topic: tp.topic, partition: tp.partition })),
        );
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
    for (const key of keys) {
      member.owned.delete(key);
      member.commits.forget(key);
    }
    for (const worker of workers) member.watchdog.forget(worker.physical, worker.partition);
    await this.callback(
      member,
      'onPartitionsRevoked',
      workers.map((worker) => ({ topic: worker.topic, partition: worker.partition })),
    );
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
  /** The next offset this worker reads (the trim floor counts it until the group commits); null while its topic is paused. */
  position: number | null;
  private resumed: (() => void) | null = null;
  /** Where a resumed topic's partition ended when it was resumed: the worker reads on from there. */
  private resumeAt: number | null = null;

  constructor(
    private readonly group: ConsumerGroup,
    private readonly member: GroupMember,
    readonly topic: BusTopic,
    readonly physical: string,
    readonly partition: number,
    private readonly log: PartitionLog,
  ) {
    // No committed offset: the group starts at the beginning (the oldest record kept) or at the end (auto.offset.reset).
    this.position = member.paused.has(topic)
      ? null
      : (group.committed.get(tpKey(physical, partition)) ?? (member.options.fromBeginning ? log.baseOffset : log.endOffset));
    this.done = this.run().catch((error) =>
      group.bus.logger.error({ err: error, groupId: group.groupId, topic: physical, partition }, 'partition worker failed'),
    );
  }

  stop(): void {
    this.controller.abort();
    this.resumed?.();
  }

  /** Its topic was resumed: read on from the partition's end as it is now. */
  resumeAtEnd(): void {
    this.resumeAt = this.log.endOffset;
    this.resumed?.();
  }

  private waitForResume(): Promise<void> {
    return new Promise((resolve) => {
      this.resumed = () => {
        this.resumed = null;
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    const { bus } = this.group;
    const key = tpKey(this.physical, this.partition);
    const signal = this.controller.signal;
    const watchdog = this.member.watchdog;
    while (!signal.aborted) {
      if (this.member.paused.has(this.topic)) {
        this.position = null;
        await this.waitForResume();
        continue;
      }
      if (this.resumeAt !== null) {
        this.position = this.resumeAt;
        this.resumeAt = null;
      }
      if (this.position === null) this.position = this.log.endOffset;
      // The retention cap may have dropped records this group had not read: go on from the oldest kept.
      if (this.position < this.log.baseOffset) this.position = this.log.baseOffset;
      if (this.position >= this.log.endOffset) {
        await this.log.waitForAppend(signal);
        continue;
      }
      const slice = this.log.read(this.position, bus.maxBatchSize);
      watchdog.fetched(this.physical, this.partition, BigInt(slice[0]!.offset), BigInt(this.log.endOffset));
      const records: FetchedRecord[] = slice.map((record) => ({
        offset: String(record.offset),
        key: record.key,
        value: record.value,
        headers: record.headers,
        timestampMs: record.timestampMs,
      }));
      const done = await processBatch({
        groupId: this.group.groupId,
        topic: this.topic,
        physicalTopic: this.physical,
        partition: this.partition,
        records,
        handleBatch: (batch) => this.member.options.handleBatch(batch),
        ...(this.member.options.wants ? { wants: this.member.options.wants } : {}),
        publishDeadLetters: async (letters) =>
          bus.deadLetter(
            this.topic,
            letters.map((letter) => ({ key: letter.key, value: Buffer.from(JSON.stringify(letter.value), 'utf8') })),
          ),
        signal,
        policy: this.member.failurePolicy,
        logger: bus.logger,
        onDeadLettered: (stage, count) => watchdog.dead(this.physical, stage, count),
      });
      if (!done) return;
      this.position = slice.at(-1)!.offset + 1;
      // Paused while this batch ran: nothing is committed for a paused topic (it resumes from the end).
      if (this.member.paused.has(this.topic)) continue;
      const next = this.member.commits.afterBatch(key, done);
      if (next !== null) this.commit(Number(next));
    }
  }

  /** The group's committed offset moves to `next` (after a batch, or later when its handler made more durable). */
  commit(next: number): void {
    this.group.committed.set(tpKey(this.physical, this.partition), next);
    this.member.watchdog.committed(this.physical, this.partition, BigInt(next), BigInt(this.log.endOffset));
    this.group.bus.trimCommitted(this.physical, this.partition, this.log);
  }
}
