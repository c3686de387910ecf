import { CaseProposer, CaseUnitOfWork, driverOnDutyOf, OpenCaseUseCase, type CaseProposalConfig } from '@roadwatch/case-lifecycle';
import { InvalidMessageError, type Bus, type BusTopic, type FailurePolicyOptions, type OutgoingMessage, type Subscription } from '@roadwatch/messaging';
import { TOPICS, type OverloadViolationV1 } from '@roadwatch/contracts';
import { DEFAULT_OVERLOAD_CONFIG, DEFAULT_PENALTY_CONFIG, type OverloadConfig, type PenaltyConfig } from '@roadwatch/rules';
import type { Logger, ReadinessCheck, ServiceMetrics } from '@roadwatch/runtime';
import { DriverDutyReadModel, OutboxRelay, pingDatabase, RegistryRepository, type StoragePool } from '@roadwatch/storage';

export interface CasesOptions {
  bus: Bus;
  /** A migrated storage schema (`createPool` + `migrate` of @roadwatch/storage). */
  pool: StoragePool;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Default `cases`. */
  groupId?: string;
  /** Default: RULES.md's figures (`DEFAULT_PENALTY_CONFIG`); regions resolve theirs with `resolvePenaltyConfig`. */
  penaltyConfig?: PenaltyConfig;
  overloadConfig?: Pick<OverloadConfig, 'dimensionLimitsM'>;
  /** WIM station id → 货运源头单位 site id, for stations at or linked to a loading site. */
  stationSourceSites?: Readonly<Record<string, string>>;
  /** Default: the driver on duty at the weighing from the stored IC-card reports and roster (`driverOnDutyOf`). */
  driverOf?: CaseProposalConfig['driverOf'];
  /** Safety-net period of the outbox relay (default 1 s); every batch kicks it after its commits. */
  outboxIntervalMs?: number;
  /** Retry / isolate policy of the consumer (default the bus's: 5 attempts, then the refused violation goes to `violations.overload.dlq`). */
  failurePolicy?: FailurePolicyOptions;
  /** `/ready` turns false when a partition has lag and no committed progress for this long (default the bus's, 60 s). */
  stallAfterMs?: number;
  now?: () => number;
}

export interface RunningCases {
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

/**
 * services/cases: consumer group `cases` on `violations.overload`. Per violation, in
 * partition order, the `OpenCaseUseCase` of @roadwatch/case-lifecycle stores the violation
 * (its only writer), opens its 一超四罚 case and queues the case's events for `cases.events`
 * (key = caseId) in the outbox, all in one transaction. After the batch the outbox relay
 * publishes them; only then does the batch resolve and its offsets commit. A redelivered
 * violation finds its case and queues the stored events again unchanged (consumers dedupe on
 * eventId); it never recomputes nor opens a second case. A crash between the commit and the
 * publish loses nothing: the relay (this one after a restart, or any other on the database)
 * publishes the pending rows.
 */
export const startCases = async (options: CasesOptions): Promise<RunningCases> => {
  const { bus, pool, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const outbox = OutboxRelay.start({
    pool,
    publish: (topic, messages) => bus.publish(topic as BusTopic, messages as OutgoingMessage[]),
    refusedIndex: (error) => (error instanceof InvalidMessageError ? error.index : undefined),
    logger,
    intervalMs: options.outboxIntervalMs ?? 1_000,
  });
  // The relay is kicked once per batch, after every violation of it has committed.
  const openCase = new OpenCaseUseCase(
    new CaseUnitOfWork(pool),
    new CaseProposer({
      penaltyConfig: options.penaltyConfig ?? DEFAULT_PENALTY_CONFIG,
      overloadConfig: options.overloadConfig ?? DEFAULT_OVERLOAD_CONFIG,
      stationSourceSites: options.stationSourceSites ?? {},
      driverOf: options.driverOf ?? driverOnDutyOf({ duty: new DriverDutyReadModel(pool), registry: new RegistryRepository(pool) }),
    }),
  );

  const opened = metrics.counter('cases_opened_total', 'Cases opened (first delivery of a violation)');
  const redelivered = metrics.counter('cases_redelivered_total', 'Violations whose case already existed (events re-published)');
  const flagged = metrics.counter('cases_review_flagged_total', 'Cases flagged for review (百吨王)');
  const failures = metrics.counter('cases_batch_failures_total', 'Batches that failed and will be handed again');

  const handle = async (violation: OverloadViolationV1): Promise<void> => {
    const result = await openCase.execute({ violation, nowMs: now() });
    if (!result.opened) {
      redelivered.inc();
      return;
    }
    opened.inc();
    if (result.penalties.reviewRecommendations.length > 0) flagged.inc();
    logger.info(
      {
        vehicleId: violation.vehicleId,
        caseId: result.caseId,
        violationId: violation.violationId,
        proposedYuan: result.penalties.vehicleOwner.proposedYuan,
        review: result.penalties.reviewRecommendations.length > 0,
      },
      'case opened',
    );
  };

  let consuming = false;
  const subscription: Subscription = await bus.subscribe({
    groupId: options.groupId ?? 'cases',
    topics: [TOPICS.overloadViolations],
    fromBeginning: true,
    ...(options.failurePolicy ? { failurePolicy: options.failurePolicy } : {}),
    ...(options.stallAfterMs ? { stallAfterMs: options.stallAfterMs } : {}),
    handleBatch: async (batch) => {
      try {
        for (const message of batch.messages) await handle(message.value);
        await outbox.kick();
      } catch (error) {
        failures.inc();
        logger.error(
          { err: error, partition: batch.partition, firstOffset: batch.messages[0]?.offset },
          'opening cases failed; the bus retries the batch, or isolates and dead-letters the violations refused for good',
        );
        throw error;
      }
    },
  });
  consuming = true;
  logger.info({ groupId: options.groupId ?? 'cases' }, 'cases consuming');
  return {
    readiness: [
      { name: 'database', check: () => pingDatabase(pool) },
      { name: 'consumer', check: () => consuming && subscription.stalled().length === 0 },
    ],
    close: async () => {
      consuming = false;
      await subscription.close();
      await outbox.close();
    },
  };
};
