import { hostname } from 'node:os';
import { TOPICS } from '@roadwatch/contracts';
import { bootService } from '@roadwatch/runtime';
import { DETECTOR_STATE_KEY_PART, detectorDeprecatedEnv, detectorEnvSchema, registryFromConfig, restAreasFromConfig, rulesFromConfig } from './config';
import { startDatabaseRegistry } from './directory/database-registry';
import { startDetector } from './detector.service';
import { loadRoadIndex } from './rules/libs-position-rules';
import { RedisStateStore } from './state/redis-state-store';
import { RedisDriverTimeStore } from './driver-times/redis-driver-time-store';

// Cluster mode: one detector member against real Kafka and Redis (and PostgreSQL when the
// registry or the speed zones come from it). Scale by starting more.
const {
  config,
  logger,
  metrics,
  bus,
  pool,
  redisKey,
  serve,
  prepared: rules,
} = await bootService({
  service: 'detector',
  schema: detectorEnvSchema,
  deprecatedEnv: detectorDeprecatedEnv,
  // Before connecting to anything: a bad rules file stops the start with its reasons.
  prepare: rulesFromConfig,
  // The registry tables may not exist yet on a first start: the schema is brought up to date first (idempotent, locked).
  database: { max: 2, when: (config) => config.VEHICLE_REGISTRY_SOURCE === 'database' || config.SPEED_ZONES_SOURCE === 'database' },
  kafka: {
    consumer: (config) => ({ minBytes: config.KAFKA_FETCH_MIN_BYTES, maxWaitTimeMs: config.KAFKA_FETCH_MAX_WAIT_MS }),
    topics: [
      TOPICS.positions,
      TOPICS.wimMeasurements,
      TOPICS.alerts,
      TOPICS.overloadViolations,
      TOPICS.terminalCommands,
      TOPICS.qualityDaily,
      TOPICS.registryChanges,
    ],
  },
});
const registry = pool
  ? await startDatabaseRegistry({
      db: pool,
      intervalMs: config.REGISTRY_REFRESH_MS,
      logger,
      vehicles: config.VEHICLE_REGISTRY_SOURCE === 'database',
      speedZones: config.SPEED_ZONES_SOURCE === 'database',
      // 接驳运输 registrations are made for the registry's vehicles: read with them, from the same database.
      relays: config.VEHICLE_REGISTRY_SOURCE === 'database',
      // Approved routes bind the registry's vehicles: read with them.
      routes: config.VEHICLE_REGISTRY_SOURCE === 'database',
      // The drivers' shift roster names the registry's drivers on its vehicles: read with them (fatigue per driver, RULES §13).
      roster: config.VEHICLE_REGISTRY_SOURCE === 'database',
      roadsFile: config.ROADS_GEOJSON_FILE,
      // The road defaults (buffer, unmapped road) from the rules file too, as the pipeline reads them.
      rulesConfig: rules.config,
      // An admin write through the API reaches this member at once; the period stays as a safety net.
      changes: { bus, groupId: `${config.DETECTOR_GROUP_ID}-registry-${hostname()}-${process.pid}` },
    })
  : undefined;
// The WIM stations' accuracy classes (RULES.md §4) come with the vehicles, from the database or the file.
const { directory, wimStationClasses } =
  registry?.directory && registry.wimStationClasses
    ? { directory: registry.directory, wimStationClasses: registry.wimStationClasses }
    : registryFromConfig(config);
if (directory.size === 0)
  logger.warn('no vehicle registry given (VEHICLE_REGISTRY_SOURCE, VEHICLE_REGISTRY_FILE / VEHICLE_REGISTRY_JSON): every vehicle is read as class other');
const roads = registry?.roads ?? (config.ROADS_GEOJSON_FILE ? loadRoadIndex(config.ROADS_GEOJSON_FILE, rules.config, logger) : undefined);
if (!roads) logger.warn('no road data (SPEED_ZONES_SOURCE=database, ROADS_GEOJSON_FILE): speeding reads every position as an unmapped road');
const stateStore = RedisStateStore.connect(config.REDIS_URL, redisKey(DETECTOR_STATE_KEY_PART));
// A driver's time matters for the trailing 24 h (RULES.md §2): kept a day and a rest longer.
const { dailyWindowMs } = rules.config.fatigue;
const driverTimes = RedisDriverTimeStore.connect(config.REDIS_URL, redisKey(DETECTOR_STATE_KEY_PART), dailyWindowMs + rules.config.motion.restMs);
const detector = await startDetector({
  bus,
  stateStore,
  driverTimes,
  vehicles: directory,
  ...(roads ? { roads } : {}),
  ...(registry?.relays ? { relays: registry.relays } : {}),
  ...(registry?.routes ? { routes: registry.routes } : {}),
  ...(registry?.roster ? { roster: registry.roster } : {}),
  wimStationClasses,
  groupId: config.DETECTOR_GROUP_ID,
  timersIntervalMs: config.TIMERS_INTERVAL_MS,
  checkpoint: { intervalMs: config.CHECKPOINT_INTERVAL_MS, everyRecords: config.CHECKPOINT_EVERY_RECORDS },
  rulesConfig: rules.config,
  overridesByRegion: rules.overridesByRegion,
  reminders: { enabled: config.FATIGUE_REMINDERS === 'on', restAreas: restAreasFromConfig(config) },
  logger,
  metrics,
});
await serve({
  readiness: detector.readiness,
  closers: [async () => registry?.close(), () => stateStore.close(), () => driverTimes.close(), () => detector.close()],
});
