import { z } from 'zod';
import { safeString } from './safe-string';

/**
 * Environment parsed once at start-up; a missing or invalid value stops the process
 * with a message naming the variable (CONVENTIONS.md "Validation and configuration").
 */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment: ${problems.join('; ')}`);
    this.name = 'EnvError';
  }
}

export const parseEnv = <S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.infer<S> => {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
};

// One fragment per piece of infrastructure, so that every service names it the same way; a
// service's schema extends `infraEnvSchema` (all of them) and `bootService` of
// @roadwatch/runtime reads them.

/** Kafka: brokers, partitions of the topics the platform creates, and a prefix (a shared cluster, a test). */
export const kafkaEnvSchema = z.object({
  KAFKA_BROKERS: safeString().min(1).default('127.0.0.1:9092'),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().positive().default(12),
  /** Physical topic = prefix + logical name; consumer groups are not prefixed. */
  KAFKA_TOPIC_PREFIX: safeString().default(''),
  /**
   * How long a consumer that stopped heartbeating (a crashed instance) keeps its partitions
   * before the group hands them to the others: their positions wait that long. Within the
   * broker's group.min/max.session.timeout.ms (6 s … 30 min by default).
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(1_800_000).default(30_000),
});

/** A plain lower-case SQL identifier: a schema name spliced into `SET search_path`. */
export const sqlIdentifier = safeString().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain lower-case SQL identifier');

/** PostgreSQL / TimescaleDB: where, which schema the storage tables live in, and whether to migrate at start. */
export const databaseEnvSchema = z.object({
  DATABASE_URL: safeString()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch'),
  /** Schema the storage tables live in. */
  DATABASE_SCHEMA: sqlIdentifier.default('public'),
  /** Apply the storage migrations at start-up (idempotent, serialised across services by an advisory lock). */
  MIGRATE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

/** Where every Redis key and channel of the platform lives unless REDIS_KEY_PREFIX says otherwise. */
export const DEFAULT_REDIS_KEY_PREFIX = 'roadwatch:';

/** Redis: where, and the prefix of every key the platform writes (a shared Redis, a test). */
export const redisEnvSchema = z.object({
  REDIS_URL: safeString()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .default('redis://127.0.0.1:6379'),
  /** No `{` or `}`: a hash tag in the prefix would displace the keys' own (`{latest}`) and split what one script must touch. */
  REDIS_KEY_PREFIX: safeString()
    .min(1)
    .regex(/^[^{}]*$/, "no { or }: they would displace the keys' own Redis Cluster hash tag")
    .default(DEFAULT_REDIS_KEY_PREFIX),
});

/** pino's levels. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Operations: the ops HTTP server's interface and the log level. */
export const opsEnvSchema = z.object({
  /** Where each service's ops HTTP (/health, /ready, /metrics) listens: every interface, so probes and scrapers reach it. */
  OPS_HOST: safeString().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export const infraEnvSchema = kafkaEnvSchema.extend(databaseEnvSchema.shape).extend(redisEnvSchema.shape).extend(opsEnvSchema.shape);

/**
 * A variable renamed in one release: the old name is still read, with a warning, for one more
 * release. `to` gives the new variables for the old value (most are a plain rename).
 */
export interface DeprecatedEnvName {
  replacedBy: string;
  to?: (value: string) => Record<string, string>;
}

/**
 * The environment with every deprecated name still set moved to its new name(s), and a
 * warning for each; a new name set too wins over the old one (and the warning says so).
 */
export const renameDeprecatedEnv = (
  env: Record<string, string | undefined>,
  deprecated: Record<string, DeprecatedEnvName>,
): { env: Record<string, string | undefined>; warnings: string[] } => {
  const renamed = { ...env };
  const warnings: string[] = [];
  for (const [oldName, { replacedBy, to }] of Object.entries(deprecated)) {
    const value = env[oldName];
    if (value === undefined) continue;
    delete renamed[oldName];
    if (env[replacedBy] !== undefined) {
      warnings.push(`${oldName} is deprecated and ignored: ${replacedBy} is set`);
      continue;
    }
    Object.assign(renamed, to ? to(value) : { [replacedBy]: value });
    warnings.push(`${oldName} is deprecated: set ${replacedBy} instead (read this time as ${replacedBy})`);
  }
  return { env: renamed, warnings };
};

/**
 * Placeholders that the project's own examples (deploy/compose/.env.example,
 * deploy/k8s/secrets.example.yaml) and demo carry: a deployment that kept one is refused.
 */
const PLACEHOLDER_SECRET = /replace-?me|change-?me|example|demo|changeit|secret/i;

/** Why a production secret is not acceptable, or undefined: ≥ 32 characters, not a placeholder, not a short repeated pattern. */
export const weakSecretReason = (value: string): string | undefined => {
  if (value.length < 32) return `${value.length} characters; at least 32 random characters are needed (e.g. openssl rand -base64 32)`;
  if (PLACEHOLDER_SECRET.test(value)) return 'a placeholder from the examples, not a secret; generate one (e.g. openssl rand -base64 32)';
  if (new Set(value).size < 12) return 'too few distinct characters to be random (e.g. openssl rand -base64 32)';
  return undefined;
};

/** A secret a production service starts with (JWT signing key, station API keys). */
export const strongSecret = safeString().superRefine((value, ctx) => {
  const reason = weakSecretReason(value);
  if (reason) ctx.addIssue({ code: 'custom', message: reason });
});

/** Browser origins allowed cross-origin (`https://map.example.gov.cn,…`); empty = same origin only. */
export const corsOrigins = safeString()
  .default('')
  .superRefine((value, ctx) => {
    for (const origin of value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean)) {
      if (!/^https?:\/\/[^/\s*]+$/.test(origin.replace(/\/+$/, '')))
        ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin (scheme://host[:port], no wildcard)` });
    }
  });
