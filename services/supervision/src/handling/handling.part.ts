import { TOPICS, type AlertV1, type HandlingChangeV1 } from '@roadwatch/contracts';
import type { Subscription } from '@roadwatch/messaging';
import { DEFAULT_HANDLING_DEADLINE_CONFIG, handlingDeadlineAt, isHandlingDue, type HandlingDeadlineConfig } from '@roadwatch/rules';
import { HandlingRepository, handlingItemOf, withJobLock, type HandlingRecord } from '@roadwatch/storage';
import type { RunningSupervisionPart, SupervisionContext, SupervisionPart } from '../supervision.service';

export interface HandlingPartOptions {
  /** Consumer group on `alerts` (default `supervision-handling`; tests use their own). */
  groupId?: string;
  /** Where the alerts topic starts for a new group (default the oldest message: nothing addressed to a company is skipped). */
  fromBeginning?: boolean;
}

/** The part's settings from the service's environment (RULES §9 *default*s). */
export const handlingSettingsOf = (config: SupervisionContext['config']): { deadlines: HandlingDeadlineConfig; escalationIntervalMs: number } => ({
  deadlines: {
    ...DEFAULT_HANDLING_DEADLINE_CONFIG,
    ...(config.HANDLING_SEVERE_WINDOW_MS !== undefined ? { severeWindowMs: config.HANDLING_SEVERE_WINDOW_MS } : {}),
    ...(config.HANDLING_STANDARD_WINDOW_MS !== undefined ? { standardWindowMs: config.HANDLING_STANDARD_WINDOW_MS } : {}),
  },
  escalationIntervalMs: config.HANDLING_ESCALATION_INTERVAL_MS ?? 30_000,
});

export const ESCALATION_JOB = 'supervision-handling-escalation';

/**
 * The handling workflow's background half (RULES.md §9, §15):
 * - intake: every alert of a vehicle that belongs to a company gets one `alert_handling` row —
 *   put on the company's 待处理 list, which is its first in-platform notification, with the
 *   deadline of its severity then (pre-warnings are listed but never due); later revisions
 *   update what the list shows and `withdrawn`, never the deadline. Redelivery and late,
 *   older revisions change nothing. Each new item goes out on `supervision.handling`, from
 *   which the API pushes it live to the company's users.
 * - escalation: a job (once per cluster, `withJobLock`) marks overdue items escalated — the
 *   monitoring centre's on-duty board — and announces them the same way, to the region's operators.
 */
export const handlingPart = (options: HandlingPartOptions = {}): SupervisionPart => ({
  name: 'handling',
  start: async (context: SupervisionContext): Promise<RunningSupervisionPart> => {
    const { bus, pool, logger, metrics, now } = context;
    const settings = handlingSettingsOf(context.config);
    const repository = new HandlingRepository(pool);
    const notified = metrics.counter('supervision_handling_notified_total', 'Alerts put on their company’s handling list (first in-platform notification)');
    const revised = metrics.counter('supervision_handling_revised_total', 'Later revisions applied to a handling item (withdrawals included)');
    const escalated = metrics.counter('supervision_handling_escalated_total', 'Overdue handling items escalated to the on-duty board');
    const failures = metrics.counter('supervision_handling_batch_failures_total', 'Alert batches that failed and will be handed again');

    const announce = async (change: HandlingChangeV1['change'], records: HandlingRecord[]): Promise<void> => {
      if (records.length === 0) return;
      const nowMs = now();
      // Live delivery is best effort: the item is stored and stays on the list whatever happens here.
      await bus
        .publish(
          TOPICS.handlingChanges,
          records.map((record) => ({ key: record.companyId, value: { v: 1 as const, change, item: handlingItemOf(record, nowMs) } })),
        )
        .catch((error: unknown) => logger.warn({ err: error, change, count: records.length }, 'announcing handling items failed; they stay on the lists'));
    };

    const intake = async (alert: AlertV1): Promise<void> => {
      const notifiedAtMs = now();
      const facts = { rule: alert.rule, level: alert.level, points: alert.points, isBaiDunWang: alert.details['isBaiDunWang'] === true };
      const { severity, deadlineAtMs } = handlingDeadlineAt(facts, notifiedAtMs, settings.deadlines);
      const outcome = await repository.intake({
        alertId: alert.alertId,
        revision: alert.revision,
        vehicleId: alert.vehicleId,
        plate: alert.plate,
        companyId: alert.companyId,
        regionCode: alert.regionCode,
        rule: alert.rule,
        level: alert.level,
        alertSeverity: alert.severity,
        summary: alert.summary,
        summaryEn: alert.summaryEn,
        startedAtMs: alert.startedAtMs,
        withdrawn: alert.withdrawn === true,
        handlingSeverity: severity,
        due: isHandlingDue(facts),
        notifiedAtMs,
        deadlineAtMs,
      });
      if (outcome.kind === 'notified') {
        notified.inc();
        logger.debug({ vehicleId: alert.vehicleId, alertId: alert.alertId, companyId: outcome.record.companyId, deadlineAtMs }, 'handling item notified');
        await announce('notified', [outcome.record]);
      } else if (outcome.kind === 'revised') {
        revised.inc();
        await announce('revised', [outcome.record]);
      }
    };

    const subscription: Subscription = await bus.subscribe({
      groupId: options.groupId ?? 'supervision-handling',
      topics: [TOPICS.alerts],
      fromBeginning: options.fromBeginning ?? true,
      handleBatch: async (batch) => {
        try {
          // One key (vehicle) keeps its order inside the batch; each alert commits on its own.
          for (const message of batch.messages) await intake(message.value);
        } catch (error) {
          failures.inc();
          logger.error(
            { err: error, partition: batch.partition, firstOffset: batch.messages[0]?.offset },
            'handling intake failed; the bus retries the batch, or isolates and dead-letters the alerts refused for good',
          );
          throw error;
        }
      },
    });

    /** One run of the escalation job; answers how many items it escalated (none when another member holds the lock). */
    const escalate = async (): Promise<number> => {
      const nowMs = now();
      const run = await withJobLock(pool, ESCALATION_JOB, (tx) => repository.escalateOverdue(tx, nowMs));
      if (!run.ran || run.result.length === 0) return 0;
      escalated.inc(run.result.length);
      logger.info({ count: run.result.length }, 'overdue handling items escalated to the on-duty board');
      await announce('escalated', run.result);
      return run.result.length;
    };
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = running.then(escalate).catch((error: unknown) => logger.error({ err: error }, 'handling escalation failed; the next run retries'));
    }, settings.escalationIntervalMs);
    timer.unref();

    return {
      readiness: [{ name: 'handling-consumer', check: () => subscription.stalled().length === 0 }],
      close: async () => {
        clearInterval(timer);
        await running;
        await subscription.close();
      },
    };
  },
});
