import 'reflect-metadata';
import { TOPICS } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, onShutdown, RedisSeenSet, ServiceMetrics, startOpsServer } from '@roadwatch/runtime';
import { loadIngestWimConfig } from './config';
import { startIngestWim } from './ingest-wim.service';
import { StationKeys } from './station-keys';

// Cluster mode: one ingest-wim process against real Kafka and Redis.
const logger = createLogger('ingest-wim');
const config = loadIngestWimConfig();
const metrics = new ServiceMetrics('ingest-wim');
const bus = new KafkaBus({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'ingest-wim' });
await bus.ensureTopics([
  { topic: TOPICS.wimMeasurements, partitions: config.KAFKA_TOPIC_PARTITIONS },
  { topic: TOPICS.wimStationRecords, partitions: config.KAFKA_TOPIC_PARTITIONS },
]);
const seen = RedisSeenSet.connect(config.REDIS_URL, 'roadwatch:wim:seen:');
const service = await startIngestWim({
  bus,
  seen,
  stationKeys: StationKeys.parse(config.WIM_STATION_KEYS),
  logger,
  metrics,
  httpPort: config.WIM_HTTP_PORT,
  httpHost: config.WIM_HTTP_HOST,
});
const ops = await startOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, metrics, readiness: [{ name: 'seen-set', check: () => seen.ping() }] });
onShutdown(logger, [() => bus.close(), () => seen.close(), () => service.close(), () => ops.close()]);
