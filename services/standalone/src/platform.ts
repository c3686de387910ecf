import 'reflect-metadata';
import { join } from 'node:path';
import { TOPICS, type AlertV1, type TopicName } from '@roadwatch/contracts';
import { VehicleRegistry } from '@roadwatch/domain';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger, MemorySeenSet, ServiceMetrics, startOpsServer, type Logger, type OpsServer } from '@roadwatch/runtime';
import { createPool, migrate, startEmbeddedTimescale, type EmbeddedTimescale, type StoragePool } from '@roadwatch/storage';
import { createSimulatedFleet } from '@roadwatch/testing';
import { MemoryLatestPositionStore, startArchiver, type RunningArchiver } from '@roadwatch/archiver';
import { MemoryStateStore, startDetector, type RunningDetector } from '@roadwatch/detector';
import { startGateway, type RunningGateway } from '@roadwatch/gateway-jt808';
import { startIngestWim, StationKeys, type RunningIngestWim } from '@roadwatch/ingest-wim';
import type { StandaloneConfig } from './config';
import { startSimulation, type RunningSimulation } from './simulation';

export interface RunningPlatform {
  logger: Logger;
  gateway: RunningGateway;
  detector: RunningDetector;
  archiver: RunningArchiver;
  ingestWim: RunningIngestWim;
  simulation: RunningSimulation | undefined;
  pool: StoragePool;
  /** Alerts seen on the bus since start, by rule (the demo's summary and the smoke test). */
  alertsByRule(): Record<string, number>;
  close(): Promise<void>;
}

const TOPIC_PARTITIONS = 4;

/**
 * The embedded default (ARCHITECTURE.md "Two ways to run"): every service in one process
 * over the in-process bus, the embedded TimescaleDB persisted under the data folder, memory
 * instead of Redis, and a simulated fleet driving real TCP terminals into the gateway.
 */
export const startPlatform = async (config: StandaloneConfig): Promise<RunningPlatform> => {
  const logger = createLogger('standalone');
  const metrics = new ServiceMetrics('standalone');
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.error({ err: error }, 'error while stopping');
      }
    }
  };

  try {
    const database: EmbeddedTimescale = await startEmbeddedTimescale({ dataDir: join(config.ROADWATCH_DATA_DIR, 'timescale') });
    closers.push(() => database.stop());
    const pool = createPool(database.url, { embedded: true, application: 'roadwatch-standalone' });
    closers.push(() => pool.end());
    const migrated = await migrate(pool);
    logger.info({ mode: migrated.mode, dataDir: config.ROADWATCH_DATA_DIR }, 'embedded TimescaleDB ready');

    const bus = new InProcessBus({ defaultPartitions: TOPIC_PARTITIONS, logger: createLogger('bus', 'warn') });
    closers.push(() => bus.close());
    await bus.ensureTopics(Object.values(TOPICS).map((topic: TopicName) => ({ topic, partitions: TOPIC_PARTITIONS })));

    const fleet = createSimulatedFleet(config.SIM_VEHICLES);
    // One registry for the whole process: the gateway reads it by terminal, the detector by vehicle and plate.
    const vehicles = VehicleRegistry.fromFleet(fleet);
    const archiver = await startArchiver({ bus, pool, latestPositions: new MemoryLatestPositionStore(), logger: createLogger('archiver'), metrics });
    closers.push(() => archiver.close());
    const detector = await startDetector({
      bus,
      stateStore: new MemoryStateStore(),
      directory: vehicles,
      logger: createLogger('detector'),
      metrics,
    });
    closers.push(() => detector.close());
    const gateway = await startGateway({ bus, directory: vehicles, port: config.GATEWAY_PORT, host: '127.0.0.1', logger: createLogger('gateway-jt808'), metrics });
    closers.push(() => gateway.close());
    const stationKeys = StationKeys.parse(config.WIM_STATION_KEYS);
    const ingestWim = await startIngestWim({ bus, seen: new MemorySeenSet(), stationKeys, logger: createLogger('ingest-wim'), metrics, httpPort: config.WIM_HTTP_PORT });
    closers.push(() => ingestWim.close());

    const alertCounts: Record<string, number> = {};
    const seenAlerts = new Set<string>();
    const alertFeed = await bus.subscribe({
      groupId: 'standalone-alert-feed',
      topics: [TOPICS.alerts],
      handleBatch: async (batch) => {
        for (const { value: alert } of batch.messages as Array<{ value: AlertV1 }>) {
          if (seenAlerts.has(alert.alertId)) continue;
          seenAlerts.add(alert.alertId);
          alertCounts[alert.rule] = (alertCounts[alert.rule] ?? 0) + 1;
          logger.info({ vehicleId: alert.vehicleId, rule: alert.rule, alertLevel: alert.level, severity: alert.severity }, alert.summary);
        }
      },
    });
    closers.push(() => alertFeed.close());

    const ops: OpsServer = await startOpsServer({
      port: config.OPS_PORT,
      metrics,
      readiness: [
        { name: 'gateway', check: () => gateway.readiness().listening },
        ...archiver.readiness,
      ],
    });
    closers.push(() => ops.close());

    const [stationId, apiKey] = (config.WIM_STATION_KEYS.split(',')[0] ?? '').split('=');
    const simulation =
      config.SIM_VEHICLES > 0 && stationId && apiKey
        ? await startSimulation({
            fleet,
            gatewayPort: gateway.port,
            wimUrl: ingestWim.url,
            wimStation: { stationId, apiKey },
            reportIntervalMs: config.SIM_REPORT_INTERVAL_MS,
            wimIntervalMs: config.SIM_WIM_INTERVAL_MS,
            logger,
          })
        : undefined;
    if (simulation) closers.push(() => simulation.stop());

    logger.info(
      { gateway: `tcp://127.0.0.1:${gateway.port}`, wim: ingestWim.url, ops: `http://127.0.0.1:${ops.port}`, simulatedVehicles: config.SIM_VEHICLES },
      'roadwatch standalone is running',
    );
    return { logger, gateway, detector, archiver, ingestWim, simulation, pool, alertsByRule: () => ({ ...alertCounts }), close };
  } catch (error) {
    await close();
    throw error;
  }
};
