import { z } from 'zod';
import { infraEnvSchema, parseEnv, renameDeprecatedEnv, type DeprecatedEnvName } from '@roadwatch/contracts';
import { DEFAULT_CLOCK_SKEW_MS } from '@roadwatch/domain';

export const archiverEnvSchema = infraEnvSchema.extend({
  /** The consumer group every member of this archiver shares (consumer groups are not prefixed by KAFKA_TOPIC_PREFIX). */
  ARCHIVER_GROUP_ID: z.string().min(1).default('archiver'),
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9484),
  /** Connections to PostgreSQL; at least ARCHIVER_PARTITIONS_CONCURRENTLY so concurrent batches never queue. */
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(8),
  /** Partition batches written at once by this member (kafkajs partitionsConsumedConcurrently). */
  ARCHIVER_PARTITIONS_CONCURRENTLY: z.coerce.number().int().positive().default(8),
  /** A position dated more than this after its receipt is archived but never a vehicle's latest; keep it equal to the detector's `quality.clockSkewMs`. */
  CLOCK_SKEW_MS: z.coerce.number().int().min(0).default(DEFAULT_CLOCK_SKEW_MS),
  MAINTENANCE_INTERVAL_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60_000),
});

/** Renamed in this release; the old names are read, with a warning, for one more. */
export const archiverDeprecatedEnv: Record<string, DeprecatedEnvName> = {
  // The latest positions live at REDIS_KEY_PREFIX + `latest:…`, as they did at LATEST_POSITIONS_PREFIX.
  LATEST_POSITIONS_PREFIX: { replacedBy: 'REDIS_KEY_PREFIX' },
};

export type ArchiverConfig = z.infer<typeof archiverEnvSchema>;
export const loadArchiverConfig = (env: Record<string, string | undefined> = process.env): ArchiverConfig =>
  parseEnv(archiverEnvSchema, renameDeprecatedEnv(env, archiverDeprecatedEnv).env);
