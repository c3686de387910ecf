import { TOPICS, type WimMeasurementV1 } from '@roadwatch/contracts';
import type { EnforcementContext, EnforcementPart, RunningEnforcementPart } from '../enforcement.service';
import { SiteWeighings } from './site-weighings';

export const SITE_WEIGHINGS_PART = 'site-weighings';

/**
 * The part: a consumer group of its own on `wim.measurements` (exit and entrance records; WIM
 * records pass by), and a timer (`SITE_WEIGHINGS_INTERVAL_MS`, default 60 s) that reviews the
 * open judgements at the context's clock. A batch is committed once its traces and alerts are
 * stored; a failure hands it again and the writes are idempotent.
 */
export const siteWeighingsPart = (options: { groupId?: string } = {}): EnforcementPart => ({
  name: SITE_WEIGHINGS_PART,
  async start(context: EnforcementContext): Promise<RunningEnforcementPart> {
    const { bus, logger, metrics } = context;
    const settleMs = context.config.SITE_WEIGHINGS_ENTRANCE_SETTLE_MS;
    const weighings = new SiteWeighings({ pool: context.pool, logger, now: context.now, ...(settleMs !== undefined ? { entranceSettleMs: settleMs } : {}) });
    const outcomes = metrics.counter('enforcement_site_weighings_total', 'Exit/entrance records that started a trace or a targeting alert, by what', ['what']);
    const subscription = await bus.subscribe({
      groupId: options.groupId ?? 'enforcement-site-weighings',
      topics: [TOPICS.wimMeasurements],
      fromBeginning: true,
      handleBatch: async (batch) => {
        for (const { value } of batch.messages) {
          const outcome = await weighings.onMeasurement(value as WimMeasurementV1);
          if (outcome.trace) outcomes.inc({ what: 'trace' });
          if (outcome.targetingId) outcomes.inc({ what: 'targeting_alert' });
        }
      },
    });
    let running: Promise<void> = Promise.resolve();
    let lastError: unknown;
    const tick = (): void => {
      running = running
        .then(async () => {
          const summary = await weighings.review();
          lastError = undefined;
          if (summary.article71Raised + summary.unweighedExitRaised + summary.entranceRefusalsTraced > 0)
            logger.info(summary, 'site weighings: judgements made');
        })
        .catch((error: unknown) => {
          lastError = error;
          logger.error({ err: error }, 'site weighings review failed; retried at the next tick');
        });
    };
    const timer = setInterval(tick, context.config.SITE_WEIGHINGS_INTERVAL_MS ?? 60_000);
    timer.unref();
    return {
      readiness: [{ name: SITE_WEIGHINGS_PART, check: () => lastError === undefined }],
      async close() {
        clearInterval(timer);
        await running;
        await subscription.close();
      },
    };
  },
});
