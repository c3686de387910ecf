import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TOPICS, type AlertV1, type TopicName } from '@roadwatch/contracts';
import { InProcessBus, type Bus } from '@roadwatch/messaging';
import { createLogger, MemorySeenSet, ServiceMetrics, startOpsServer, type Logger, type OpsServer } from '@roadwatch/runtime';
import { createPool, LowerPlatformLinkRepository, migrate, startEmbeddedTimescale, type EmbeddedTimescale, type StoragePool } from '@roadwatch/storage';
import {
  createSimulatedFleet,
  DEMO_DRIVERS,
  DEMO_EXTRA_STATIONS,
  DEMO_SOURCE_COMPANIES,
  DEMO_SOURCE_SITES,
  DEMO_WIM_STATION,
  FOUR_PARTIES_VEHICLES,
  DEMO_LINE_COACH,
  DEMO_AREA_BANS,
  DEMO_BLIND_AREAS,
  simulatedCompanyName,
  type SimulatedVehicle,
} from '@roadwatch/simulator';
import { seedAreaBans, seedBlindAreas, seedOperatingVehicles, seedRegistry, startApi, type NewUser, type RunningApi } from '@roadwatch/api';
import { chinaMonthOf, previousMonth } from '@roadwatch/rules';
import { MemoryLatestPositionStore, startArchiver, type RunningArchiver } from '@roadwatch/archiver';
import { startCases, type RunningCases } from '@roadwatch/cases';
import { startSupervision, type SupervisionConfig } from '@roadwatch/supervision';
import { startEnforcement, type EnforcementConfig } from '@roadwatch/enforcement';
import { MemoryStateStore, startDatabaseRegistry, startDetector, type DatabaseRegistry, type RunningDetector } from '@roadwatch/detector';
import { startGateway, type RunningGateway } from '@roadwatch/gateway-jt808';
import { jt809Wire, startJt809Gateway, type RunningJt809Gateway } from '@roadwatch/gateway-jt809';
import { parseStationKinds, startIngestWim, StationKeys, type RunningIngestWim } from '@roadwatch/ingest-wim';
import type { StandaloneConfig } from './config';
import { simulatedFleetSize } from './open-files';
import { startSimulation, type RunningSimulation } from './simulation';
import { startFourPartiesSimulation, type FourPartiesSimulation } from './four-parties-simulation';
import { seedDemoLine, startScheduledLineSimulation, type ScheduledLineSimulation } from './scheduled-line-simulation';
import { startJt809Simulation, type Jt809Simulation } from './jt809-simulation';

export interface RunningPlatform {
  logger: Logger;
  gateway: RunningGateway;
  /** The JT/T 809 upper-platform gateway (issue #17). */
  jt809Gateway: RunningJt809Gateway;
  /** The simulated company platform forwarding part of the fleet over JT/T 809. */
  jt809Simulation: Jt809Simulation | undefined;
  detector: RunningDetector;
  archiver: RunningArchiver;
  cases: RunningCases;
  ingestWim: RunningIngestWim;
  api: RunningApi;
  simulation: RunningSimulation | undefined;
  /** Issue #15's scripted runs (the quarry truck, the cloned plate) beside the simulated fleet. */
  fourParties: FourPartiesSimulation | undefined;
  /** The demo 班线 coach leaving its corridor now and then (issue #16). */
  scheduledLine: ScheduledLineSimulation | undefined;
  /** `/health`, `/ready`, `/metrics`. */
  ops: OpsServer;
  pool: StoragePool;
  /** The registry the detector and gateway read (reloaded from the tables; `reload()` after a change made outside the API). */
  registry: DatabaseRegistry;
  /** Alerts seen on the bus since start, by rule (the demo's summary and the smoke test). */
  alertsByRule(): Record<string, number>;
  close(): Promise<void>;
}

const TOPIC_PARTITIONS = 4;

/** The demo's sign-ins (password = user name), one per role; printed at start. */
export const STANDALONE_USERS: readonly NewUser[] = [
  { username: 'admin', password: 'admin', role: 'admin', displayName: '系统管理员' },
  { username: 'operator', password: 'operator', role: 'operator', regionCode: '11', displayName: '北京市监控中心值班员' },
  { username: 'company1', password: 'company1', role: 'company', companyId: 'company-1', displayName: simulatedCompanyName('company-1') },
  { username: 'enforcement', password: 'enforcement', role: 'enforcement', displayName: '治超执法' },
];

/**
 * The simulated fleet's companies, vehicles (each bound to its terminal), drivers, the demo WIM station, the
 * issue #15 places (libs/simulator's four-parties: source sites with geofences and kinds, the quarry's exit
 * scale, the G4 entrance scale) and the scripted trucks, written through the registry's own seed use case (the
 * API's): checked, audited as `system:demo-seed`, announced on registry.changes; a restart over the same data
 * writes nothing.
 */
const registerFleet = async (pool: StoragePool, fleet: readonly SimulatedVehicle[], logger: Logger, wimStationId?: string): Promise<void> => {
  const vehicles = fleet.length > 0 ? [...fleet, ...FOUR_PARTIES_VEHICLES, DEMO_LINE_COACH] : [];
  const companies = new Map(vehicles.map((vehicle) => [vehicle.companyId, vehicle.facts.regionCode ?? '110000']));
  const stations = wimStationId ? [{ stationId: wimStationId, ...DEMO_WIM_STATION }, ...DEMO_EXTRA_STATIONS] : [];
  const counts = await seedRegistry(pool, {
    by: { actor: 'system:demo-seed' },
    companies: [
      ...DEMO_SOURCE_COMPANIES,
      ...[...companies].map(([companyId, regionCode]) => ({ companyId, name: simulatedCompanyName(companyId), regionCode })),
    ],
    vehicles: vehicles.map((vehicle) => ({ ...vehicle.facts, companyId: vehicle.companyId, terminalId: vehicle.terminalPhone })),
    drivers: fleet.length > 0 ? DEMO_DRIVERS.map(({ driverId, name, companyId, qualificationNo }) => ({ driverId, name, companyId, qualificationNo })) : [],
    wimStations: stations,
    sourceSites: DEMO_SOURCE_SITES,
  });
  logger.info(counts, 'demo registry seeded');
  // Signal tampering (issue #16 item 5): a registered tunnel, so the blind-area exclusion has something to exclude.
  if (fleet.length > 0) await seedBlindAreas(pool, DEMO_BLIND_AREAS);
  // Approved routes (issue #16): a 班线 bound to its coach, which leaves it now and then.
  if (fleet.length > 0) await seedDemoLine(pool);
  // Area bans (issue #16): a drawn one and a region-wide one, binding the demo's 北京 hazmat trucks by day and by night.
  if (fleet.length > 0) await seedAreaBans(pool, DEMO_AREA_BANS);
};

/** The embedded TimescaleDB under the data folder, migrated; closed with the platform. */
const startEmbeddedStorage = async (config: StandaloneConfig, logger: Logger, closers: Array<() => Promise<void>>): Promise<StoragePool> => {
  // Served on a Unix socket in the data folder (this OS user only), never on a TCP port: the
  // embedded server accepts any user name and password.
  const database: EmbeddedTimescale = await startEmbeddedTimescale({
    dataDir: join(config.ROADWATCH_DATA_DIR, 'timescale'),
    socketDir: join(config.ROADWATCH_DATA_DIR, 'run'),
  });
  closers.push(() => database.stop());
  const pool = createPool(database.url, { embedded: true, application: 'roadwatch-standalone' });
  closers.push(() => pool.end());
  const migrated = await migrate(pool);
  logger.info({ mode: migrated.mode, dataDir: config.ROADWATCH_DATA_DIR }, 'embedded TimescaleDB ready');
  return pool;
};

/**
 * The embedded default (ARCHITECTURE.md "Two ways to run"): every service in one process
 * over the in-process bus, the embedded TimescaleDB persisted under the data folder, memory
 * instead of Redis, and a simulated fleet driving real TCP terminals into the gateway.
 */
/**
 * Parts a caller brings instead of the embedded ones — the full-chain test runs this very
 * composition on real Kafka and PostgreSQL. What the caller brings, the caller closes.
 */
export interface PlatformParts {
  bus?: Bus;
  /** Already migrated. */
  pool?: StoragePool;
  /**
   * The clock of the supervision module and the API (deadlines, escalation, scores, the 重点监管
   * list, sessions, handling stamps) — a test moves it; default `Date.now`. The gateway and the
   * detector keep the wall clock (device times are judged against it).
   */
  now?: () => number;
  /** Supervision settings over the embedded defaults (job intervals, deadline windows). */
  supervision?: Partial<SupervisionConfig>;
  /** Enforcement settings over the embedded defaults (job intervals: the tampering job's). */
  enforcement?: Partial<EnforcementConfig>;
}

export const startPlatform = async (config: StandaloneConfig, parts: PlatformParts = {}): Promise<RunningPlatform> => {
  const logger = createLogger('standalone');
  const metrics = new ServiceMetrics('standalone');
  const closers: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.error({ err: error }, 'error while stopping');
      }
    }
  };

  const now = parts.now ?? Date.now;
  try {
    const pool = parts.pool ?? (await startEmbeddedStorage(config, logger, closers));
    // Retention: what every consumer group committed is dropped, and a partition is capped
    // (32 MiB / 200,000 records), so the process runs for months (in-process.bus.ts).
    const bus = parts.bus ?? new InProcessBus({ defaultPartitions: TOPIC_PARTITIONS, logger: createLogger('bus', 'warn'), metrics });
    if (!parts.bus) closers.push(() => bus.close());
    await bus.ensureTopics(Object.values(TOPICS).map((topic: TopicName) => ({ topic, partitions: TOPIC_PARTITIONS })));

    // Driven terminals hold descriptors in this process (the gateway's side too): capped where they would run out.
    const fleet = createSimulatedFleet(config.SIM_DRIVE ? simulatedFleetSize(config.SIM_VEHICLES, logger).vehicles : config.SIM_VEHICLES);
    // The simulated station posts as the first configured WIM key (ST-DEMO-01 by default).
    await registerFleet(pool, fleet, logger, config.WIM_STATION_KEYS.split(',')[0]?.split('=')[0]);
    // 考核: the fleet as the 运政 list of this month and the last (a real import of a month wins), so the page scores something.
    const thisMonth = chinaMonthOf(now());
    const operatingMonths = await seedOperatingVehicles(
      pool,
      [previousMonth(thisMonth), thisMonth],
      fleet.map((v) => ({
        plate: v.facts.plate,
        plateColour: v.facts.plateColour,
        companyId: v.companyId,
        regionCode: v.facts.regionCode ?? '110000',
        vehicleClass: v.facts.vehicleClass,
        suspended: false,
      })),
      'system:demo-seed',
    );
    if (operatingMonths.length > 0) logger.info({ months: operatingMonths }, 'demo 运政 list seeded');
    // One registry for the whole process, read from the registry tables and reloaded (periodically and on every
    // registry.changes event an admin write through the API publishes): the gateway reads it by terminal, the detector by vehicle and plate, and
    // the speeding rule the demo corridors' posted limits (G4/G1 120, G6 100, G107 80, Beijing core 60) under the
    // speed zones administered in the database.
    const registry = await startDatabaseRegistry({
      db: pool,
      intervalMs: config.REGISTRY_REFRESH_MS,
      logger: createLogger('registry'),
      vehicles: true,
      speedZones: true,
      // 接驳运输 registrations (POST /v1/relays) exempt a bus from the 02:00–05:00 rule that night.
      relays: true,
      // Approved routes (issue #16): off-route episodes and 班线 stops.
      routes: true,
      // The drivers' shift roster (排班): fatigue per rostered driver when no IC card is read (RULES.md §13).
      roster: true,
      roadsFile: config.ROADS_GEOJSON_FILE,
      // Every registry write through the API (admin resources, relays) publishes on registry.changes: the
      // detector and gateway reload at once, as in cluster mode; the period stays as a safety net.
      changes: { bus, groupId: 'standalone-registry' },
    });
    closers.push(() => registry.close());
    const { vehicles, directory } = registry;
    if (!vehicles || !directory) throw new Error('the database registry was started without vehicles');
    const latestPositions = new MemoryLatestPositionStore();
    const archiver = await startArchiver({ bus, pool, latestPositions, logger: createLogger('archiver'), metrics });
    closers.push(() => archiver.close());
    const detector = await startDetector({
      bus,
      stateStore: new MemoryStateStore(),
      ...(registry.roads ? { roads: registry.roads } : {}),
      ...(registry.relays ? { relays: registry.relays } : {}),
      ...(registry.routes ? { routes: registry.routes } : {}),
      ...(registry.roster ? { roster: registry.roster } : {}),
      ...(registry.wimStationClasses ? { wimStationClasses: registry.wimStationClasses } : {}),
      vehicles: directory,
      logger: createLogger('detector'),
      metrics,
    });
    closers.push(() => detector.close());
    const gateway = await startGateway({
      bus,
      vehicles: { byTerminal: (terminalId) => vehicles.current.byTerminal(terminalId) },
      port: config.GATEWAY_PORT,
      host: '127.0.0.1',
      logger: createLogger('gateway-jt808'),
      metrics,
    });
    closers.push(() => gateway.close());
    // JT/T 809: company platforms log in and forward their vehicles (issue #17), judged like the 808 terminals' positions.
    const jt809Store = new LowerPlatformLinkRepository(pool);
    const jt809Gateway = await startJt809Gateway({
      bus,
      wire: jt809Wire,
      platforms: jt809Store,
      store: jt809Store,
      vehicles: { byPlate: (plate, colour) => vehicles.current.byPlate(plate, colour) },
      port: config.JT809_PORT,
      host: '127.0.0.1',
      logger: createLogger('gateway-jt809'),
      metrics,
    });
    closers.push(() => jt809Gateway.close());
    const stationKeys = StationKeys.parse(config.WIM_STATION_KEYS);
    const ingestWim = await startIngestWim({
      bus,
      seen: new MemorySeenSet(),
      stationKeys,
      stationKindOf: parseStationKinds(config.WIM_STATION_KINDS),
      logger: createLogger('ingest-wim'),
      metrics,
      httpPort: config.WIM_HTTP_PORT,
    });
    closers.push(() => ingestWim.close());
    // 一超四罚: a case per overload violation, on the same embedded database (one connection).
    const cases = await startCases({ bus, pool, logger: createLogger('cases'), metrics });
    closers.push(() => cases.close());
    // Supervision (RULES §9–§10): handling, delivery to companies, 查岗, scores, the 重点监管 list.
    // Company webhooks on this machine allowed: the embedded default is a demo and a test bed (DELIVERY_ALLOW_PRIVATE_TARGETS).
    const supervision = await startSupervision({
      bus,
      pool,
      logger: createLogger('supervision'),
      metrics,
      now,
      config: { DELIVERY_ALLOW_PRIVATE_TARGETS: true, ...parts.supervision },
    });
    closers.push(() => supervision.close());
    // Enforcement analyses (RULES §13–§14): 套牌, evasion, 大吨小标, traces a weighing starts.
    const enforcement = await startEnforcement({ bus, pool, logger: createLogger('enforcement'), metrics, now, config: { ...parts.enforcement } });
    closers.push(() => enforcement.close());

    const webDist = resolve(config.WEB_DIST_DIR);
    const api = await startApi({
      bus,
      pool,
      latestPositions,
      jwtSecret: config.JWT_SECRET ?? randomBytes(32).toString('hex'),
      port: config.API_PORT,
      logger: createLogger('api'),
      metrics,
      seedUsers: STANDALONE_USERS,
      deliveryAllowPrivateTargets: true,
      lowerPlatformsOnline: () => jt809Gateway.loggedIn(),
      now,
      ...(existsSync(join(webDist, 'index.html')) ? { staticDir: webDist } : {}),
    });
    closers.push(() => api.close());
    if (!existsSync(join(webDist, 'index.html'))) logger.warn({ webDist }, 'web app not built (npm run build -w web): the API runs without the map');

    const alertCounts: Record<string, number> = {};
    const seenAlerts = new Set<string>();
    const alertFeed = await bus.subscribe({
      groupId: 'standalone-alert-feed',
      topics: [TOPICS.alerts],
      handleBatch: async (batch) => {
        for (const { value: alert } of batch.messages as Array<{ value: AlertV1 }>) {
          if (seenAlerts.has(alert.alertId)) continue;
          seenAlerts.add(alert.alertId);
          alertCounts[alert.rule] = (alertCounts[alert.rule] ?? 0) + 1;
          logger.info({ vehicleId: alert.vehicleId, rule: alert.rule, alertLevel: alert.level, severity: alert.severity }, alert.summary);
        }
      },
    });
    closers.push(() => alertFeed.close());

    const ops: OpsServer = await startOpsServer({
      port: config.OPS_PORT,
      metrics,
      readiness: [
        { name: 'gateway', check: () => gateway.readiness().listening },
        { name: 'gateway-jt809', check: () => jt809Gateway.readiness().listening },
        ...archiver.readiness,
        // Every consumer of the process (detector, cases, API feeds too): none stuck with lag.
        { name: 'consumers', check: () => bus.stalledConsumers().length === 0 },
      ],
    });
    closers.push(() => ops.close());

    const [stationId, apiKey] = (config.WIM_STATION_KEYS.split(',')[0] ?? '').split('=');
    // The last SIM_JT809_VEHICLES of the fleet reach us through a simulated company platform over JT/T 809, the rest as 808 terminals.
    const forwardedCount = config.SIM_DRIVE ? Math.min(config.SIM_JT809_VEHICLES, Math.floor(fleet.length / 2)) : 0;
    const simulation =
      fleet.length > 0 && config.SIM_DRIVE && stationId && apiKey
        ? await startSimulation({
            fleet: fleet.slice(0, fleet.length - forwardedCount),
            gatewayPort: gateway.port,
            wimUrl: ingestWim.url,
            wimStation: { stationId, apiKey },
            reportIntervalMs: config.SIM_REPORT_INTERVAL_MS,
            wimIntervalMs: config.SIM_WIM_INTERVAL_MS,
            logger,
          })
        : undefined;
    if (simulation) closers.push(() => simulation.stop());
    const jt809Simulation =
      simulation && forwardedCount > 0
        ? await startJt809Simulation({
            pool,
            fleet: fleet.slice(fleet.length - forwardedCount),
            gatewayPort: jt809Gateway.port,
            reportIntervalMs: config.SIM_REPORT_INTERVAL_MS,
            logger,
          })
        : undefined;
    if (jt809Simulation) closers.push(() => jt809Simulation.stop());
    // Issue #15 on the map within minutes: the quarry truck's run and the cloned plate, beside the fleet.
    const fourParties =
      simulation && stationId
        ? await startFourPartiesSimulation({
            gatewayPort: gateway.port,
            wimUrl: ingestWim.url,
            stationKeys: new Map(config.WIM_STATION_KEYS.split(',').map((pair) => pair.split('=') as [string, string])),
            wimStationId: stationId,
            intervalMs: config.SIM_FOUR_PARTIES_INTERVAL_MS,
            logger,
          })
        : undefined;
    if (fourParties) closers.push(() => fourParties.stop());
    // Issue #16 on the map within minutes: the 班线 coach leaves its corridor (an off_route alert, the red stretch).
    const scheduledLine = simulation
      ? await startScheduledLineSimulation({ gatewayPort: gateway.port, intervalMs: config.SIM_OFF_ROUTE_INTERVAL_MS, logger })
      : undefined;
    if (scheduledLine) closers.push(() => scheduledLine.stop());

    logger.info(
      {
        map: api.url,
        signIn: STANDALONE_USERS.map((user) => `${user.username}/${user.password} (${user.role})`),
        gateway: `tcp://127.0.0.1:${gateway.port}`,
        jt809: `tcp://127.0.0.1:${jt809Gateway.port}`,
        wim: ingestWim.url,
        ops: `http://127.0.0.1:${ops.port}`,
        simulatedVehicles: fleet.length,
      },
      `roadwatch standalone is running — open ${api.url}`,
    );
    return {
      logger,
      gateway,
      jt809Gateway,
      jt809Simulation,
      detector,
      archiver,
      cases,
      ingestWim,
      api,
      simulation,
      fourParties,
      scheduledLine,
      ops,
      pool,
      registry,
      alertsByRule: () => ({ ...alertCounts }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};
