import { z } from 'zod';
import { infraEnvSchema, parseEnv } from '@roadwatch/contracts';

export const supervisionEnvSchema = infraEnvSchema.extend({
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9487),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(4),
  // The handling workflow (RULES §9 *default*s: 30 min for severe alerts, 24 h for the rest; the
  // escalation job's period).
  HANDLING_SEVERE_WINDOW_MS: z.coerce.number().int().positive().optional(),
  HANDLING_STANDARD_WINDOW_MS: z.coerce.number().int().positive().optional(),
  HANDLING_ESCALATION_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
});

export type SupervisionConfig = z.infer<typeof supervisionEnvSchema>;
export const loadSupervisionConfig = (env: Record<string, string | undefined> = process.env): SupervisionConfig => parseEnv(supervisionEnvSchema, env);
