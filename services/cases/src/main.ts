import { TOPICS } from '@roadwatch/contracts';
import { bootService } from '@roadwatch/runtime';
import { startCases } from './cases.service';
import { casesEnvSchema } from './config';

// Cluster mode: one cases member against real Kafka and PostgreSQL/TimescaleDB. Members of
// the `cases` group share the partitions of violations.overload.
const { config, logger, metrics, bus, pool, serve } = await bootService({
  service: 'cases',
  schema: casesEnvSchema,
  database: { max: (config) => config.DATABASE_POOL_SIZE },
  kafka: { topics: [TOPICS.overloadViolations, TOPICS.caseEvents] },
});
if (!pool) throw new Error('the cases pipeline needs its database');
const cases = await startCases({ bus, pool, logger, metrics, stationSourceSites: config.CASES_STATION_SOURCE_SITES });
await serve({ readiness: cases.readiness, closers: [() => cases.close()] });
