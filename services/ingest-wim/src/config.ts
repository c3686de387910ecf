import { z } from 'zod';
import { infraEnvSchema, parseEnv } from '@roadwatch/contracts';

export const ingestWimEnvSchema = infraEnvSchema.extend({
  WIM_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(8081),
  WIM_HTTP_HOST: z.string().default('127.0.0.1'),
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9481),
  /** `stationId=apiKey,…` */
  WIM_STATION_KEYS: z.string().min(1, 'set at least one stationId=apiKey pair'),
});

export type IngestWimConfig = z.infer<typeof ingestWimEnvSchema>;
export const loadIngestWimConfig = (env: Record<string, string | undefined> = process.env): IngestWimConfig =>
  parseEnv(ingestWimEnvSchema, env);
