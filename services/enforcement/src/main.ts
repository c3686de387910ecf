import { TOPICS } from '@roadwatch/contracts';
import { bootService } from '@roadwatch/runtime';
import { enforcementEnvSchema } from './config';
import { startEnforcement } from './enforcement.service';

// Cluster mode: one enforcement member against real Kafka and PostgreSQL/TimescaleDB. Members
// share the weighings' partitions through their consumer groups.
const { config, logger, metrics, bus, pool, serve } = await bootService({
  service: 'enforcement',
  schema: enforcementEnvSchema,
  database: { max: (config) => config.DATABASE_POOL_SIZE },
  kafka: { topics: [TOPICS.wimMeasurements, TOPICS.alerts] },
});
if (!pool) throw new Error('enforcement needs its database');
const enforcement = await startEnforcement({ bus, pool, logger, metrics, config });
await serve({ readiness: enforcement.readiness, closers: [() => enforcement.close()] });
