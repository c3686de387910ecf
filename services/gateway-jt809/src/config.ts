import { z } from 'zod';
import { infraEnvSchema, parseEnv } from '@roadwatch/contracts';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

/** Cluster-mode environment of the JT/T 809 gateway, parsed once at start-up. */
export const jt809GatewayEnvSchema = infraEnvSchema.extend({
  /** The main link's TCP port lower platforms connect to. */
  JT809_PORT: port.default(7809),
  JT809_HOST: z.string().default('0.0.0.0'),
  OPS_PORT: port.default(9489),
  /** A link that sent nothing (809's link test is every 60 s) this long is closed. */
  JT809_IDLE_TIMEOUT_MS: positiveInt.default(180_000),
  /** A connection not logged in this long after it opened is closed. */
  JT809_LOGIN_DEADLINE_MS: positiveInt.default(30_000),
  /** How often 查岗 / 督办 the API created are looked for, to send them. */
  JT809_REQUEST_POLL_MS: positiveInt.default(1_000),
  /** First delay before the sub-link is reopened (doubling, up to 8×). */
  JT809_SUB_LINK_RETRY_MS: positiveInt.default(5_000),
  /** Reload period of the vehicle registry (plate → vehicle), a failed reload keeping the last. */
  REGISTRY_REFRESH_MS: z.coerce.number().int().min(1_000).default(60_000),
});

export type Jt809GatewayConfig = z.infer<typeof jt809GatewayEnvSchema>;

export const loadJt809GatewayConfig = (env: Record<string, string | undefined> = process.env): Jt809GatewayConfig => parseEnv(jt809GatewayEnvSchema, env);
