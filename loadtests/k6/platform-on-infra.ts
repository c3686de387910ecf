/**
 * The platform the k6 scripts run against in `run.sh`'s default mode: the standalone
 * composition (every service in this process, the demo users, the simulated fleet registered
 * and driving its JT/T 808 terminals over TCP) on the real Kafka and PostgreSQL instead of the
 * in-process bus and the embedded database — the composition web/test/full-chain.e2e.spec.ts
 * runs. The API then reads from a PostgreSQL server with a pool of connections, as in cluster
 * mode, rather than from the one in-process PGlite session that also takes every write.
 *
 * A known state on every start: a fresh schema and a fresh topic prefix, both dropped again on
 * SIGTERM/SIGINT. Configured by the standalone variables (API_PORT, GATEWAY_PORT, OPS_PORT,
 * WIM_HTTP_PORT, SIM_VEHICLES, SIM_REPORT_INTERVAL_MS, …) and KAFKA_BROKERS / DATABASE_URL.
 *
 *   node --import tsx loadtests/k6/platform-on-infra.ts
 */
import { TOPICS, type TopicName } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { loadStandaloneConfig, startPlatform } from '@roadwatch/standalone';
import { createPool, dropStorageSchema, migrate } from '@roadwatch/storage';
import { infraEnv, uniqueName } from '@roadwatch/testing';

const PARTITIONS = 4;
const env = infraEnv();
const logger = createLogger('k6-platform');
const name = uniqueName('k6');
const topicPrefix = `${name}.`;
const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'k6-platform', topicPrefix, logger: createLogger('bus', 'warn') });
const pool = createPool(env.databaseUrl, { schema: name, max: Number(process.env['DATABASE_POOL_MAX'] ?? 10), application: 'k6-platform' });

const dropTopics = async (): Promise<void> => {
  const admin = bus.kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
};

let stopping = false;
const cleanUp = async (): Promise<void> => {
  await dropStorageSchema(pool, name).catch((error: unknown) => logger.warn({ err: error, schema: name }, 'could not drop the schema'));
  await pool.end().catch(() => undefined);
  await dropTopics().catch((error: unknown) => logger.warn({ err: error, topicPrefix }, 'could not delete the topics'));
};

await bus.ensureTopics(Object.values(TOPICS).map((topic: TopicName) => ({ topic, partitions: PARTITIONS })));
await migrate(pool);
const platform = await startPlatform(loadStandaloneConfig(), { bus, pool }).catch(async (error: unknown) => {
  await bus.close().catch(() => undefined);
  await cleanUp();
  throw error;
});
logger.warn({ schema: name, topicPrefix, api: platform.api.url }, 'platform on the real Kafka and PostgreSQL ready');

const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  logger.warn({ signal }, 'stopping; dropping the schema and topics');
  // A signal handler cannot wait; should the clean-up itself fail, that is logged and the process still ends.
  void (async () => {
    await platform.close().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    await bus.close().catch(() => undefined);
    await cleanUp();
  })().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'clean-up failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
