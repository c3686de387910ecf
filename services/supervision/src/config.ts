import { z } from 'zod';
import { infraEnvSchema, parseEnv } from '@roadwatch/contracts';

export const supervisionEnvSchema = infraEnvSchema.extend({
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9487),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(4),
  /** How often the 重点监管 job runs (RULES.md §10; default 15 min); exits are dated exactly whatever the interval. */
  KEY_SUPERVISION_INTERVAL_MS: z.coerce.number().int().min(1000).default(900_000),
  // Delivery to companies (src/delivery): webhooks and SMS.
  /** Webhook targets on private, loopback or link-local addresses allowed (tests, a webhook on the same machine); never in production. */
  DELIVERY_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** How long a failed delivery is retried from its first attempt before it is given up (default 24 h). */
  DELIVERY_RETRY_WINDOW_MS: z.coerce.number().int().positive().default(86_400_000),
  /** One webhook request's limit, connection to last byte. */
  DELIVERY_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Deliveries in flight at once per member; at most a quarter of them (≥ 1) to one company. */
  DELIVERY_CONCURRENCY: z.coerce.number().int().positive().default(16),
  /** How often due deliveries are looked for. */
  DELIVERY_POLL_MS: z.coerce.number().int().positive().default(1_000),
  // The handling workflow (RULES §9 *default*s: 30 min for severe alerts, 24 h for the rest; the
  // escalation job's period).
  HANDLING_SEVERE_WINDOW_MS: z.coerce.number().int().positive().optional(),
  HANDLING_STANDARD_WINDOW_MS: z.coerce.number().int().positive().optional(),
  HANDLING_ESCALATION_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /** How often the 考核 scores job looks for an ended month or a due rolling 7 days (default 1 min). */
  SCORES_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
});

export type SupervisionConfig = z.infer<typeof supervisionEnvSchema>;
export const loadSupervisionConfig = (env: Record<string, string | undefined> = process.env): SupervisionConfig => parseEnv(supervisionEnvSchema, env);
