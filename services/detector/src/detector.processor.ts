import {
  recordKindOf,
  TOPICS,
  type AlertV1,
  type OverloadViolationV1,
  type PositionV1,
  type TerminalCommandV1,
  type VehicleQualityDayV1,
  type WimMeasurementV1,
} from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import type { DurableProgress, Bus, BusTopic, OutgoingMessage, ReceivedMessage } from '@roadwatch/messaging';
import {
  assessOverload,
  DEFAULT_RULES_CONFIG,
  isOverloadViolation,
  toOverloadAlertV1,
  toOverloadViolationV1,
  withStationAccuracyClasses,
  type DriverTimeCarry,
  type OverloadConfig,
} from '@roadwatch/rules';
import type { Logger } from '@roadwatch/runtime';
import type { VehicleFactsLookup } from './directory/vehicle-facts-lookup';
import { unknownVehicleFacts } from './directory/vehicle-facts-lookup';
import type { DetectorMetrics } from './detector-metrics';
import { newerCarry, type DriverTimeStore } from './driver-times/driver-time-store';
import { fatigueReminderOf, type FatigueReminderConfig } from './reminders/fatigue-reminder';
import type { PositionRules } from './rules/position-rules.port';
import { partitionKeyOf, type PartitionRef, type StateStore } from './state/state-store';
import { DueQueue } from './timers/due-queue';

/**
 * The topics the detector reads and writes. Logical names: the bus validates each message
 * against its topic's schema, so tests isolate themselves with the bus's topic prefix.
 */
export interface DetectorTopics {
  positions: typeof TOPICS.positions;
  wim: typeof TOPICS.wimMeasurements;
  alerts: typeof TOPICS.alerts;
  overloadViolations: typeof TOPICS.overloadViolations;
  terminalCommands: typeof TOPICS.terminalCommands;
  qualityDaily: typeof TOPICS.qualityDaily;
}

export const DEFAULT_DETECTOR_TOPICS: DetectorTopics = {
  positions: TOPICS.positions,
  wim: TOPICS.wimMeasurements,
  alerts: TOPICS.alerts,
  overloadViolations: TOPICS.overloadViolations,
  terminalCommands: TOPICS.terminalCommands,
  qualityDaily: TOPICS.qualityDaily,
};

/** What the detector keeps per vehicle: the rules' opaque state plus what it needs to address the driver. */
export interface VehicleSlot {
  terminalId: string;
  registered: boolean;
  rules: unknown;
}

/**
 * When a partition's state is checkpointed: once `intervalMs` passed since its last checkpoint,
 * or once `everyRecords` records were handled since — whichever first; and always on a timer
 * tick that changed a vehicle, and on revoke. Between checkpoints the state lives in memory
 * and the bus commits no further than the last checkpoint, so a crash replays from there.
 * `{ intervalMs: 0 }` checkpoints after every batch.
 */
export interface CheckpointCadence {
  intervalMs: number;
  everyRecords: number;
}

export const EVERY_BATCH: CheckpointCadence = { intervalMs: 0, everyRecords: 1 };

export interface DetectorProcessorDeps {
  publisher: Pick<Bus, 'publish'>;
  stateStore: StateStore;
  vehicles: VehicleFactsLookup;
  positionRules: PositionRules;
  overloadConfig: OverloadConfig;
  /** The WIM stations' accuracy classes of the registry as loaded now (by station id), over `overloadConfig`'s. */
  wimStationClasses?: () => Readonly<Record<string, number>>;
  reminders: FatigueReminderConfig;
  topics: DetectorTopics;
  logger: Logger;
  metrics?: DetectorMetrics;
  now: () => number;
  /** Default: after every batch. */
  checkpoint?: CheckpointCadence;
  /** Fatigue per driver across vehicles (RULES.md §2, §13); none: a driver's time stays on each vehicle. */
  driverTimes?: DriverTimeStore;
  /**
   * A driver no batch named for this long (by `now`) leaves the in-memory copy of the drivers'
   * times; his time stays in `driverTimes`, read again when a batch names him. Default: the idle
   * state TTL the rules drop a vehicle after (`retention.idleStateTtlMs`).
   */
  driverTimeTtlMs?: number;
  /** A checkpoint outside a batch (cadence, timers, revoke) made the partition durable through `offset`: the bus may commit it. */
  onDurable?: (ref: PartitionRef, offset: string) => void;
}

/**
 * One owned partition: its vehicles' states as of `lastOffset`, when each vehicle's timer is
 * next due, and a queue so batches and timer ticks never interleave.
 */
class PartitionContext {
  /** The offset the in-memory states reflect. */
  lastOffset: bigint | null = null;
  /** The offset of the last checkpoint (what the bus may commit through). */
  checkpointedOffset: bigint | null = null;
  states = new Map<string, VehicleSlot>();
  /** Vehicles changed since the last checkpoint: the next one writes only these. */
  dirty = new Set<string>();
  /**
   * The positions handled since the last checkpoint (their outputs already published): after a
   * failed batch the state is rebuilt from the checkpoint plus these, as the bus will not hand
   * them again (it fetched past them; only a crash redelivers from the commit).
   */
  pending: ReceivedMessage[] = [];
  lastCheckpointAtMs = 0;
  readonly due = new DueQueue();
  loaded: Promise<void> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly ref: PartitionRef) {}

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  idle(): Promise<unknown> {
    return this.queue;
  }

  /** Forget what is in memory (a failed batch, a refused checkpoint); the next task loads the checkpoint. */
  drop(keepPending: boolean): void {
    this.loaded = null;
    this.states = new Map();
    this.dirty = new Set();
    this.due.clear();
    this.lastOffset = null;
    this.checkpointedOffset = null;
    if (!keepPending) this.pending = [];
  }
}

/** The vehicles a batch changed, with the facts their positions were judged with (what their due time is computed with too). */
type Touched = Map<string, VehicleFacts>;

interface Outputs {
  alerts: AlertV1[];
  violations: OverloadViolationV1[];
  commands: TerminalCommandV1[];
  qualityDays: VehicleQualityDayV1[];
}

/**
 * The stream processor, free of Kafka: it is handed partition batches and partition
 * assignments by whatever bus runs it. Per batch: skip what the checkpoint already holds,
 * run the rules, publish the alerts (deterministic ids), then checkpoint the changed states
 * with the batch's last offset — all before the bus commits the batch's offsets.
 */
export class DetectorProcessor {
  private readonly partitions = new Map<string, PartitionContext>();
  private readonly cadence: CheckpointCadence;

  constructor(private readonly deps: DetectorProcessorDeps) {
    this.cadence = deps.checkpoint ?? EVERY_BATCH;
  }

  /** Vehicles held in memory across every owned partition. */
  get vehiclesHeld(): number {
    let total = 0;
    for (const context of this.partitions.values()) total += context.states.size;
    return total;
  }

  ownedPartitions(): PartitionRef[] {
    return [...this.partitions.values()].map((context) => context.ref);
  }

  async assign(refs: readonly PartitionRef[]): Promise<void> {
    // Always from the store: a partition that comes back may have moved on under another owner.
    await Promise.all(
      refs.map(async (ref) => {
        const context = new PartitionContext(ref);
        this.partitions.set(partitionKeyOf(ref), context);
        await context.exclusive(() => this.ensureLoaded(context));
      }),
    );
    this.updateGauges();
  }

  /**
   * After the in-flight task, what changed since the last checkpoint is checkpointed (fenced:
   * on Kafka the new owner may already be at it, and a write behind its offset is refused),
   * so the new owner replays less; if that fails, it replays from the last checkpoint. Then
   * the state is dropped; the new owner loads it.
   */
  async revoke(refs: readonly PartitionRef[]): Promise<void> {
    await Promise.all(
      refs.map(async (ref) => {
        const key = partitionKeyOf(ref);
        const context = this.partitions.get(key);
        if (!context) return;
        await context
          .exclusive(async () => {
            if (context.loaded && context.lastOffset !== context.checkpointedOffset) await this.flush(context);
          })
          .catch((error: unknown) =>
            this.deps.logger.warn(
              { err: error, topic: ref.topic, partition: ref.partition },
              'checkpoint on revoke failed; the next owner replays from the last checkpoint',
            ),
          );
        this.partitions.delete(key);
        await context.idle();
      }),
    );
    this.updateGauges();
  }

  /**
   * The cadence's clock: every owned partition whose state changed and whose last checkpoint is
   * `intervalMs` old is checkpointed now, and the bus told it may commit — so a partition that
   * went quiet is durable (and committed) within the interval too.
   */
  async flushDue(): Promise<void> {
    const nowMs = this.deps.now();
    await Promise.all(
      [...this.partitions.values()].map((context) =>
        context.exclusive(async () => {
          if (!context.loaded || !this.partitions.has(partitionKeyOf(context.ref))) return;
          await context.loaded;
          if (context.lastOffset === context.checkpointedOffset || nowMs - context.lastCheckpointAtMs < this.cadence.intervalMs) return;
          if (await this.flush(context)) this.notifyDurable(context);
        }),
      ),
    );
  }

  async revokeAll(): Promise<void> {
    await this.revoke(this.ownedPartitions());
  }

  /** Resolves once the batch's outputs are published, with how far the partition is checkpointed (what the bus may commit). */
  handlePositions(partition: number, messages: readonly ReceivedMessage<typeof TOPICS.positions>[]): Promise<DurableProgress> {
    const context = this.contextOf({ topic: this.deps.topics.positions, partition });
    return context.exclusive(async () => {
      await this.loadDriverTimes(messages);
      const progress = await this.handleBatch(
        context,
        messages,
        (outputs, touched, message) => this.onPosition(context, outputs, touched, message.value),
        true,
      );
      await this.saveDriverTimes(context, messages);
      if (this.deps.driverTimes) this.pruneDriverTimes(this.deps.now());
      return progress;
    });
  }

  /**
   * The drivers' time as other members (other partitions) left it, for the drivers this batch
   * names: before the rules run, as they are synchronous. Kept, the newer winning, so a
   * failed batch's rebuild reads what the batch read. A batch naming no driver reads nothing;
   * the store hands back only times newer than the ones held (an unchanged driver is not
   * decoded again).
   */
  private async loadDriverTimes(messages: readonly ReceivedMessage<typeof TOPICS.positions>[]): Promise<void> {
    const store = this.deps.driverTimes;
    if (!store) return;
    const driverIds = new Set<string>();
    for (const m of messages) {
      const driverId = this.driverOf(m.value);
      if (driverId) driverIds.add(driverId);
    }
    if (driverIds.size === 0) return;
    const seenAtMs = this.deps.now();
    for (const driverId of driverIds) {
      const held = this.driverTimes.get(driverId);
      if (held) held.seenAtMs = seenAtMs;
    }
    const newer = await store.get([...driverIds], (driverId) => this.driverTimes.get(driverId)?.carry.lastReportMs);
    for (const carry of newer.values()) this.keepDriverTime(carry, seenAtMs);
  }

  /**
   * After the batch's outputs went out: the time of the drivers the batch named, for their next
   * vehicle. Only vehicles with a report naming a driver (its card's or the roster's): a report
   * without one is the vehicle's own subject, which moves no driver's last report on. Written before the checkpoint, so it
   * may run ahead of it — a replay after a crash writes older times, which the store refuses,
   * and never takes a vehicle's own time back from it.
   */
  private async saveDriverTimes(context: PartitionContext, messages: readonly ReceivedMessage<typeof TOPICS.positions>[]): Promise<void> {
    const store = this.deps.driverTimes;
    if (!store) return;
    let withDriver: Set<string> | undefined;
    for (const m of messages) if (this.driverOf(m.value)) (withDriver ??= new Set()).add(m.value.vehicleId);
    if (!withDriver) return;
    const seenAtMs = this.deps.now();
    const changed: DriverTimeCarry[] = [];
    for (const vehicleId of withDriver) {
      const slot = context.states.get(vehicleId);
      if (!slot) continue;
      for (const carry of this.deps.positionRules.driverTimesOf(slot.rules)) {
        const held = this.driverTimes.get(carry.driverId)?.carry;
        if (held && held.vehicleId === carry.vehicleId && held.lastReportMs === carry.lastReportMs) continue;
        if (this.keepDriverTime(carry, seenAtMs)) changed.push(carry);
      }
    }
    await store.put(changed);
  }

  /** Whom the rules count a position for: its IC card's driver, else the roster's (RULES.md §13); none: the vehicle. */
  private driverOf(position: PositionV1): string | undefined {
    return this.deps.positionRules.driverOf ? this.deps.positionRules.driverOf(position) : position.driverId;
  }

  private keepDriverTime(carry: DriverTimeCarry, seenAtMs: number): boolean {
    const held = this.driverTimes.get(carry.driverId);
    if (!newerCarry(held?.carry, carry)) return false;
    if (held) {
      held.carry = carry;
      held.seenAtMs = seenAtMs;
    } else this.driverTimes.set(carry.driverId, { carry, seenAtMs });
    return true;
  }

  /**
   * Drops the drivers no batch named for `driverTimeTtlMs`: the copy is what the rules look up
   * synchronously, the store keeps the time (a batch naming the driver again reads it back).
   * A sweep of the copy at most once a tenth of the TTL.
   */
  private pruneDriverTimes(nowMs: number): void {
    const ttlMs = this.deps.driverTimeTtlMs ?? DEFAULT_RULES_CONFIG.retention.idleStateTtlMs;
    if (nowMs - this.driverTimesPrunedAtMs < ttlMs / 10) return;
    this.driverTimesPrunedAtMs = nowMs;
    for (const [driverId, held] of this.driverTimes) if (nowMs - held.seenAtMs > ttlMs) this.driverTimes.delete(driverId);
  }

  /** Drivers whose time is held in memory (the copy of the store the rules look up). */
  get driversHeld(): number {
    return this.driverTimes.size;
  }

  /** The drivers' times the batches read or wrote, with when a batch last named each (by `now`). */
  private readonly driverTimes = new Map<string, { carry: DriverTimeCarry; seenAtMs: number }>();
  private driverTimesPrunedAtMs = -Infinity;
  private readonly driverTimeOf = (driverId: string): DriverTimeCarry | undefined => this.driverTimes.get(driverId)?.carry;

  handleWim(partition: number, messages: readonly ReceivedMessage<typeof TOPICS.wimMeasurements>[]): Promise<DurableProgress> {
    const context = this.contextOf({ topic: this.deps.topics.wim, partition });
    return context.exclusive(() => this.handleBatch(context, messages, (outputs, _touched, message) => this.onWim(outputs, message.value)));
  }

  /**
   * The timers: for each owned positions partition, the vehicles whose timer is due by the
   * clock (a min-heap by due time — a tick touches no vehicle that is not due) go through the
   * rules' `tick`: held positions whose lateness window passed are released (their alerts, TTS
   * reminders included, go out like a batch's), offline vehicles are flagged, the open day's
   * quality counters go out on `quality.daily` when a snapshot is due, and a vehicle idle past
   * the rules' limit is dropped from the state (its open day published first).
   */
  async runTimers(): Promise<void> {
    if (this.deps.driverTimes) this.pruneDriverTimes(this.deps.now());
    const contexts = [...this.partitions.values()].filter((context) => context.ref.topic === this.deps.topics.positions);
    await Promise.all(
      contexts.map((context) =>
        context.exclusive(async () => {
          await this.ensureLoaded(context);
          if (context.lastOffset === null || !this.partitions.has(partitionKeyOf(context.ref))) return;
          const nowMs = this.deps.now();
          const outputs: Outputs = { alerts: [], violations: [], commands: [], qualityDays: [] };
          const staged = new Map<string, VehicleSlot>();
          const removed: string[] = [];
          const due = context.due.takeDue(nowMs);
          for (const vehicleId of due) {
            const slot = context.states.get(vehicleId);
            if (!slot) continue;
            const facts = this.factsOf(vehicleId);
            const result = this.deps.positionRules.tick(facts, slot.rules, nowMs);
            outputs.qualityDays.push(...result.qualityDays);
            for (const raw of result.alerts) {
              const alert = flagUnregistered(raw, slot.registered);
              outputs.alerts.push(alert);
              const reminder = fatigueReminderOf(alert, slot.terminalId, this.deps.reminders, nowMs);
              if (reminder) outputs.commands.push(reminder);
            }
            if (result.state === null) removed.push(vehicleId);
            else if (result.state !== slot.rules || result.alerts.length > 0 || result.qualityDays.length > 0)
              staged.set(vehicleId, { ...slot, rules: result.state });
            // Unchanged: due again when its rules say (changed ones are scheduled once checkpointed).
            else context.due.schedule(vehicleId, this.deps.positionRules.dueMs(facts, slot.rules));
          }
          if (staged.size === 0 && removed.length === 0) return;
          try {
            // A tick's effects depend on the wall clock, so a replay could not re-derive them: checkpoint at once.
            await this.publish(outputs);
            for (const [vehicleId, slot] of staged) {
              context.states.set(vehicleId, slot);
              context.dirty.add(vehicleId);
            }
            if (await this.flush(context, removed)) this.notifyDurable(context);
            else return;
            for (const vehicleId of staged.keys())
              context.due.schedule(vehicleId, this.deps.positionRules.dueMs(this.factsOf(vehicleId), staged.get(vehicleId)!.rules));
          } catch (error) {
            // Not checkpointed: the vehicles keep their state and are due again at once.
            for (const vehicleId of [...staged.keys(), ...removed]) context.due.schedule(vehicleId, -Infinity);
            throw error;
          }
        }),
      ),
    );
  }

  private contextOf(ref: PartitionRef): PartitionContext {
    const key = partitionKeyOf(ref);
    let context = this.partitions.get(key);
    if (!context) {
      // A batch before (or without) the assignment callback: load lazily.
      context = new PartitionContext(ref);
      this.partitions.set(key, context);
    }
    return context;
  }

  private async ensureLoaded(context: PartitionContext): Promise<void> {
    if (!context.loaded) {
      context.loaded = (async () => {
        const snapshot = await this.deps.stateStore.load(context.ref);
        context.lastOffset = snapshot.lastOffset === null ? null : BigInt(snapshot.lastOffset);
        context.checkpointedOffset = context.lastOffset;
        context.lastCheckpointAtMs = this.deps.now();
        context.states = new Map();
        context.dirty = new Set();
        context.due.clear();
        for (const [vehicleId, raw] of snapshot.states) {
          const slot = raw as VehicleSlot;
          let rules: unknown;
          try {
            // A value the store could not decode comes as its error; checkpoints of an older state version are migrated here, once per load.
            if (raw instanceof Error) throw raw;
            rules = this.deps.positionRules.decodeState(slot.rules);
          } catch (error) {
            // Not a state these rules can read: the vehicle starts afresh; the checkpoint is in the log, not lost.
            this.deps.logger.error(
              { topic: context.ref.topic, partition: context.ref.partition, vehicleId, err: error, checkpoint: raw instanceof Error ? undefined : slot.rules },
              'vehicle state not readable; the vehicle starts afresh',
            );
            continue;
          }
          context.states.set(vehicleId, { ...slot, rules });
          context.due.schedule(vehicleId, this.deps.positionRules.dueMs(this.factsOf(vehicleId), rules));
        }
        const replayed = this.replayPending(context);
        this.deps.logger.info(
          { topic: context.ref.topic, partition: context.ref.partition, lastOffset: snapshot.lastOffset, vehicles: context.states.size, replayed },
          'partition state loaded',
        );
      })();
      context.loaded.catch(() => {
        context.loaded = null;
      });
    }
    await context.loaded;
  }

  /**
   * After a failed batch: the positions handled since the checkpoint, through the rules again
   * (the same inputs in the same order give the same states; their outputs went out already).
   */
  private replayPending(context: PartitionContext): number {
    const pending = context.pending;
    context.pending = [];
    const touched: Touched = new Map();
    const discarded: Outputs = { alerts: [], violations: [], commands: [], qualityDays: [] };
    for (const message of pending) {
      const offset = BigInt(message.offset);
      if (context.lastOffset !== null && offset <= context.lastOffset) continue;
      this.onPosition(context, discarded, touched, (message as ReceivedMessage<typeof TOPICS.positions>).value);
      context.lastOffset = offset;
      context.pending.push(message);
      discarded.alerts.length = discarded.commands.length = discarded.qualityDays.length = 0;
    }
    this.afterApplied(context, touched);
    return context.pending.length;
  }

  private async handleBatch<M extends ReceivedMessage>(
    context: PartitionContext,
    messages: readonly M[],
    onMessage: (outputs: Outputs, touched: Touched, message: M) => void,
    holdsState = false,
  ): Promise<DurableProgress> {
    // Read after the load, which may have replaced it.
    let pending: ReceivedMessage[] | undefined;
    try {
      await this.ensureLoaded(context);
      pending = holdsState ? context.pending : undefined;
      const outputs: Outputs = { alerts: [], violations: [], commands: [], qualityDays: [] };
      const touched: Touched = new Map();
      let lastOffset = context.lastOffset;
      let skipped = 0;
      let handled = 0;
      // A batch's offsets ascend: only its head can be in the checkpoint already, so offsets are
      // parsed (a BigInt each) only until the first one after it, and once for the batch's last.
      let checking = lastOffset !== null;
      for (const message of messages) {
        if (checking) {
          if (BigInt(message.offset) <= (lastOffset as bigint)) {
            skipped++;
            continue;
          }
          checking = false;
        }
        onMessage(outputs, touched, message);
        pending?.push(message);
        handled++;
      }
      if (handled > 0) lastOffset = BigInt((messages[messages.length - 1] as M).offset);
      const topic = context.ref.topic;
      if (skipped > 0) {
        this.deps.metrics?.replaysSkipped.inc({ topic }, skipped);
        this.deps.logger.info({ topic, partition: context.ref.partition, skipped }, 'skipped messages already in the checkpoint');
      }
      if (handled > 0) {
        // Publish first (ids are deterministic, so a crash before the checkpoint re-publishes the same ids).
        await this.publish(outputs);
        context.lastOffset = lastOffset;
        this.afterApplied(context, touched);
        this.deps.metrics?.events.inc({ topic }, handled);
        const newest = messages.at(-1);
        if (newest) this.deps.metrics?.lagSeconds.set({ topic }, Math.max(0, (this.deps.now() - newest.timestampMs) / 1000));
      }
      if (context.lastOffset !== context.checkpointedOffset && this.checkpointDue(context)) await this.flush(context);
      return { durableThrough: context.checkpointedOffset === null ? null : context.checkpointedOffset.toString() };
    } catch (error) {
      // The rules may have mutated states in place before the failure: forget them, so the
      // retried batch starts again from the checkpoint (and the positions handled since it)
      // rather than from half-applied state. This batch's positions are not among them unless published.
      if (pending) pending.splice(pending.length - Math.min(pending.length, countAfter(pending, context.lastOffset)));
      context.drop(true);
      throw error;
    }
  }

  private checkpointDue(context: PartitionContext): boolean {
    return this.deps.now() - context.lastCheckpointAtMs >= this.cadence.intervalMs || context.pending.length >= this.cadence.everyRecords;
  }

  /** Changed vehicles are dirty (the next checkpoint writes them) and due when their rules say. */
  private afterApplied(context: PartitionContext, touched: Touched): void {
    for (const [vehicleId, facts] of touched) {
      context.dirty.add(vehicleId);
      const slot = context.states.get(vehicleId);
      if (slot) context.due.schedule(vehicleId, this.deps.positionRules.dueMs(facts, slot.rules));
    }
    this.updateGauges();
  }

  /** In chunks: one produce request per chunk, far below the broker's message.max.bytes (a catch-up batch can raise thousands of alerts). */
  private async publish(outputs: Outputs): Promise<void> {
    const { publisher, topics, metrics } = this.deps;
    await Promise.all([
      publishInChunks(
        publisher,
        topics.alerts,
        outputs.alerts.map((alert): OutgoingMessage<typeof TOPICS.alerts> => ({ key: alert.vehicleId, value: alert })),
      ),
      publishInChunks(
        publisher,
        topics.overloadViolations,
        outputs.violations.map((violation): OutgoingMessage<typeof TOPICS.overloadViolations> => ({ key: violation.vehicleId, value: violation })),
      ),
      publishInChunks(
        publisher,
        topics.terminalCommands,
        outputs.commands.map((command): OutgoingMessage<typeof TOPICS.terminalCommands> => ({ key: command.terminalId, value: command })),
      ),
      publishInChunks(
        publisher,
        topics.qualityDaily,
        outputs.qualityDays.map((day): OutgoingMessage<typeof TOPICS.qualityDaily> => ({ key: day.vehicleId, value: day })),
      ),
    ]);
    for (const alert of outputs.alerts) metrics?.alerts.inc({ rule: alert.rule, level: alert.level });
    if (outputs.commands.length > 0) metrics?.commands.inc(outputs.commands.length);
  }

  /**
   * Checkpoints the vehicles changed since the last checkpoint (and forgets `removed`) at the
   * offset the states reflect. False when the store refused it: another member owns the
   * partition now and moved it on, so this view is stale and dropped (if the partition is
   * still ours after all, the next batch reloads the newer checkpoint).
   */
  private async flush(context: PartitionContext, removed: readonly string[] = []): Promise<boolean> {
    const { metrics } = this.deps;
    const lastOffset = context.lastOffset;
    if (lastOffset === null) return false;
    const changed = new Map<string, VehicleSlot>();
    for (const vehicleId of context.dirty) {
      const slot = context.states.get(vehicleId);
      if (slot && !removed.includes(vehicleId)) changed.set(vehicleId, slot);
    }
    const stopTimer = metrics?.checkpointSeconds.startTimer();
    const written = await this.deps.stateStore.checkpoint(context.ref, {
      lastOffset: lastOffset.toString(),
      changed,
      ...(removed.length > 0 ? { removed } : {}),
    });
    stopTimer?.();
    if (!written) {
      metrics?.staleCheckpoints.inc();
      this.deps.logger.warn(
        { topic: context.ref.topic, partition: context.ref.partition, lastOffset: lastOffset.toString() },
        'checkpoint refused: the partition moved on under another owner',
      );
      context.drop(false);
      return false;
    }
    for (const vehicleId of removed) {
      context.states.delete(vehicleId);
      context.due.forget(vehicleId);
    }
    context.dirty = new Set();
    context.pending = [];
    context.checkpointedOffset = lastOffset;
    context.lastCheckpointAtMs = this.deps.now();
    this.updateGauges();
    return true;
  }

  private notifyDurable(context: PartitionContext): void {
    if (context.checkpointedOffset !== null) this.deps.onDurable?.(context.ref, context.checkpointedOffset.toString());
  }

  private factsOf(vehicleId: string, position?: PositionV1): VehicleFacts {
    return this.deps.vehicles.byVehicleId(vehicleId) ?? unknownVehicleFacts(vehicleId, position?.plate, position?.plateColour);
  }

  private onPosition(context: PartitionContext, outputs: Outputs, touched: Touched, position: PositionV1): void {
    const { vehicleId } = position;
    const known = this.deps.vehicles.byVehicleId(vehicleId);
    if (!known) this.deps.metrics?.unknownVehicles.inc({ topic: context.ref.topic });
    const facts = known ?? unknownVehicleFacts(vehicleId, position.plate, position.plateColour);
    const previous = context.states.get(vehicleId);
    const nowMs = this.deps.now();
    const result = this.deps.positionRules.process(facts, previous?.rules, position, nowMs, this.deps.driverTimes ? this.driverTimeOf : undefined);
    // In place: the slot is the partition's own (a failed batch drops and rebuilds them all), so no copy per position.
    let slot = previous;
    if (slot) {
      slot.terminalId = position.terminalId;
      slot.registered = known !== undefined;
      slot.rules = result.state;
    } else context.states.set(vehicleId, (slot = { terminalId: position.terminalId, registered: known !== undefined, rules: result.state }));
    touched.set(vehicleId, facts);
    if (result.qualityDays.length > 0) outputs.qualityDays.push(...result.qualityDays);
    for (const raw of result.alerts) {
      const alert = flagUnregistered(raw, slot.registered);
      outputs.alerts.push(alert);
      const reminder = fatigueReminderOf(alert, slot.terminalId, this.deps.reminders, nowMs);
      if (reminder) outputs.commands.push(reminder);
    }
  }

  private stationClasses: Readonly<Record<string, number>> | undefined;
  private stationConfig: OverloadConfig | undefined;

  /** The overload config with the registry's station classes; rebuilt only when a reload gave new ones. */
  private overloadConfig(): OverloadConfig {
    const classes = this.deps.wimStationClasses?.();
    if (!classes) return this.deps.overloadConfig;
    if (classes !== this.stationClasses || !this.stationConfig) {
      this.stationClasses = classes;
      this.stationConfig = withStationAccuracyClasses(this.deps.overloadConfig, classes);
    }
    return this.stationConfig;
  }

  private onWim(outputs: Outputs, measurement: WimMeasurementV1): void {
    // An exit scale's or entrance scale's weighing is no roadside weighing (RULES §13, §15):
    // an over-limit exit record is 第71条 evidence for services/enforcement, never 一超四罚.
    if (recordKindOf(measurement) !== 'wim') return;
    const facts = this.deps.vehicles.byPlate(measurement.plate, measurement.plateColour);
    if (!facts) this.deps.metrics?.unknownVehicles.inc({ topic: this.deps.topics.wim });
    const assessment = assessOverload(measurement, facts, this.overloadConfig());
    if (assessment.outcome === 'rejected') {
      // A logged, counted rejection, not an alert: an implausible record says something about
      // the scale, not the vehicle, and ingest-wim already flagged it on intake.
      for (const reason of assessment.reasons) this.deps.metrics?.wimRejected.inc({ reason: reason.code });
      this.deps.logger.warn(
        {
          vehicleId: assessment.vehicleId,
          measurementId: measurement.measurementId,
          stationId: measurement.stationId,
          reasons: assessment.reasons.map((reason) => reason.message),
        },
        'implausible WIM record rejected, not scored',
      );
      return;
    }
    if (!isOverloadViolation(assessment)) return;
    const nowMs = this.deps.now();
    outputs.violations.push(toOverloadViolationV1(assessment, measurement, nowMs));
    outputs.alerts.push(toOverloadAlertV1(assessment, nowMs));
  }

  private updateGauges(): void {
    const { metrics } = this.deps;
    if (!metrics) return;
    metrics.vehiclesHeld.set(this.vehiclesHeld);
    const byTopic = new Map<string, number>();
    for (const context of this.partitions.values()) byTopic.set(context.ref.topic, (byTopic.get(context.ref.topic) ?? 0) + 1);
    for (const topic of [this.deps.topics.positions, this.deps.topics.wim]) metrics.partitionsOwned.set({ topic }, byTopic.get(topic) ?? 0);
  }
}

const PUBLISH_CHUNK = 200;

/** How many of `messages` (ascending offsets) lie after `offset`. */
const countAfter = (messages: readonly ReceivedMessage[], offset: bigint | null): number => {
  if (offset === null) return messages.length;
  let count = 0;
  for (let index = messages.length - 1; index >= 0 && BigInt(messages[index]!.offset) > offset; index--) count++;
  return count;
};

const publishInChunks = async <T extends BusTopic>(publisher: Pick<Bus, 'publish'>, topic: T, messages: OutgoingMessage<T>[]): Promise<void> => {
  for (let start = 0; start < messages.length; start += PUBLISH_CHUNK) await publisher.publish(topic, messages.slice(start, start + PUBLISH_CHUNK));
};

/** Alerts of vehicles the registry does not know say so: the registry gap is visible on every alert. */
const flagUnregistered = (alert: AlertV1, registered: boolean): AlertV1 =>
  registered ? alert : { ...alert, details: { ...alert.details, registered: false, factsAssumed: 'class other (unknown vehicle)' } };
