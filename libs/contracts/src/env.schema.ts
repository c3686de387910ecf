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

export const infraEnvSchema = z.object({
  KAFKA_BROKERS: safeString().min(1).default('127.0.0.1:9092'),
  DATABASE_URL: safeString().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').default('postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch'),
  REDIS_URL: safeString().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().positive().default(12),
  /** Where each service's ops HTTP (/health, /ready, /metrics) listens: every interface, so probes and scrapers reach it. */
  OPS_HOST: safeString().min(1).default('0.0.0.0'),
});
