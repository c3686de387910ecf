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
    for (const origin of value.split(',').map((o) => o.trim()).filter(Boolean)) {
      if (!/^https?:\/\/[^/\s*]+$/.test(origin.replace(/\/+$/, ''))) ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin (scheme://host[:port], no wildcard)` });
    }
  });
