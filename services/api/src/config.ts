import { z } from 'zod';
import { corsOrigins, infraEnvSchema, parseEnv, strongSecret } from '@roadwatch/contracts';

export const apiEnvSchema = infraEnvSchema.extend({
  API_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  API_HOST: z.string().default('0.0.0.0'),
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9480),
  /** Signs sign-in tokens: ≥ 32 random characters, never the examples' placeholder. */
  JWT_SECRET: strongSecret,
  CORS_ORIGINS: corsOrigins,
  /** Reverse proxies (ingress, load balancer) in front of the API; their X-Forwarded-For names the client (per-address sign-in limits). */
  API_TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Failed sign-ins allowed per user name / per client address in LOGIN_WINDOW_S, shared through Redis; then 429. */
  LOGIN_MAX_FAILURES_PER_USERNAME: z.coerce.number().int().min(1).max(1_000).default(10),
  LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
  LOGIN_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(900),
  LATEST_POSITIONS_PREFIX: z.string().default('roadwatch:'),
  LIVE_TICK_MS: z.coerce.number().int().min(100).max(10_000).default(1_000),
  STATIC_DIR: z.string().optional(),
  /**
   * `username:password` — the first admin of a fresh cluster: created at start when the user
   * name is free, flagged must-change; an existing user is never touched (remove it once used).
   */
  API_BOOTSTRAP_ADMIN: z.string().regex(/^[^:]+:.+$/, 'username:password').optional(),
  /** How soon disabling, re-scoping or resetting a user ends their sessions on REST and sockets, on every instance. */
  SESSION_BOUND_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
});

export type ApiConfig = z.infer<typeof apiEnvSchema>;
export const loadApiConfig = (env: Record<string, string | undefined> = process.env): ApiConfig => parseEnv(apiEnvSchema, env);
