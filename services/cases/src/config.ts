import { z } from 'zod';
import { infraEnvSchema, parseEnv } from '@roadwatch/contracts';

export const casesEnvSchema = infraEnvSchema.extend({
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9486),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(4),
  /** JSON object: WIM station id → 货运源头单位 site id (stations at or linked to a loading site). */
  CASES_STATION_SOURCE_SITES: z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      try {
        return z.record(z.string(), z.string().min(1)).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of station id → source site id' });
        return z.NEVER;
      }
    }),
});

export type CasesConfig = z.infer<typeof casesEnvSchema>;
export const loadCasesConfig = (env: Record<string, string | undefined> = process.env): CasesConfig => parseEnv(casesEnvSchema, env);
