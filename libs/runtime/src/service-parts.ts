import type { Bus } from '@roadwatch/messaging';
import { pingDatabase, type StoragePool } from '@roadwatch/storage';
import type { Logger } from 'pino';
import type { ServiceMetrics } from './metrics';
import type { ReadinessCheck } from './ops-http';

/** One running part of a service: a consumer, a delivery loop, a scheduled job. */
export interface RunningServicePart {
  readiness?: ReadinessCheck[];
  close(): Promise<void>;
}

/** A part of a service made of independent features (supervision, enforcement), started with the context its service gives. */
export interface ServicePart<Context> {
  name: string;
  start(context: Context): Promise<RunningServicePart>;
}

export interface RunningServiceParts {
  /** Every part's readiness checks, in start order. */
  readiness: ReadinessCheck[];
  /** Closes the parts in reverse start order; a part that fails to close is logged and the rest still close. */
  close(): Promise<void>;
}

/**
 * Starts `parts` in order with one shared context. A part that fails to start closes the ones
 * already running (in reverse order) before the error goes on, so a service never runs half-built.
 */
export const startServiceParts = async <Context>(
  service: string,
  parts: readonly ServicePart<Context>[],
  context: Context,
  logger: Logger,
): Promise<RunningServiceParts> => {
  const running: { name: string; part: RunningServicePart }[] = [];
  const closeAll = async (): Promise<void> => {
    for (const { name, part } of running.reverse()) {
      await part.close().catch((error: unknown) => logger.error({ err: error, part: name }, `closing a ${service} part failed`));
    }
    running.length = 0;
  };
  try {
    for (const part of parts) running.push({ name: part.name, part: await part.start(context) });
  } catch (error) {
    await closeAll();
    throw error;
  }
  logger.info({ parts: running.map(({ name }) => name) }, `${service} running`);
  return { readiness: running.flatMap(({ part }) => part.readiness ?? []), close: closeAll };
};

/** What every part of a service made of parts (supervision, enforcement) is given. */
export interface PartsContext<Config> {
  bus: Bus;
  /** A migrated storage schema (`createPool` + `migrate` of @roadwatch/storage). */
  pool: StoragePool;
  logger: Logger;
  metrics: ServiceMetrics;
  /** The service's environment (defaults filled); parts read their own variables from it. */
  config: Partial<Config>;
  /** The clock every part reads (a test moves it). */
  now: () => number;
}

export interface PartsServiceOptions<Config> extends Omit<PartsContext<Config>, 'now' | 'config'> {
  config?: Partial<Config>;
  now?: () => number;
  /** Default: every part the service lists. */
  parts?: readonly ServicePart<PartsContext<Config>>[];
}

export interface RunningPartsService {
  /** The database first, then every part's checks in start order. */
  readiness: ReadinessCheck[];
  close(): Promise<void>;
}

/**
 * Starts a service made of parts over storage and the bus: one context for all its parts (no
 * config = {}, no clock = Date.now), `parts` or else `defaultParts`, and readiness that pings the database.
 */
export const startPartsService = async <Config>(
  service: string,
  options: PartsServiceOptions<Config>,
  defaultParts: readonly ServicePart<PartsContext<Config>>[],
): Promise<RunningPartsService> => {
  const context: PartsContext<Config> = {
    bus: options.bus,
    pool: options.pool,
    logger: options.logger,
    metrics: options.metrics,
    config: options.config ?? {},
    now: options.now ?? Date.now,
  };
  const parts = await startServiceParts(service, options.parts ?? defaultParts, context, options.logger);
  return { readiness: [{ name: 'database', check: () => pingDatabase(options.pool) }, ...parts.readiness], close: parts.close };
};
