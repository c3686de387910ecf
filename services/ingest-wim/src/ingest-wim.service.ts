import { TOPICS, type StationRecordKind } from '@roadwatch/contracts';
import type { Bus, Subscription } from '@roadwatch/messaging';
import { checkWimPlausibility, DEFAULT_OVERLOAD_CONFIG, staleWimWarning, type OverloadConfig } from '@roadwatch/rules';
import { createRateLimit, type Logger, type RateLimit, type SeenSet, type ServiceMetrics } from '@roadwatch/runtime';
import { createWimHttpApp } from './http/app.module';
import type { StationKeys } from './station-keys';
import { WimIntake } from './wim-intake.usecase';

export interface IngestWimOptions {
  bus: Bus;
  seen: SeenSet;
  stationKeys: StationKeys;
  /** What kind of scale each station is; default: every station is a WIM station. */
  stationKindOf?: (stationId: string) => StationRecordKind;
  logger: Logger;
  metrics: ServiceMetrics;
  httpPort: number;
  httpHost?: string;
  overloadConfig?: OverloadConfig;
  /** Consumer group for stations that publish to `wim.station-records` directly. */
  groupId?: string;
  /** Per-station budget of records (HTTP); default 600 per minute in this process's memory. */
  stationRateLimit?: RateLimit;
  now?: () => number;
}

export const DEFAULT_STATION_RECORDS_PER_MINUTE = 600;

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
    ...(options.stationKindOf ? { stationKindOf: options.stationKindOf } : {}),
    now: options.now ?? Date.now,
    plausibilityWarnings: (measurement) => {
      const plausibility = checkWimPlausibility(measurement, overloadConfig);
      const stale = staleWimWarning(measurement, overloadConfig);
      return [...(plausibility.plausible ? [] : plausibility.reasons.map((reason) => reason.message)), ...(stale ? [stale] : [])];
    },
    onOutcome: (outcome, channel) => {
      outcomes.inc({ channel, outcome: outcome.status });
      if (outcome.status === 'accepted' && outcome.warnings.length > 0) {
        logger.warn({ measurementId: outcome.measurementId, warnings: outcome.warnings }, 'WIM record kept with warnings (an implausible one is not scored)');
      }
    },
  });

  const stationRateLimit =
    options.stationRateLimit ?? createRateLimit({ points: DEFAULT_STATION_RECORDS_PER_MINUTE, windowSeconds: 60, keyPrefix: 'roadwatch:wim:rate' });
  const throttled = metrics.counter('wim_throttled_total', 'WIM HTTP requests refused with 429 (station over its per-minute budget), by station', ['station']);
  const app = await createWimHttpApp(
    intake,
    options.stationKeys,
    {
      rateLimit: stationRateLimit,
      onThrottled: (stationId) => {
        throttled.inc({ station: stationId });
        logger.warn({ stationId }, 'WIM station over its per-minute budget: 429');
      },
    },
    logger,
  );
  await app.listen(options.httpPort, options.httpHost ?? '127.0.0.1');

  const subscription: Subscription = await bus.subscribe({
    groupId: options.groupId ?? 'ingest-wim',
    topics: [TOPICS.wimStationRecords],
    fromBeginning: true,
    handleBatch: async (batch) => {
      for (const message of batch.messages) {
        // The schema was checked by the bus (a failing record is dead-lettered); what remains is a
        // record of another kind than its station's: refused, logged with the reason, counted.
        const outcome = await intake.submit(message.value, undefined, 'kafka');
        if (outcome.status === 'invalid') logger.warn({ key: message.key, offset: message.offset, issues: outcome.issues }, 'station record refused');
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
