import { z } from 'zod';
import { infraEnvSchema, parseEnv } from '@roadwatch/contracts';

export const supervisionEnvSchema = infraEnvSchema.extend({
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9487),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(4),
  /** How often the 重点监管 job runs (RULES.md §10; default 15 min); exits are dated exactly whatever the interval. */
  KEY_SUPERVISION_INTERVAL_MS: z.coerce.number().int().min(1000).default(900_000),
});

export type SupervisionConfig = z.infer<typeof supervisionEnvSchema>;
export const loadSupervisionConfig = (env: Record<string, string | undefined> = process.env): SupervisionConfig => parseEnv(supervisionEnvSchema, env);
