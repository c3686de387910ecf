import 'reflect-metadata';
import { TOPICS } from '@roadwatch/contracts';
import { bootService, parseAllowedOrigins } from '@roadwatch/runtime';
import { pingDatabase } from '@roadwatch/storage';
import { startApi } from './api.service';
import { apiDeprecatedEnv, apiEnvSchema } from './config';
import { RedisLatestPositionsReader } from './redis-latest-positions';

// Cluster mode: one API instance against real Kafka, PostgreSQL/TimescaleDB and Redis.
// Run as many as needed behind a load balancer; socket.io rooms are shared through Redis.
const { config, logger, metrics, bus, pool, redisKey, serve } = await bootService({
  service: 'api',
  schema: apiEnvSchema,
  deprecatedEnv: apiDeprecatedEnv,
  database: {},
  kafka: { topics: [TOPICS.positions, TOPICS.alerts, TOPICS.registryChanges, TOPICS.handlingChanges] },
});
if (!pool) throw new Error('the API needs its database');
const latestPositions = RedisLatestPositionsReader.connect(config.REDIS_URL, redisKey(''));
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
  redisKeyPrefix: redisKey(''),
  logger,
  metrics,
  tickMs: config.LIVE_TICK_MS,
  allowedOrigins: parseAllowedOrigins(config.CORS_ORIGINS),
  trustProxyHops: config.API_TRUST_PROXY_HOPS,
  signInLimits: {
    perUsername: config.LOGIN_MAX_FAILURES_PER_USERNAME,
    perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
    windowSeconds: config.LOGIN_WINDOW_S,
  },
  ...(config.WEB_DIST_DIR ? { staticDir: config.WEB_DIST_DIR } : {}),
  sessionBoundMs: config.SESSION_BOUND_MS,
  deliveryAllowPrivateTargets: config.DELIVERY_ALLOW_PRIVATE_TARGETS,
  ...(bootstrap?.[1] && bootstrap[2] ? { bootstrapAdmin: { username: bootstrap[1], password: bootstrap[2] } } : {}),
});
await serve({
  readiness: [
    { name: 'database', check: () => pingDatabase(pool) },
    { name: 'latest-positions', check: () => latestPositions.ping() },
  ],
  closers: [async () => latestPositions.close(), () => api.close()],
});
