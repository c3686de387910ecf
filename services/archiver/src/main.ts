import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, onShutdown, ServiceMetrics, startOpsServer } from '@roadwatch/runtime';
import { createPool, migrate } from '@roadwatch/storage';
import { ARCHIVED_TOPICS } from './archive-batch.usecase';
import { startArchiver } from './archiver.service';
import { loadArchiverConfig } from './config';
import { RedisLatestPositionStore } from './latest/redis-latest-position-store';

// Cluster mode: one archiver member against real Kafka, PostgreSQL/TimescaleDB and Redis.
// Scale out by running more members: they share the partitions of the `archiver` group.
const logger = createLogger('archiver');
const config = loadArchiverConfig();
const metrics = new ServiceMetrics('archiver');
const bus = new KafkaBus({
  brokers: config.KAFKA_BROKERS.split(','),
  clientId: 'archiver',
  logger,
  // The consumer's lag, stalls and dead letters on /metrics.
  metrics,
  // Keep kafkajs's 1 MiB per partition: a fetch carries at most 10 MiB, so larger
  // partition batches mean fewer partitions per fetch and less concurrency (measured:
  // 4 MiB gave ~2 batches in flight, 1 MiB ~5; loadtests/archiver.bench.ts).
  consumer: { partitionsConsumedConcurrently: config.ARCHIVER_PARTITIONS_CONCURRENTLY },
});
await bus.ensureTopics(
  [...ARCHIVED_TOPICS].map((topic) => ({ topic, partitions: config.KAFKA_TOPIC_PARTITIONS })),
);
const pool = createPool(config.DATABASE_URL, { schema: config.DATABASE_SCHEMA, max: config.DATABASE_POOL_SIZE, application: 'archiver' });
if (config.MIGRATE) logger.info({ migration: await migrate(pool) }, 'storage schema ready');
const latestPositions = RedisLatestPositionStore.connect(config.REDIS_URL, config.LATEST_POSITIONS_PREFIX);
const archiver = await startArchiver({
  bus,
  pool,
  latestPositions,
  logger,
  metrics,
  maintenance: { intervalMs: config.MAINTENANCE_INTERVAL_MS },
  clockSkewMs: config.CLOCK_SKEW_MS,
});
const ops = await startOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, metrics, readiness: archiver.readiness });
onShutdown(logger, [() => pool.end(), () => latestPositions.close(), () => bus.close(), () => archiver.close(), () => ops.close()]);
