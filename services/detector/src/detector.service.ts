import type { Bus, BusTopic, FailurePolicyOptions, Subscription } from '@roadwatch/messaging';
import {
  DEFAULT_OVERLOAD_CONFIG,
  DEFAULT_RULES_CONFIG,
  type ConfigPatch,
  type OverloadConfig,
  type RelayLookup,
  type RoadIndex,
  type RosterDriverLookup,
  type RouteLookup,
  type RulesConfig,
} from '@roadwatch/rules';
import { createLogger, ServiceMetrics, type Logger, type ReadinessCheck } from '@roadwatch/runtime';
import type { VehicleFactsLookup } from './directory/vehicle-facts-lookup';
import { DetectorMetrics } from './detector-metrics';
import { DEFAULT_DETECTOR_TOPICS, DetectorProcessor, type CheckpointCadence, type DetectorTopics } from './detector.processor';
import { DEFAULT_FATIGUE_REMINDER_CONFIG, type FatigueReminderConfig } from './reminders/fatigue-reminder';
import type { PositionRules } from './rules/position-rules.port';
import { libsPositionRules } from './rules/libs-position-rules';
import type { StateStore } from './state/state-store';
import { MemoryDriverTimeStore, type DriverTimeStore } from './driver-times/driver-time-store';

export interface DetectorOptions {
  bus: Bus;
  stateStore: StateStore;
  /**
   * Where a driver's fatigue time waits for his next vehicle (RULES.md §2, §13), shared by every
   * member: `RedisDriverTimeStore` in cluster mode. Default: one in memory (the embedded
   * default's one process holds every partition).
   */
  driverTimes?: DriverTimeStore;
  vehicles: VehicleFactsLookup;
  /** Defaults to the pipeline of libs/rules with its default config and `roads`. */
  positionRules?: PositionRules;
  /** Road segments / speed zones for the default rules (see `loadRoadIndex`), or a getter of the index loaded now (`startDatabaseRegistry`). */
  roads?: RoadIndex | (() => RoadIndex | undefined);
  /** The 接驳运输 registrations for the default rules' 02:00–05:00 rule (`startDatabaseRegistry`'s `relays`); none: no vehicle is exempt. */
  relays?: RelayLookup;
  /** Each vehicle's approved routes for the default rules' off-route and 班线 checks (`startDatabaseRegistry`'s `routes`); none: no route is judged. */
  routes?: () => RouteLookup | undefined;
  /** The drivers' shift roster for the default rules' fatigue per driver without an IC card (`startDatabaseRegistry`'s `roster`, RULES §13); none: such reports count per vehicle. */
  roster?: () => RosterDriverLookup | undefined;
  /** The default rules' thresholds (RULES.md's unless given) and per-region overrides (`rulesFromConfig`). */
  rulesConfig?: RulesConfig;
  overridesByRegion?: Readonly<Record<string, ConfigPatch<RulesConfig>>>;
  overloadConfig?: OverloadConfig;
  /** Each WIM station's accuracy class by station id (the registry's, RULES.md §4), or a getter of those loaded now (`startDatabaseRegistry`). */
  wimStationClasses?: Readonly<Record<string, number>> | (() => Readonly<Record<string, number>>);
  reminders?: Partial<FatigueReminderConfig>;
  topics?: Partial<DetectorTopics>;
  groupId?: string;
  /** Where a group with no committed offset starts (default: the oldest message). */
  fromBeginning?: boolean;
  /** How often the timers run (the vehicles due: held reports, offline, quality snapshots, idle limit); 0 disables them. */
  timersIntervalMs?: number;
  /**
   * When a partition's changed vehicles are checkpointed (default every 5 s or 20,000 records,
   * `DEFAULT_CHECKPOINT_CADENCE`; `{ intervalMs: 0, everyRecords: 1 }`: after every batch).
   * The consumer commits only through the last checkpoint.
   */
  checkpoint?: CheckpointCadence;
  /** Retry / isolate policy of the consumer (default the bus's: 5 attempts, then the refused record goes to `<topic>.dlq`). */
  failurePolicy?: FailurePolicyOptions;
  /** `/ready` turns false when a partition has lag and no committed progress for this long (default the bus's, 60 s). */
  stallAfterMs?: number;
  logger?: Logger;
  metrics?: ServiceMetrics;
  now?: () => number;
}

export interface RunningDetector {
  readonly processor: DetectorProcessor;
  /** Run the timers now: every vehicle due (held reports, offline, quality snapshots, the idle limit) — tests; the interval calls the same. */
  runTimers(): Promise<void>;
  /** For the ops server's /ready: consuming, and the state store answers. */
  readiness: ReadinessCheck[];
  /** Graceful: stop consuming, let the in-flight batch finish, commit and checkpoint, leave the group. */
  close(): Promise<void>;
}

/** Every 5 s or 20,000 records per partition: a crash replays at most that, and a vehicle reporting faster than that is written once per interval. */
export const DEFAULT_CHECKPOINT_CADENCE: CheckpointCadence = { intervalMs: 5_000, everyRecords: 20_000 };

/**
 * The detector: one consumer-group member reading positions and WIM records. The
 * standalone process calls this with the in-process bus and the memory store; `main.ts`
 * with Kafka and Redis.
 */
export const startDetector = async (options: DetectorOptions): Promise<RunningDetector> => {
  const logger = options.logger ?? createLogger('detector');
  const metrics = new DetectorMetrics(options.metrics ?? new ServiceMetrics('detector', { defaultMetrics: false }));
  const topics: DetectorTopics = { ...DEFAULT_DETECTOR_TOPICS, ...options.topics };
  const cadence = options.checkpoint ?? DEFAULT_CHECKPOINT_CADENCE;
  const now = options.now ?? Date.now;
  const rulesConfig = options.rulesConfig ?? DEFAULT_RULES_CONFIG;
  const processor = new DetectorProcessor({
    publisher: options.bus,
    stateStore: options.stateStore,
    // As Redis keeps them in cluster mode (main.ts): a driver's time matters for the trailing 24 h and a rest.
    driverTimes: options.driverTimes ?? new MemoryDriverTimeStore(rulesConfig.fatigue.dailyWindowMs + rulesConfig.motion.restMs, now),
    driverTimeTtlMs: rulesConfig.retention.idleStateTtlMs,
    vehicles: options.vehicles,
    positionRules:
      options.positionRules ??
      libsPositionRules({
        ...(options.roads ? { roads: options.roads } : {}),
        ...(options.relays ? { relays: options.relays } : {}),
        ...(options.routes ? { routes: options.routes } : {}),
        ...(options.roster ? { roster: options.roster } : {}),
        ...(options.rulesConfig ? { config: options.rulesConfig } : {}),
        ...(options.overridesByRegion ? { overridesByRegion: options.overridesByRegion } : {}),
        onNotice: (notice) => logger.warn({ vehicleId: notice.vehicleId, notice }, 'registry is missing a field a rule needs'),
      }),
    overloadConfig: options.overloadConfig ?? DEFAULT_OVERLOAD_CONFIG,
    ...(options.wimStationClasses ? { wimStationClasses: stationClassesGetter(options.wimStationClasses) } : {}),
    reminders: { ...DEFAULT_FATIGUE_REMINDER_CONFIG, ...options.reminders },
    topics,
    logger,
    metrics,
    now,
    checkpoint: cadence,
    // A checkpoint outside a batch (the cadence's clock, a timer tick): the bus may commit that far now.
    // Only the flusher and the timers call it, both started once subscribed.
    onDurable: (ref, offset) => {
      subscription
        .commit(ref.topic as BusTopic, ref.partition, offset)
        .catch((error: unknown) => logger.warn({ err: error, ...ref, offset }, 'commit after checkpoint failed; the next batch commits it'));
    },
  });

  const subscription: Subscription = await options.bus.subscribe({
    groupId: options.groupId ?? 'detector',
    topics: [topics.positions, topics.wim],
    fromBeginning: options.fromBeginning ?? true,
    ...(options.failurePolicy ? { failurePolicy: options.failurePolicy } : {}),
    ...(options.stallAfterMs ? { stallAfterMs: options.stallAfterMs } : {}),
    handleBatch: async (batch) => {
      if (batch.topic === topics.positions) return processor.handlePositions(batch.partition, batch.messages);
      if (batch.topic === topics.wim) return processor.handleWim(batch.partition, batch.messages);
      return undefined;
    },
    onPartitionsAssigned: async (partitions) => {
      logger.info({ partitions }, 'partitions assigned');
      await processor.assign(partitions);
    },
    onPartitionsRevoked: async (partitions) => {
      logger.info({ partitions }, 'partitions revoked');
      await processor.revoke(partitions);
    },
  });

  let timerRun: Promise<void> = Promise.resolve();
  // One timer run after another; a failed run is logged and the chain goes on (the timer does not wait for it).
  const queueTimerRun = (): void => {
    timerRun = timerRun.then(() => processor.runTimers()).catch((error: unknown) => logger.error({ err: error }, 'timer run failed'));
  };
  const runTimers = (): Promise<void> => {
    queueTimerRun();
    return timerRun;
  };
  const intervalMs = options.timersIntervalMs ?? 60_000;
  const timer = intervalMs > 0 ? setInterval(queueTimerRun, intervalMs) : undefined;
  timer?.unref();
  // The cadence's clock: a partition that went quiet is checkpointed (and committed) within the interval too.
  const flusher =
    cadence.intervalMs > 0
      ? setInterval(() => void processor.flushDue().catch((error: unknown) => logger.error({ err: error }, 'checkpoint flush failed')), cadence.intervalMs)
      : undefined;
  flusher?.unref();

  let consuming = true;
  logger.info({ groupId: subscription.groupId, topics, checkpoint: cadence }, 'detector started');
  return {
    processor,
    runTimers,
    readiness: [
      { name: 'consumer', check: () => consuming && subscription.stalled().length === 0 },
      { name: 'state-store', check: () => options.stateStore.ping() },
    ],
    close: async () => {
      consuming = false;
      if (timer) clearInterval(timer);
      if (flusher) clearInterval(flusher);
      await timerRun;
      await subscription.close();
      await processor.revokeAll();
    },
  };
};

const stationClassesGetter = (
  classes: Readonly<Record<string, number>> | (() => Readonly<Record<string, number>>),
): (() => Readonly<Record<string, number>>) => (typeof classes === 'function' ? classes : () => classes);
