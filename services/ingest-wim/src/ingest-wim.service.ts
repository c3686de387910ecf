import { TOPICS } from '@roadwatch/contracts';
import type { Bus, Subscription } from '@roadwatch/messaging';
import { checkWimPlausibility, DEFAULT_OVERLOAD_CONFIG, type OverloadConfig } from '@roadwatch/rules';
import type { Logger, SeenSet, ServiceMetrics } from '@roadwatch/runtime';
import { createWimHttpApp } from './http/app.module';
import type { StationKeys } from './station-keys';
import { WimIntake } from './wim-intake.usecase';

export interface IngestWimOptions {
  bus: Bus;
  seen: SeenSet;
  stationKeys: StationKeys;
  logger: Logger;
  metrics: ServiceMetrics;
  httpPort: number;
  httpHost?: string;
  overloadConfig?: OverloadConfig;
  /** Consumer group for stations that publish to `wim.station-records` directly. */
  groupId?: string;
  now?: () => number;
}

export interface RunningIngestWim {
  url: string;
  close(): Promise<void>;
}

/**
 * ingest-wim: HTTP for stations that post, a Kafka consumer for stations that publish
 * to `wim.station-records`; both go through the one WimIntake. Records that fail the
 * station-record schema on Kafka are dead-lettered by the bus with the reason.
 */
export const startIngestWim = async (options: IngestWimOptions): Promise<RunningIngestWim> => {
  const { bus, logger, metrics } = options;
  const overloadConfig = options.overloadConfig ?? DEFAULT_OVERLOAD_CONFIG;
  const outcomes = metrics.counter('wim_records_total', 'WIM records received, by channel and outcome', ['channel', 'outcome']);
  const intake = new WimIntake({
    publisher: bus,
    seen: options.seen,
    now: options.now ?? Date.now,
    plausibilityWarnings: (measurement) => {
      const plausibility = checkWimPlausibility(measurement, overloadConfig);
      return plausibility.plausible ? [] : plausibility.reasons.map((reason) => reason.message);
    },
    onOutcome: (outcome, channel) => {
      outcomes.inc({ channel, outcome: outcome.status });
      if (outcome.status === 'accepted' && outcome.warnings.length > 0) {
        logger.warn({ measurementId: outcome.measurementId, warnings: outcome.warnings }, 'implausible WIM record kept; it will not be scored');
      }
    },
  });

  const app = await createWimHttpApp(intake, options.stationKeys);
  await app.listen(options.httpPort, options.httpHost ?? '127.0.0.1');

  const subscription: Subscription = await bus.subscribe({
    groupId: options.groupId ?? 'ingest-wim',
    topics: [TOPICS.wimStationRecords],
    fromBeginning: true,
    handleBatch: async (batch) => {
      for (const message of batch.messages) {
        await intake.submit(message.value, undefined, 'kafka');
      }
    },
  });

  logger.info({ url: await app.getUrl() }, 'ingest-wim listening');
  return {
    url: await app.getUrl(),
    close: async () => {
      await subscription.close();
      await app.close();
    },
  };
};
