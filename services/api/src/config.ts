import { z } from 'zod';
import { corsOrigins, infraEnvSchema, parseEnv, renameDeprecatedEnv, strongSecret, type DeprecatedEnvName } from '@roadwatch/contracts';

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
  LIVE_TICK_MS: z.coerce.number().int().min(100).max(10_000).default(1_000),
  /** Company webhook URLs on private, loopback or link-local addresses may be saved (tests; never in production). Supervision reads the same name. */
  DELIVERY_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** The built map (`npm run build -w web`), served on the API's origin; not served when unset. */
  WEB_DIST_DIR: z.string().min(1).optional(),
  /**
   * `username:password` — the first admin of a fresh cluster: created at start when the user
   * name is free, flagged must-change; an existing user is never touched (remove it once used).
   */
  API_BOOTSTRAP_ADMIN: z
    .string()
    .regex(/^[^:]+:.+$/, 'username:password')
    .optional(),
  /** How soon disabling, re-scoping or resetting a user ends their sessions on REST and sockets, on every instance. */
  SESSION_BOUND_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
});

/** Renamed in this release; the old names are read, with a warning, for one more. */
export const apiDeprecatedEnv: Record<string, DeprecatedEnvName> = {
  STATIC_DIR: { replacedBy: 'WEB_DIST_DIR' },
  // The latest positions live at REDIS_KEY_PREFIX + `latest:…`, as they did at LATEST_POSITIONS_PREFIX.
  LATEST_POSITIONS_PREFIX: { replacedBy: 'REDIS_KEY_PREFIX' },
};

export type ApiConfig = z.infer<typeof apiEnvSchema>;
export const loadApiConfig = (env: Record<string, string | undefined> = process.env): ApiConfig =>
  parseEnv(apiEnvSchema, renameDeprecatedEnv(env, apiDeprecatedEnv).env);
