import { z } from 'zod';
import { infraEnvSchema, parseEnv } from '@roadwatch/contracts';
import { DEFAULT_CLOCK_SKEW_MS } from '@roadwatch/domain';

export const archiverEnvSchema = infraEnvSchema.extend({
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9484),
  /** Schema the storage tables live in. */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain lower-case SQL identifier').default('public'),
  /** Connections to PostgreSQL; at least ARCHIVER_PARTITIONS_CONCURRENTLY so concurrent batches never queue. */
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(8),
  /** Partition batches written at once by this member (kafkajs partitionsConsumedConcurrently). */
  ARCHIVER_PARTITIONS_CONCURRENTLY: z.coerce.number().int().positive().default(8),
  /** Redis key prefix of the latest-position hashes. */
  LATEST_POSITIONS_PREFIX: z.string().default('roadwatch:'),
  /** A position dated more than this after its receipt is archived but never a vehicle's latest; keep it equal to the detector's `quality.clockSkewMs`. */
  CLOCK_SKEW_MS: z.coerce.number().int().min(0).default(DEFAULT_CLOCK_SKEW_MS),
  MAINTENANCE_INTERVAL_MS: z.coerce.number().int().positive().default(15 * 60_000),
  /** Apply the storage migrations at start-up. */
  MIGRATE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});

export type ArchiverConfig = z.infer<typeof archiverEnvSchema>;
export const loadArchiverConfig = (env: Record<string, string | undefined> = process.env): ArchiverConfig => parseEnv(archiverEnvSchema, env);
