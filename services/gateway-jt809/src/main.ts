import { TOPICS } from '@roadwatch/contracts';
import { bootService, Reloader } from '@roadwatch/runtime';
import { LowerPlatformLinkRepository, loadVehicleRegistry, pingDatabase } from '@roadwatch/storage';
import { jt809GatewayEnvSchema } from './config';
import { startJt809Gateway } from './gateway.service';
import { jt809Wire } from './jt809-wire';

// Cluster mode: one JT/T 809 gateway against real Kafka and the registry's database (the lower
// platforms it checks logins against, the vehicles it looks plates up in, what it records).
const { config, logger, metrics, bus, pool, serve } = await bootService({
  service: 'gateway-jt809',
  schema: jt809GatewayEnvSchema,
  database: { max: 4 },
  kafka: { topics: [TOPICS.positions] },
});
if (!pool) throw new Error('gateway-jt809 needs DATABASE_URL: the lower platforms are in the registry');

const vehicles = await Reloader.start({ name: 'vehicle registry', load: () => loadVehicleRegistry(pool), intervalMs: config.REGISTRY_REFRESH_MS, logger });
const store = new LowerPlatformLinkRepository(pool);
const gateway = await startJt809Gateway({
  bus,
  wire: jt809Wire,
  platforms: store,
  store,
  vehicles: { byPlate: (plate, colour) => vehicles.current.byPlate(plate, colour) },
  port: config.JT809_PORT,
  host: config.JT809_HOST,
  logger,
  metrics,
  idleTimeoutMs: config.JT809_IDLE_TIMEOUT_MS,
  loginDeadlineMs: config.JT809_LOGIN_DEADLINE_MS,
  requestPollMs: config.JT809_REQUEST_POLL_MS,
  subLinkRetryMs: config.JT809_SUB_LINK_RETRY_MS,
});

await serve({
  readiness: [
    { name: 'tcp', check: () => gateway.readiness().listening },
    { name: 'database', check: () => pingDatabase(pool) },
  ],
  closers: [() => vehicles.close(), () => gateway.close()],
});
