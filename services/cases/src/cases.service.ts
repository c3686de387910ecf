import { TOPICS, type CaseEventV1, type OverloadViolationV1 } from '@roadwatch/contracts';
import type { Bus, FailurePolicyOptions, Subscription } from '@roadwatch/messaging';
import { DEFAULT_OVERLOAD_CONFIG, DEFAULT_PENALTY_CONFIG, type OverloadConfig, type PenaltyConfig } from '@roadwatch/rules';
import type { Logger, ReadinessCheck, ServiceMetrics } from '@roadwatch/runtime';
import { CaseHistoryRepository, CaseRepository, OverloadViolationRepository, pingDatabase, RegistryRepository, type StoragePool } from '@roadwatch/storage';
import { caseIdOf, OpenCase, type OpenCaseDeps } from './open-case.usecase';

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
  driverOf?: OpenCaseDeps['driverOf'];
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

/** The stored event as it went out (details as recorded). */
const asEvent = (caseId: string, violationId: string, e: { eventId: string; type: CaseEventV1['type']; party?: CaseEventV1['party']; occurredAtMs: number; details: Record<string, unknown> }): CaseEventV1 => ({
  v: 1, eventId: e.eventId, caseId, type: e.type, violationId, ...(e.party ? { party: e.party } : {}), occurredAtMs: e.occurredAtMs, details: e.details,
});

/**
 * services/cases: consumer group `cases` on `violations.overload`. Per violation, in
 * partition order: store the violation (idempotent, the archiver does the same), open its
 * 一超四罚 case through `CaseRepository.apply` (one transaction per event, each event once),
 * then publish the case's events on `cases.events` (key = caseId). Only then does the
 * batch resolve and its offsets commit. A redelivered violation finds its case and
 * re-publishes the stored events unchanged (consumers dedupe on eventId); it never
 * recomputes nor opens a second case.
 */
export const startCases = async (options: CasesOptions): Promise<RunningCases> => {
  const { bus, pool, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const cases = new CaseRepository(pool);
  const violations = new OverloadViolationRepository(pool);
  const openCase = new OpenCase({
    history: new CaseHistoryRepository(pool),
    registry: new RegistryRepository(pool),
    penaltyConfig: options.penaltyConfig ?? DEFAULT_PENALTY_CONFIG,
    overloadConfig: options.overloadConfig ?? DEFAULT_OVERLOAD_CONFIG,
    stationSourceSites: options.stationSourceSites ?? {},
    ...(options.driverOf ? { driverOf: options.driverOf } : {}),
  });

  const opened = metrics.counter('cases_opened_total', 'Cases opened (first delivery of a violation)');
  const redelivered = metrics.counter('cases_redelivered_total', 'Violations whose case already existed (events re-published)');
  const flagged = metrics.counter('cases_review_flagged_total', 'Cases flagged for review (百吨王)');
  const failures = metrics.counter('cases_batch_failures_total', 'Batches that failed and will be handed again');

  const handle = async (violation: OverloadViolationV1): Promise<CaseEventV1[]> => {
    const caseId = caseIdOf(violation.violationId);
    await violations.insert(violation);
    const existing = await cases.get(caseId);
    // Penalties are the last events of an opening: with them stored the case is complete.
    if (existing && existing.penalties.length === 4) {
      redelivered.inc();
      return existing.events.map((e) => asEvent(caseId, violation.violationId, e));
    }
    const result = await openCase.execute(violation, now());
    for (const event of result.events) await cases.apply(event);
    opened.inc();
    if (result.penalties.reviewRecommendations.length > 0) flagged.inc();
    logger.info(
      { vehicleId: violation.vehicleId, caseId, violationId: violation.violationId, proposedYuan: result.penalties.vehicleOwner.proposedYuan, review: result.penalties.reviewRecommendations.length > 0 },
      'case opened',
    );
    return result.events;
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
        const out: CaseEventV1[] = [];
        for (const message of batch.messages) out.push(...(await handle(message.value)));
        if (out.length) await bus.publish(TOPICS.caseEvents, out.map((value) => ({ key: value.caseId, value })));
      } catch (error) {
        failures.inc();
        logger.error({ err: error, partition: batch.partition, firstOffset: batch.messages[0]?.offset }, 'opening cases failed; the bus retries the batch, or isolates and dead-letters the violations refused for good');
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
    },
  };
};
