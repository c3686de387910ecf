import { TOPICS } from '@roadwatch/contracts';
import { bootService } from '@roadwatch/runtime';
import { supervisionEnvSchema } from './config';
import { startSupervision } from './supervision.service';

// Cluster mode: one supervision member against real Kafka and PostgreSQL/TimescaleDB. Members
// share the alerts topic's partitions through their consumer groups; scheduled jobs take a
// database lock so one member runs each.
const { config, logger, metrics, bus, pool, serve } = await bootService({
  service: 'supervision',
  schema: supervisionEnvSchema,
  database: { max: (config) => config.DATABASE_POOL_SIZE },
  kafka: { topics: [TOPICS.alerts, TOPICS.handlingChanges] },
});
if (!pool) throw new Error('supervision needs its database');
const supervision = await startSupervision({ bus, pool, logger, metrics, config });
await serve({ readiness: supervision.readiness, closers: [() => supervision.close()] });
