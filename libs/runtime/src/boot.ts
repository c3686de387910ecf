import type { z } from 'zod';
import { parseEnv, renameDeprecatedEnv, type DeprecatedEnvName, type infraEnvSchema, type TopicName } from '@roadwatch/contracts';
import { KafkaBus, type KafkaBusOptions } from '@roadwatch/messaging';
import { createPool, migrate, type StoragePool } from '@roadwatch/storage';
import { createLogger, type Logger } from './logger';
import { ServiceMetrics } from './metrics';
import { startOpsServer, type ReadinessCheck } from './ops-http';
import { onShutdown } from './shutdown';

/** What every service's env schema has: `infraEnvSchema` extended with its own OPS_PORT. */
type ServiceEnvSchema = z.ZodObject<typeof infraEnvSchema.shape & { OPS_PORT: z.ZodType<number> }>;

export interface BootOptions<S extends ServiceEnvSchema, P> {
  /** The service's name: the logger's, the metrics' prefix, the Kafka client id and the pool's application name. */
  service: string;
  schema: S;
  env?: Record<string, string | undefined>;
  /** Old names still read (with a warning) for one release. */
  deprecatedEnv?: Record<string, DeprecatedEnvName>;
  /**
   * Checks needing the parsed config that must stop the start before anything is connected
   * (a bad rules file); its result is handed back as `prepared`.
   */
  prepare?: (config: z.infer<S>) => P;
  /** A pool on DATABASE_URL in DATABASE_SCHEMA, migrated when MIGRATE; `false` (or a function saying so) = no database. */
  database?: false | { max?: number | ((config: z.infer<S>) => number); when?: (config: z.infer<S>) => boolean };
  kafka: {
    /** Defaults to `service`; a replicated service whose members need distinct ids gives its own. */
    clientId?: (config: z.infer<S>) => string;
    /** Logical topics this service creates if absent (KAFKA_TOPIC_PARTITIONS partitions each). */
    topics: readonly TopicName[];
    consumer?: (config: z.infer<S>) => KafkaBusOptions['consumer'];
  };
}

export interface BootedService<C> {
  config: C;
  logger: Logger;
  metrics: ServiceMetrics;
  bus: KafkaBus;
  /** Present when the service asked for a database (and its `when` held). */
  pool: StoragePool | undefined;
  /** REDIS_KEY_PREFIX + `part`: every Redis key of the platform starts with the one prefix. */
  redisKey: (part: string) => string;
  /**
   * Starts the ops server (/health, /ready with these checks, /metrics) and, unless told not
   * to, closes everything on SIGINT/SIGTERM: the ops server first, then `closers` in reverse
   * order, then the bus, then the pool.
   */
  serve(options: { readiness: readonly ReadinessCheck[]; closers?: Array<() => Promise<void>>; handleSignals?: boolean }): Promise<RunningService>;
}

export interface RunningService {
  opsPort: number;
  /** Closes in the order `serve` describes; a closer that fails is logged and the rest still run. */
  close(): Promise<void>;
}

/**
 * One way to start a cluster-mode service: parse the environment (an invalid value stops the
 * start naming the variable), logger at LOG_LEVEL, metrics, the pool in its schema (migrated),
 * the Kafka bus with KAFKA_TOPIC_PREFIX and its topics; then `serve` for the ops server and
 * the shutdown. What is started before a later step fails is closed again.
 */
export const bootService = async <S extends ServiceEnvSchema, P = undefined>(
  options: BootOptions<S, P>,
): Promise<BootedService<z.infer<S>> & { prepared: P }> => {
  const { env: renamedEnv, warnings } = renameDeprecatedEnv(options.env ?? process.env, options.deprecatedEnv ?? {});
  const config = parseEnv(options.schema, renamedEnv) as z.infer<S> & z.infer<ServiceEnvSchema>;
  const logger = createLogger(options.service, config.LOG_LEVEL);
  for (const warning of warnings) logger.warn(warning);
  const prepared = options.prepare?.(config) as P;
  const metrics = new ServiceMetrics(options.service);
  const database = options.database;
  const max = database ? (typeof database.max === 'function' ? database.max(config) : database.max) : undefined;
  const pool =
    database && (database.when?.(config) ?? true)
      ? createPool(config.DATABASE_URL, { schema: config.DATABASE_SCHEMA, application: options.service, ...(max ? { max } : {}) })
      : undefined;
  const opened: Array<() => Promise<void>> = [];
  if (pool) opened.push(() => pool.end());
  try {
    if (pool && config.MIGRATE) logger.info({ migration: await migrate(pool), schema: config.DATABASE_SCHEMA }, 'storage schema ready');
    const consumer = options.kafka.consumer?.(config);
    const bus = new KafkaBus({
      brokers: config.KAFKA_BROKERS.split(','),
      clientId: options.kafka.clientId?.(config) ?? options.service,
      topicPrefix: config.KAFKA_TOPIC_PREFIX,
      logger,
      // The consumers' lag, stalls and dead letters on /metrics.
      metrics,
      // Heartbeats at a tenth of the session (at most kafkajs's 3 s), so a live member is never taken for a dead one.
      consumer: {
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        heartbeatIntervalMs: Math.min(3_000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10)),
        ...consumer,
      },
    });
    opened.push(() => bus.close());
    await bus.ensureTopics(options.kafka.topics.map((topic) => ({ topic, partitions: config.KAFKA_TOPIC_PARTITIONS })));
    return {
      config,
      prepared,
      logger,
      metrics,
      bus,
      pool,
      redisKey: (part) => `${config.REDIS_KEY_PREFIX}${part}`,
      serve: async ({ readiness, closers = [], handleSignals = true }) => {
        const ops = await startOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, metrics, readiness });
        logger.info({ opsPort: ops.port }, 'ops server listening');
        const all = [...opened, ...closers, () => ops.close()];
        let closing: Promise<void> | undefined;
        const close = (): Promise<void> => (closing ??= closeInReverse(logger, all));
        if (handleSignals) onShutdown(logger, [close]);
        return { opsPort: ops.port, close };
      },
    };
  } catch (error) {
    await closeInReverse(logger, opened);
    throw error;
  }
};

const closeInReverse = async (logger: Logger, closers: Array<() => Promise<void>>): Promise<void> => {
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
    }
  }
};
