import { bootService } from '@roadwatch/runtime';
import { ARCHIVED_TOPICS } from './archive-batch.usecase';
import { startArchiver } from './archiver.service';
import { archiverDeprecatedEnv, archiverEnvSchema } from './config';
import { RedisLatestPositionStore } from './latest/redis-latest-position-store';

// Cluster mode: one archiver member against real Kafka, PostgreSQL/TimescaleDB and Redis.
// Scale out by running more members: they share the partitions of the ARCHIVER_GROUP_ID group.
const { config, logger, metrics, bus, pool, redisKey, serve } = await bootService({
  service: 'archiver',
  schema: archiverEnvSchema,
  deprecatedEnv: archiverDeprecatedEnv,
  database: { max: (config) => config.DATABASE_POOL_SIZE },
  kafka: {
    topics: [...ARCHIVED_TOPICS],
    // Keep kafkajs's 1 MiB per partition: a fetch carries at most 10 MiB, so larger
    // partition batches mean fewer partitions per fetch and less concurrency (measured:
    // 4 MiB gave ~2 batches in flight, 1 MiB ~5; loadtests/archiver.bench.ts).
    consumer: (config) => ({ partitionsConsumedConcurrently: config.ARCHIVER_PARTITIONS_CONCURRENTLY }),
  },
});
if (!pool) throw new Error('the archiver needs its database');
const latestPositions = RedisLatestPositionStore.connect(config.REDIS_URL, redisKey(''));
const archiver = await startArchiver({
  bus,
  pool,
  latestPositions,
  logger,
  metrics,
  groupId: config.ARCHIVER_GROUP_ID,
  maintenance: { intervalMs: config.MAINTENANCE_INTERVAL_MS },
  clockSkewMs: config.CLOCK_SKEW_MS,
});
await serve({ readiness: archiver.readiness, closers: [() => latestPositions.close(), () => archiver.close()] });
