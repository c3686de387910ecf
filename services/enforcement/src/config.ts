import { z } from 'zod';
import { infraEnvSchema, parseEnv } from '@roadwatch/contracts';

export const enforcementEnvSchema = infraEnvSchema.extend({
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9488),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(4),
  /** How often the site-weighings part reviews open 第71条 departures and due 未过磅出场 judgements. */
  SITE_WEIGHINGS_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** How long after its receipt an entrance refusal is traced (the archiver stores the truck's last minutes first); 0: at once. */
  SITE_WEIGHINGS_ENTRANCE_SETTLE_MS: z.coerce.number().int().nonnegative().default(120_000),
  /** Evasion (RULES.md §14): how often the job runs, the period of passes it judges, and how long a pass settles first (late WIM records, back-filled GPS). */
  EVASION_INTERVAL_MS: z.coerce.number().int().positive().default(300_000),
  EVASION_WINDOW_MS: z.coerce.number().int().positive().default(3_600_000),
  EVASION_SETTLE_MS: z.coerce.number().int().nonnegative().default(600_000),
  /** 大件 hours and area bans (RULES.md §11, §15): how often the jobs run, the settled period each judges, how long reports settle first (back-fill), and how far before the period a stretch's start is read. */
  ROUTE_CHECKS_INTERVAL_MS: z.coerce.number().int().positive().default(300_000),
  ROUTE_CHECKS_WINDOW_MS: z.coerce.number().int().positive().default(3_600_000),
  ROUTE_CHECKS_SETTLE_MS: z.coerce.number().int().nonnegative().default(600_000),
  ROUTE_CHECKS_LOOKBACK_MS: z.coerce.number().int().nonnegative().default(3_600_000),
});

export type EnforcementConfig = z.infer<typeof enforcementEnvSchema>;
export const loadEnforcementConfig = (env: Record<string, string | undefined> = process.env): EnforcementConfig => parseEnv(enforcementEnvSchema, env);
