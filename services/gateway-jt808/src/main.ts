import { hostname } from 'node:os';
import { TOPICS } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { VehicleRegistry } from '@roadwatch/domain';
import { createLogger, loadVehicleRegistryFile, onShutdown, Reloader, ServiceMetrics, startOpsServer } from '@roadwatch/runtime';
import { createPool, loadVehicleRegistry, migrate } from '@roadwatch/storage';
import { createSimulatedFleet } from '@roadwatch/testing';
import { loadGatewayConfig } from './config';
import { InMemoryConnectionDirectory, RedisConnectionDirectory, type ConnectionDirectory } from './connection-directory';
import { startGateway } from './gateway.service';
import { InMemoryTerminalRegistry, PostgresTerminalRegistry, type TerminalRegistry } from './terminal-registry';
import type { VehicleDirectory } from './vehicle-directory';

// Cluster mode: one gateway process against real Kafka (and Redis / PostgreSQL when configured).
const config = loadGatewayConfig();
const logger = createLogger('gateway-jt808', config.LOG_LEVEL);
const instanceId = config.GATEWAY_INSTANCE_ID ?? `${hostname()}-${process.pid}`;
const metrics = new ServiceMetrics('gateway-jt808');

const loadDirectory = (spec: string): VehicleRegistry => {
  if (spec.startsWith('simulated:')) return VehicleRegistry.fromFleet(createSimulatedFleet(Number(spec.slice('simulated:'.length))));
  if (spec.startsWith('file:')) return loadVehicleRegistryFile(spec.slice('file:'.length));
  return new VehicleRegistry();
};
// One pool for what the gateway keeps in PostgreSQL (the registry it reads, the auth codes it
// writes), whose schema is brought up to date first — idempotent, and serialised with the
// other services by an advisory lock — so that a first start on an empty database works.
const usesDatabase = config.VEHICLE_DIRECTORY === 'database' || config.TERMINAL_REGISTRY === 'postgres';
const pool = usesDatabase ? createPool(config.DATABASE_URL, { max: 4, application: 'gateway-jt808' }) : undefined;
if (pool) await migrate(pool);

// `database`: the registry tables, reloaded on a timer, so a vehicle registered through the API is known
// to terminals that connect afterwards; looked up in memory once per authenticated connection.
const registryPool = config.VEHICLE_DIRECTORY === 'database' ? pool : undefined;
const vehicles = registryPool
  ? await Reloader.start({ name: 'vehicle registry', load: () => loadVehicleRegistry(registryPool), intervalMs: config.REGISTRY_REFRESH_MS, logger })
  : { current: loadDirectory(config.VEHICLE_DIRECTORY), close: async () => undefined };
const directory: VehicleDirectory = { byTerminal: (terminalId) => vehicles.current.byTerminal(terminalId) };
logger.info({ vehicles: vehicles.current.size, source: config.VEHICLE_DIRECTORY }, 'vehicle directory loaded');

// `postgres`: auth codes in the registry's terminals table.
const registry: TerminalRegistry = config.TERMINAL_REGISTRY === 'postgres' && pool ? new PostgresTerminalRegistry(pool, false) : new InMemoryTerminalRegistry();
const connections: ConnectionDirectory =
  config.CONNECTION_DIRECTORY === 'redis' ? RedisConnectionDirectory.connect(config.REDIS_URL, instanceId) : new InMemoryConnectionDirectory();

const bus = new KafkaBus({ brokers: config.KAFKA_BROKERS.split(','), clientId: `gateway-jt808-${instanceId}` });
await bus.ensureTopics([
  { topic: TOPICS.positions, partitions: config.KAFKA_TOPIC_PARTITIONS },
  { topic: TOPICS.terminalCommands, partitions: config.KAFKA_TOPIC_PARTITIONS },
  { topic: TOPICS.commandResults, partitions: config.KAFKA_TOPIC_PARTITIONS },
]);

const gateway = await startGateway({
  bus,
  directory,
  registry,
  connections,
  port: config.GATEWAY_PORT,
  host: config.GATEWAY_HOST,
  instanceId,
  logger,
  metrics,
  idleTimeoutMs: config.IDLE_TIMEOUT_MS,
  limits: { authDeadlineMs: config.AUTH_DEADLINE_MS, maxJunkBytesPerWindow: config.MAX_JUNK_BYTES_PER_WINDOW, junkWindowMs: config.JUNK_WINDOW_MS },
  publishLingerMs: config.PUBLISH_LINGER_MS,
  publishMaxBatch: config.PUBLISH_MAX_BATCH,
  maxInFlightPositions: config.MAX_INFLIGHT_POSITIONS,
  maxEventLoopDelayMs: config.MAX_EVENT_LOOP_DELAY_MS,
  commandAnswerTimeoutMs: config.COMMAND_ANSWER_TIMEOUT_MS,
  commandMaxAgeMs: config.COMMAND_MAX_AGE_MS,
  framePolicy: config.JT808_FRAME_POLICY,
});

const ops = await startOpsServer({
  port: config.OPS_PORT,
  host: config.OPS_HOST,
  metrics,
  readiness: [
    { name: 'tcp', check: () => gateway.readiness().listening },
    { name: 'commands', check: () => gateway.readiness().commands },
    { name: 'kafka', check: () => gateway.readiness().kafka },
  ],
});
logger.info({ opsPort: ops.port }, 'ops server listening');
// Closed in reverse: ops, gateway (flushes positions), then the bus and the stores.
// Closed in reverse: the gateway first, the pool last.
onShutdown(logger, [async () => pool?.end(), () => vehicles.close(), () => bus.close(), () => registry.close(), () => connections.close(), () => gateway.close(), () => ops.close()]);
