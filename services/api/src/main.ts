import 'reflect-metadata';
import { TOPICS } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, onShutdown, parseAllowedOrigins, ServiceMetrics, startOpsServer } from '@roadwatch/runtime';
import { createPool, migrate, pingDatabase } from '@roadwatch/storage';
import { startApi } from './api.service';
import { loadApiConfig } from './config';
import { RedisLatestPositionsReader } from './redis-latest-positions';

// Cluster mode: one API instance against real Kafka, PostgreSQL/TimescaleDB and Redis.
// Run as many as needed behind a load balancer; socket.io rooms are shared through Redis.
const logger = createLogger('api');
const config = loadApiConfig();
const metrics = new ServiceMetrics('api');
const bus = new KafkaBus({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'api' });
await bus.ensureTopics([
  { topic: TOPICS.positions, partitions: config.KAFKA_TOPIC_PARTITIONS },
  { topic: TOPICS.alerts, partitions: config.KAFKA_TOPIC_PARTITIONS },
  { topic: TOPICS.registryChanges, partitions: config.KAFKA_TOPIC_PARTITIONS },
]);
const pool = createPool(config.DATABASE_URL, { application: 'api' });
await migrate(pool);
const latestPositions = RedisLatestPositionsReader.connect(config.REDIS_URL, config.LATEST_POSITIONS_PREFIX);
// The password may itself hold a colon: only the first one separates.
const bootstrap = config.API_BOOTSTRAP_ADMIN ? /^([^:]+):(.+)$/.exec(config.API_BOOTSTRAP_ADMIN) : null;
const api = await startApi({
  bus,
  pool,
  latestPositions,
  jwtSecret: config.JWT_SECRET,
  port: config.API_PORT,
  host: config.API_HOST,
  redisUrl: config.REDIS_URL,
  logger,
  metrics,
  tickMs: config.LIVE_TICK_MS,
  allowedOrigins: parseAllowedOrigins(config.CORS_ORIGINS),
  trustProxyHops: config.API_TRUST_PROXY_HOPS,
  signInLimits: { perUsername: config.LOGIN_MAX_FAILURES_PER_USERNAME, perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS, windowSeconds: config.LOGIN_WINDOW_S },
  ...(config.STATIC_DIR ? { staticDir: config.STATIC_DIR } : {}),
  sessionBoundMs: config.SESSION_BOUND_MS,
  ...(bootstrap?.[1] && bootstrap[2] ? { bootstrapAdmin: { username: bootstrap[1], password: bootstrap[2] } } : {}),
});
const ops = await startOpsServer({
  host: config.OPS_HOST,
  port: config.OPS_PORT,
  metrics,
  readiness: [
    { name: 'database', check: () => pingDatabase(pool) },
    { name: 'latest-positions', check: () => latestPositions.ping() },
  ],
});
onShutdown(logger, [() => api.close(), () => bus.close(), () => pool.end(), async () => latestPositions.close(), () => ops.close()]);
