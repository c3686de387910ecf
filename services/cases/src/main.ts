import { TOPICS } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, onShutdown, ServiceMetrics, startOpsServer } from '@roadwatch/runtime';
import { createPool, migrate } from '@roadwatch/storage';
import { startCases } from './cases.service';
import { loadCasesConfig } from './config';

// Cluster mode: one cases member against real Kafka and PostgreSQL/TimescaleDB. Members of
// the `cases` group share the partitions of violations.overload.
const logger = createLogger('cases');
const config = loadCasesConfig();
const metrics = new ServiceMetrics('cases');
// metrics: the consumer's lag, stalls and dead letters on /metrics.
const bus = new KafkaBus({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'cases', logger, metrics });
await bus.ensureTopics([TOPICS.overloadViolations, TOPICS.caseEvents].map((topic) => ({ topic, partitions: config.KAFKA_TOPIC_PARTITIONS })));
const pool = createPool(config.DATABASE_URL, { schema: config.DATABASE_SCHEMA, max: config.DATABASE_POOL_SIZE, application: 'cases' });
if (config.MIGRATE) logger.info({ migration: await migrate(pool) }, 'storage schema ready');
const cases = await startCases({ bus, pool, logger, metrics, stationSourceSites: config.CASES_STATION_SOURCE_SITES });
const ops = await startOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, metrics, readiness: cases.readiness });
onShutdown(logger, [() => pool.end(), () => bus.close(), () => cases.close(), () => ops.close()]);
