import cluster from 'node:cluster';
import { availableParallelism, hostname } from 'node:os';
import { AggregatorRegistry } from 'prom-client';
import { TOPICS } from '@roadwatch/contracts';
import { VehicleRegistry } from '@roadwatch/domain';
import { bootService, loadVehicleRegistryFile } from '@roadwatch/runtime';
import { createSimulatedFleet } from '@roadwatch/simulator';
import { loadVehicleRegistry } from '@roadwatch/storage';
import { gatewayDeprecatedEnv, gatewayEnvSchema, loadGatewayConfig, type GatewayConfig } from './config';
import { InMemoryConnectionDirectory, RedisConnectionDirectory, type ConnectionDirectory } from './connection-directory';
import { startGateway } from './gateway.service';
import { startVehicleRegistry } from './vehicle-registry-reloader';
import { InMemoryTerminalRegistrations, PostgresTerminalRegistrations, type TerminalRegistrations } from './terminal-registrations';
import type { TerminalVehicleLookup } from './terminal-vehicle-lookup';
import { PrimaryStateClient, primaryConnectionDirectory, primaryTerminalRegistrations } from './worker-shared-state';
import { superviseWorkers, type WorkerStatus } from './workers';

// Cluster mode: one gateway process against real Kafka (and Redis / PostgreSQL when configured),
// or — GATEWAY_WORKERS > 1, the default on a machine with several cores — a primary that runs
// that many of them as workers sharing the port (src/workers.ts).
const instanceIdOf = (config: GatewayConfig): string => config.GATEWAY_INSTANCE_ID ?? `${hostname()}-${process.pid}`;
if (cluster.isPrimary) {
  const startConfig = loadGatewayConfig();
  const workers = startConfig.GATEWAY_WORKERS ?? availableParallelism();
  // net.Server's reusePort (Node ≥ 22.12): an older Node ignores it and every worker after the first fails with EADDRINUSE.
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const reusePortSupported = major > 22 || (major === 22 && minor >= 12);
  if (workers > 1 && !reusePortSupported)
    throw new Error(
      `GATEWAY_WORKERS=${workers} needs Node ≥ 22.12 (net.Server reusePort); this is Node ${process.versions.node} — use the project's Node 24 (npx node) or GATEWAY_WORKERS=1`,
    );
  if (workers > 1) {
    await superviseWorkers(startConfig, { workers, baseInstanceId: instanceIdOf(startConfig) });
  } else await runGateway();
} else await runGateway();

async function runGateway(): Promise<void> {
  const { config, logger, metrics, bus, pool, redisKey, serve } = await bootService({
    service: 'gateway-jt808',
    schema: gatewayEnvSchema,
    deprecatedEnv: gatewayDeprecatedEnv,
    database: { max: 4, when: (config) => config.VEHICLE_REGISTRY_SOURCE === 'database' || config.TERMINAL_REGISTRATIONS === 'postgres' },
    kafka: {
      clientId: (config) => `gateway-jt808-${instanceIdOf(config)}`,
      topics: [TOPICS.positions, TOPICS.terminalCommands, TOPICS.commandResults, TOPICS.registryChanges, TOPICS.driverCardEvents, TOPICS.terminalAreaAlarms],
    },
  });
  const instanceId = instanceIdOf(config);

  const registryFromSource = (config: GatewayConfig): VehicleRegistry => {
    const source = config.VEHICLE_REGISTRY_SOURCE;
    if (source.startsWith('simulated:')) return VehicleRegistry.fromFleet(createSimulatedFleet(Number(source.slice('simulated:'.length))));
    if (source === 'file' && config.VEHICLE_REGISTRY_FILE) return loadVehicleRegistryFile(config.VEHICLE_REGISTRY_FILE);
    return new VehicleRegistry();
  };
  // `database`: the registry tables, reloaded at once on `registry.changes` (an admin write through the API)
  // and on a timer as a safety net, so a vehicle registered through the API is known to terminals that
  // connect afterwards; looked up in memory once per authenticated connection.
  const registryPool = config.VEHICLE_REGISTRY_SOURCE === 'database' ? pool : undefined;
  const vehicles = registryPool
    ? await startVehicleRegistry({
        load: () => loadVehicleRegistry(registryPool),
        intervalMs: config.REGISTRY_REFRESH_MS,
        logger,
        changes: { bus, groupId: `gateway-jt808-registry-${instanceId}` },
      })
    : { current: registryFromSource(config), close: async () => undefined };
  const terminalVehicles: TerminalVehicleLookup = { byTerminal: (terminalId) => vehicles.current.byTerminal(terminalId) };
  logger.info({ vehicles: vehicles.current.size, source: config.VEHICLE_REGISTRY_SOURCE }, 'vehicle registry loaded');

  // `postgres`: auth codes in the registry's terminals table. `memory` in a worker: the primary's one copy, shared by every worker.
  const primary = cluster.isWorker ? new PrimaryStateClient() : null;
  const registrations: TerminalRegistrations =
    config.TERMINAL_REGISTRATIONS === 'postgres' && pool
      ? new PostgresTerminalRegistrations(pool, false)
      : primary
        ? primaryTerminalRegistrations(primary)
        : new InMemoryTerminalRegistrations();
  const connections: ConnectionDirectory =
    config.CONNECTION_DIRECTORY === 'redis'
      ? RedisConnectionDirectory.connect(config.REDIS_URL, instanceId, redisKey('gateway-jt808:'))
      : primary
        ? primaryConnectionDirectory(primary)
        : new InMemoryConnectionDirectory();

  const gateway = await startGateway({
    bus,
    vehicles: terminalVehicles,
    registrations,
    connections,
    port: config.GATEWAY_PORT,
    host: config.GATEWAY_HOST,
    // Workers share the port; the kernel spreads new connections over them.
    reusePort: cluster.isWorker,
    instanceId,
    logger,
    metrics,
    idleTimeoutMs: config.IDLE_TIMEOUT_MS,
    limits: { authDeadlineMs: config.AUTH_DEADLINE_MS, maxJunkBytesPerWindow: config.MAX_JUNK_BYTES_PER_WINDOW, junkWindowMs: config.JUNK_WINDOW_MS },
    publishLingerMs: config.PUBLISH_LINGER_MS,
    publishMaxBatch: config.PUBLISH_MAX_BATCH,
    maxInFlightPositions: config.MAX_INFLIGHT_POSITIONS,
    maxEventLoopDelayMs: config.MAX_EVENT_LOOP_DELAY_MS,
    maxAckWaitMs: config.MAX_ACK_WAIT_MS,
    commandAnswerTimeoutMs: config.COMMAND_ANSWER_TIMEOUT_MS,
    commandMaxAgeMs: config.COMMAND_MAX_AGE_MS,
    framePolicy: config.JT808_FRAME_POLICY,
  });

  if (cluster.isWorker) {
    // The primary sums every worker's metrics on its /metrics and is ready when every worker is.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([metrics.registry]);
    const readiness = gateway.readiness;
    const reportStatus = (): void => {
      const { listening, commands, kafka } = readiness();
      process.send?.({ kind: 'gateway-worker:status', ready: listening && commands && kafka } satisfies WorkerStatus);
    };
    reportStatus();
    setInterval(reportStatus, 1_000).unref();
  }

  // Closed after the ops server: the gateway first (it flushes positions), then the stores, then the bus and the pool.
  await serve({
    readiness: [
      { name: 'tcp', check: () => gateway.readiness().listening },
      { name: 'commands', check: () => gateway.readiness().commands },
      { name: 'kafka', check: () => gateway.readiness().kafka },
    ],
    closers: [() => vehicles.close(), () => registrations.close(), () => connections.close(), () => gateway.close()],
  });
}
