import { z } from 'zod';
import { infraEnvSchema, parseEnv, weakSecretReason } from '@roadwatch/contracts';

export const ingestWimEnvSchema = infraEnvSchema.extend({
  WIM_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(8081),
  WIM_HTTP_HOST: z.string().default('127.0.0.1'),
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9481),
  /** `stationId=apiKey,…`; every key ≥ 32 random characters, never the examples' placeholder. */
  WIM_STATION_KEYS: z
    .string()
    .min(1, 'set at least one stationId=apiKey pair')
    .superRefine((value, ctx) => {
      for (const pair of value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const at = pair.indexOf('=');
        const reason = at > 0 ? weakSecretReason(pair.slice(at + 1)) : 'not stationId=apiKey';
        if (reason) ctx.addIssue({ code: 'custom', message: `station ${at > 0 ? pair.slice(0, at) : `"${pair}"`}: ${reason}` });
      }
    }),
  /** `stationId=site_exit|entrance,…`: exit and entrance scales, which may only send their kind; the rest are WIM stations. */
  WIM_STATION_KINDS: z
    .string()
    .default('')
    .refine(
      (value) => value.split(',').every((pair) => pair.trim() === '' || /^[^=]+=(wim|site_exit|entrance)$/.test(pair.trim())),
      'expected stationId=wim|site_exit|entrance,…',
    ),
  /** Records one station may post per minute (each record of a batch counts); above it 429 with Retry-After. */
  // At least one full batch (500 records) must fit in a minute.
  WIM_STATION_RECORDS_PER_MINUTE: z.coerce.number().int().min(500).max(1_000_000).default(600),
});

export type IngestWimConfig = z.infer<typeof ingestWimEnvSchema>;
export const loadIngestWimConfig = (env: Record<string, string | undefined> = process.env): IngestWimConfig => parseEnv(ingestWimEnvSchema, env);
