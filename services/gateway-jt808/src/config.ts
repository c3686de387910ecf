import { z } from 'zod';
import { infraEnvSchema, parseEnv, renameDeprecatedEnv, type DeprecatedEnvName } from '@roadwatch/contracts';

const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

/** Cluster-mode environment, parsed once at start-up (CONVENTIONS.md "Validation and configuration"). */
export const gatewayEnvSchema = infraEnvSchema
  .extend({
    GATEWAY_PORT: port.default(7808),
    GATEWAY_HOST: z.string().default('0.0.0.0'),
    OPS_PORT: port.default(9480),
    /**
     * Identifies this instance: its consumer group on `terminal.commands` is
     * `gateway-jt808.<id>` and the connection directory records it as a terminal's owner.
     * Give every replica a stable, distinct one (the pod name); defaults to the host name + pid.
     */
    GATEWAY_INSTANCE_ID: z.string().min(1).optional(),
    /**
     * Gateway processes sharing GATEWAY_PORT (SO_REUSEPORT), each with its own Kafka producer;
     * default: the machine's cores (`os.availableParallelism()`). With more than one, a primary
     * supervises them (restarts one that dies), serves OPS_PORT for all of them and keeps the
     * in-memory connection directory and registrations they share; worker i is instance
     * `<GATEWAY_INSTANCE_ID>-w<i>`.
     */
    GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
    /** `memory` (one instance) or `redis` (several instances share who holds which terminal). */
    CONNECTION_DIRECTORY: z.enum(['memory', 'redis']).default('memory'),
    /** `memory` or `postgres` (auth codes survive a restart; table created if absent). */
    TERMINAL_REGISTRATIONS: z.enum(['memory', 'postgres']).default('memory'),
    /**
     * Where terminal → vehicle comes from (the same variable as the detector's): `simulated:<n>`
     * (the simulated fleet of n vehicles, seed 1, for demos and the load test), `file` (the
     * registry export at VEHICLE_REGISTRY_FILE, shared with the detector: `vehicleRegistryFile`
     * of @roadwatch/contracts), `database` (the registry tables at DATABASE_URL, reloaded every
     * REGISTRY_REFRESH_MS), or `none`.
     */
    VEHICLE_REGISTRY_SOURCE: z
      .string()
      .regex(/^(none|database|file|simulated:\d+)$/, 'must be none, database, file or simulated:<n>')
      .default('none'),
    VEHICLE_REGISTRY_FILE: z.string().min(1).optional(),
    /** Reload period of VEHICLE_REGISTRY_SOURCE=database; a failed reload keeps the last registry. */
    REGISTRY_REFRESH_MS: z.coerce.number().int().min(1_000).default(60_000),
    IDLE_TIMEOUT_MS: positiveInt.default(180_000),
    /** A connection not authenticated (0x0102 accepted) this long after it opened is closed. */
    AUTH_DEADLINE_MS: positiveInt.default(60_000),
    /** Bytes outside valid frames allowed per JUNK_WINDOW_MS before the connection is closed. */
    MAX_JUNK_BYTES_PER_WINDOW: positiveInt.default(16 * 1024),
    JUNK_WINDOW_MS: positiveInt.default(60_000),
    PUBLISH_LINGER_MS: z.coerce.number().int().nonnegative().default(5),
    PUBLISH_MAX_BATCH: positiveInt.default(2_000),
    /** New positions are shed (0x8001 result 1 at once) while more than this many await Kafka. */
    MAX_INFLIGHT_POSITIONS: positiveInt.default(50_000),
    /** Positions are shed while the event loop runs later than this; above twice it, authenticated sockets stop being read (register/auth go first). */
    MAX_EVENT_LOOP_DELAY_MS: positiveInt.default(200),
    /** A position Kafka has not acknowledged this long after it was read is answered 0x8001 result 1; new ones are shed while the oldest waited half of it. */
    MAX_ACK_WAIT_MS: positiveInt.default(800),
    COMMAND_ANSWER_TIMEOUT_MS: positiveInt.default(30_000),
    COMMAND_MAX_AGE_MS: positiveInt.default(300_000),
    /**
     * `lenient`: accept real terminals' frames with unambiguous anomalies (a wrong check code on
     * an otherwise exact frame, a hex phone, the 2019 bit on a 2013 header, a raw 0x7e / 0x7d the
     * check code confirms, one padding byte), counted per terminal; `strict`: refuse them.
     */
    JT808_FRAME_POLICY: z.enum(['lenient', 'strict']).default('lenient'),
  })
  .refine((env) => (env.VEHICLE_REGISTRY_SOURCE === 'file') === (env.VEHICLE_REGISTRY_FILE !== undefined), {
    message: 'VEHICLE_REGISTRY_FILE is read with VEHICLE_REGISTRY_SOURCE=file, and only then; give both or neither',
    path: ['VEHICLE_REGISTRY_SOURCE'],
  });

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;

/** Renamed in this release; the old names are read, with a warning, for one more. */
export const gatewayDeprecatedEnv: Record<string, DeprecatedEnvName> = {
  // The terminals' JT/T 808 registrations and auth codes; "registry" names the administered vehicles and terminals.
  TERMINAL_REGISTRY: { replacedBy: 'TERMINAL_REGISTRATIONS' },
  // `file:<path>` is now VEHICLE_REGISTRY_SOURCE=file with VEHICLE_REGISTRY_FILE=<path>, as for the detector.
  VEHICLE_DIRECTORY: {
    replacedBy: 'VEHICLE_REGISTRY_SOURCE',
    to: (value): Record<string, string> =>
      value.startsWith('file:') ? { VEHICLE_REGISTRY_SOURCE: 'file', VEHICLE_REGISTRY_FILE: value.slice('file:'.length) } : { VEHICLE_REGISTRY_SOURCE: value },
  },
};

export const loadGatewayConfig = (env: Record<string, string | undefined> = process.env): GatewayConfig =>
  parseEnv(gatewayEnvSchema, renameDeprecatedEnv(env, gatewayDeprecatedEnv).env);
