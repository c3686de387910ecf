import { TOPICS } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, onShutdown, ServiceMetrics, startOpsServer } from '@roadwatch/runtime';
import { createPool, migrate } from '@roadwatch/storage';
import { loadDetectorConfig, registryFromConfig, restAreasFromConfig, rulesFromConfig } from './config';
import { startDatabaseRegistry } from './directory/database-registry';
import { startDetector } from './detector.service';
import { loadRoadIndex } from './rules/libs-position-rules';
import { RedisStateStore } from './state/redis-state-store';

// Cluster mode: one detector member against real Kafka and Redis. Scale by starting more.
const logger = createLogger('detector');
const config = loadDetectorConfig();
// Before connecting to anything: a bad rules file stops the start with its reasons.
const rules = rulesFromConfig(config);
const metrics = new ServiceMetrics('detector');
const fromDatabase = config.VEHICLE_REGISTRY_SOURCE === 'database' || config.SPEED_ZONES_SOURCE === 'database';
const pool = fromDatabase ? createPool(config.DATABASE_URL, { max: 2, application: 'detector-registry' }) : undefined;
// The registry tables may not exist yet on a first start: bring the schema up to date first (idempotent, locked).
if (pool) await migrate(pool);
const registry = pool
  ? await startDatabaseRegistry({
      db: pool,
      intervalMs: config.REGISTRY_REFRESH_MS,
      logger,
      vehicles: config.VEHICLE_REGISTRY_SOURCE === 'database',
      speedZones: config.SPEED_ZONES_SOURCE === 'database',
      // 接驳运输 registrations are made for the registry's vehicles: read with them, from the same database.
      relays: config.VEHICLE_REGISTRY_SOURCE === 'database',
      roadsFile: config.ROADS_GEOJSON_FILE,
      // The road defaults (buffer, unmapped road) from the rules file too, as the pipeline reads them.
      rulesConfig: rules.config,
    })
  : undefined;
// The WIM stations' accuracy classes (RULES.md §4) come with the vehicles, from the database or the file.
const { directory, wimStationClasses } =
  registry?.directory && registry.wimStationClasses ? { directory: registry.directory, wimStationClasses: registry.wimStationClasses } : registryFromConfig(config);
if (directory.size === 0) logger.warn('no vehicle registry given (VEHICLE_REGISTRY_SOURCE, VEHICLE_REGISTRY_FILE / VEHICLE_REGISTRY_JSON): every vehicle is read as class other');
const roads = registry?.roads ?? (config.ROADS_GEOJSON_FILE ? loadRoadIndex(config.ROADS_GEOJSON_FILE, rules.config, logger) : undefined);
if (!roads) logger.warn('no road data (SPEED_ZONES_SOURCE=database, ROADS_GEOJSON_FILE): speeding reads every position as an unmapped road');
const bus = new KafkaBus({ brokers: config.KAFKA_BROKERS.split(','), clientId: 'detector', topicPrefix: config.KAFKA_TOPIC_PREFIX, logger, metrics });
await bus.ensureTopics(
  [TOPICS.positions, TOPICS.wimMeasurements, TOPICS.alerts, TOPICS.overloadViolations, TOPICS.terminalCommands, TOPICS.qualityDaily].map((topic) => ({ topic, partitions: config.KAFKA_TOPIC_PARTITIONS })),
);
const stateStore = RedisStateStore.connect(config.REDIS_URL, config.DETECTOR_STATE_PREFIX);
const detector = await startDetector({
  bus,
  stateStore,
  directory,
  ...(roads ? { roads } : {}),
  ...(registry?.relays ? { relays: registry.relays } : {}),
  wimStationClasses,
  groupId: config.DETECTOR_GROUP_ID,
  offlineCheckIntervalMs: config.OFFLINE_CHECK_INTERVAL_MS,
  rulesConfig: rules.config,
  overridesByRegion: rules.overridesByRegion,
  reminders: { enabled: config.FATIGUE_REMINDERS === 'on', restAreas: restAreasFromConfig(config) },
  logger,
  metrics,
});
const ops = await startOpsServer({ host: config.OPS_HOST, port: config.OPS_PORT, metrics, readiness: detector.readiness });
onShutdown(logger, [async () => pool?.end(), async () => registry?.close(), () => bus.close(), () => stateStore.close(), () => detector.close(), () => ops.close()]);
