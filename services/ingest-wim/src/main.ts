import 'reflect-metadata';
import { TOPICS } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { Redis } from 'ioredis';
import { createLogger, createRateLimit, onShutdown, RedisSeenSet, ServiceMetrics, startOpsServer } from '@roadwatch/runtime';
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
// The stations' budgets live in Redis: every ingest-wim instance behind the balancer spends the same one.
const rateLimitRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
const stationRateLimit = createRateLimit({ points: config.WIM_STATION_RECORDS_PER_MINUTE, windowSeconds: 60, keyPrefix: 'roadwatch:wim:rate', redis: rateLimitRedis });
const service = await startIngestWim({
  bus,
  seen,
  stationKeys: StationKeys.parse(config.WIM_STATION_KEYS),
  logger,
  metrics,
  httpPort: config.WIM_HTTP_PORT,
  httpHost: config.WIM_HTTP_HOST,
  stationRateLimit,
});
const ops = await startOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, metrics, readiness: [{ name: 'seen-set', check: () => seen.ping() }] });
onShutdown(logger, [() => bus.close(), () => seen.close(), () => service.close(), async () => void rateLimitRedis.disconnect(), () => ops.close()]);
