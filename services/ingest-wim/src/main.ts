import 'reflect-metadata';
import { TOPICS } from '@roadwatch/contracts';
import { Redis } from 'ioredis';
import { bootService, createRateLimit, RedisSeenSet } from '@roadwatch/runtime';
import { ingestWimEnvSchema } from './config';
import { startIngestWim } from './ingest-wim.service';
import { parseStationKinds, StationKeys } from './station-keys';

// Cluster mode: one ingest-wim process against real Kafka and Redis.
const { config, logger, metrics, bus, redisKey, serve } = await bootService({
  service: 'ingest-wim',
  schema: ingestWimEnvSchema,
  database: false,
  kafka: { topics: [TOPICS.wimMeasurements, TOPICS.wimStationRecords] },
});
const seen = RedisSeenSet.connect(config.REDIS_URL, redisKey('wim:seen:'));
// The stations' budgets live in Redis: every ingest-wim instance behind the balancer spends the same one.
const rateLimitRedis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 3 });
const stationRateLimit = createRateLimit({
  points: config.WIM_STATION_RECORDS_PER_MINUTE,
  windowSeconds: 60,
  keyPrefix: redisKey('wim:rate'),
  redis: rateLimitRedis,
});
const service = await startIngestWim({
  bus,
  seen,
  stationKeys: StationKeys.parse(config.WIM_STATION_KEYS),
  stationKindOf: parseStationKinds(config.WIM_STATION_KINDS),
  logger,
  metrics,
  httpPort: config.WIM_HTTP_PORT,
  httpHost: config.WIM_HTTP_HOST,
  stationRateLimit,
});
await serve({
  readiness: [{ name: 'seen-set', check: () => seen.ping() }],
  closers: [() => seen.close(), async () => void rateLimitRedis.disconnect(), () => service.close()],
});
