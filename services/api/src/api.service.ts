import { assessmentApi } from './assessment/assessment-api';
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { DEFAULT_REDIS_KEY_PREFIX, TOPICS } from '@roadwatch/contracts';
import { followRegistryChanges, InvalidMessageError, type Bus, type BusTopic, type OutgoingMessage, type Subscription } from '@roadwatch/messaging';
import { corsOptionsFor, isOriginAllowed, type Logger, type ServiceMetrics } from '@roadwatch/runtime';
import {
  AlertRepository,
  HandlingRepository,
  InspectionRepository,
  OutboxRelay,
  PositionRepository,
  RelayRepository,
  type StoragePool,
} from '@roadwatch/storage';
import { DEFAULT_PENALTY_CONFIG, type PenaltyConfig } from '@roadwatch/rules';
import { SourceTraceApi } from './source-trace/source-trace.api';
import { ManageSourceSiteKindsUseCase } from './registry/usecases/manage-source-site-kinds/manage-source-site-kinds.usecase';
import { CaseUnitOfWork, CloseCaseUseCase, DecideCaseUseCase, ReportCaseUseCase } from '@roadwatch/case-lifecycle';
import { DEFAULT_SIGN_IN_LIMITS, SignInThrottle, type SignInLimits } from './auth/sign-in-throttle';
import { AuditRepository } from '@roadwatch/storage';
import { DEFAULT_SESSION_BOUND_MS, Sessions } from './auth/sessions';
import { TokenService } from './auth/tokens';
import { UsersRepository, type NewUser } from './auth/users.repository';
import { createApiHttpApp } from './http/app.module';
import type { ApiContext } from './http/api-context';
import { openApiDocument } from './http/openapi';
import { LiveFeedServer } from './live/live-feed';
import { liveParser } from './live/live-parser';
import { VehicleOwnerCache } from './live/vehicle-owner-cache';
import { createKeySupervisionApi } from './key-supervision/key-supervision.api';
import { createTargetingApi } from './targeting/targeting.api';
import { createRoutesApi } from './routes/routes.api';
import { PermitsApi } from './permits/permits.api';
import { createTerminalGeofencesApi, followDownlinkResults } from './terminal-geofences/terminal-geofences.api';
import { createTamperingApi } from './tampering/tampering.api';
import { AcknowledgeAlertUseCase } from './alerts/usecases/acknowledge-alert/acknowledge-alert.usecase';
import { ViewHandlingItemUseCase } from './handling/usecases/view-handling-item/view-handling-item.usecase';
import { HandleAlertUseCase } from './handling/usecases/handle-alert/handle-alert.usecase';
import { AppealAlertUseCase } from './handling/usecases/appeal-alert/appeal-alert.usecase';
import { DecideAppealUseCase } from './handling/usecases/decide-appeal/decide-appeal.usecase';
import type { HandlingBroadcast } from './handling/handling-steps';
import { inspectionItemOf } from './inspection/inspection-item';
import { AnswerInspectionUseCase } from './inspection/usecases/answer-inspection/answer-inspection.usecase';
import { SendInspectionUseCase } from './inspection/usecases/send-inspection/send-inspection.usecase';
import { AlertsRepository } from './repositories/alerts.repository';
import { CasesRepository } from './repositories/cases.repository';
import { RegistryAdminRepository } from './repositories/registry-admin.repository';
import { RegistryUnitOfWork } from './registry/registry-unit-of-work';
import { registryWriteRepositories } from './registry/seed-registry';
import { DeleteRegistryRecordUseCase } from './registry/usecases/delete-registry-record/delete-registry-record.usecase';
import { DeleteRelayUseCase } from './registry/usecases/delete-relay/delete-relay.usecase';
import { RegisterRelayUseCase } from './registry/usecases/register-relay/register-relay.usecase';
import { SaveRegistryRecordUseCase } from './registry/usecases/save-registry-record/save-registry-record.usecase';
import { ReportsRepository } from './repositories/reports.repository';
import { SitesRepository } from './repositories/sites.repository';
import { VehiclesRepository, type LatestPositionsPort } from './repositories/vehicles.repository';
import { DeliveryReadModel, DeliverySettingsRepository } from '@roadwatch/storage';
import { DriverShiftRepository, RegistryRepository } from '@roadwatch/storage';
import { DeleteDeliveryRouteUseCase } from './delivery/usecases/delete-delivery-route/delete-delivery-route.usecase';
import { RotateDeliverySecretUseCase } from './delivery/usecases/rotate-delivery-secret/rotate-delivery-secret.usecase';
import { SaveDeliveryRouteUseCase } from './delivery/usecases/save-delivery-route/save-delivery-route.usecase';
import { lowerPlatformsApiOf } from './lower-platforms/lower-platforms-api';
import { SaveDriverShiftUseCase } from './roster/usecases/save-driver-shift/save-driver-shift.usecase';
import { DeleteDriverShiftUseCase } from './roster/usecases/delete-driver-shift/delete-driver-shift.usecase';
import { rosterChangesOf, type RosterChanges } from './roster/roster-changes';

export interface ApiOptions {
  bus: Bus;
  /** Already migrated by the storage layer (`migrate(pool)`), users and audit log included. */
  pool: StoragePool;
  /** The archiver's latest-position store (or a reader of it); without it, latest positions come from the positions table. */
  latestPositions?: LatestPositionsPort;
  jwtSecret: string;
  port: number;
  host?: string;
  /** socket.io Redis adapter (cluster mode: instances share rooms). None in standalone mode. */
  redisUrl?: string;
  /**
   * REDIS_KEY_PREFIX (default `roadwatch:`): the sign-in budgets (`<prefix>signin:…`) and the
   * socket.io adapter's channels, user changes included (`<prefix>socket.io#…`), live under it,
   * so two deployments (or tests) sharing one Redis never spend each other's budgets or end each
   * other's sessions.
   */
  redisKeyPrefix?: string;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Built web app to serve on the same origin. */
  staticDir?: string;
  /** Browser origins allowed cross-origin on REST and socket.io (`CORS_ORIGINS`); default none: same origin only. */
  allowedOrigins?: readonly string[];
  /** Reverse proxies in front of the API (`API_TRUST_PROXY_HOPS`): their X-Forwarded-For names the client. */
  trustProxyHops?: number;
  /** Sign-in attempt budgets; shared through `redisUrl` when given. Default 10 per user name, 50 per address, per 15 min. */
  signInLimits?: SignInLimits;
  /** Upserted at start (standalone demo users). */
  seedUsers?: readonly NewUser[];
  /**
   * The first admin of a cluster (`API_BOOTSTRAP_ADMIN`): created flagged must-change when the
   * user name is free; an existing user is left as it is (a restart never resets a password).
   */
  bootstrapAdmin?: { username: string; password: string };
  /** How soon a change to a user (disabled, deleted, re-scoped, password reset) ends their REST and socket sessions on every instance. Default 60 s. */
  sessionBoundMs?: number;
  /** Lifetime of a sign-in token. Default 12 h. */
  tokenTtlMs?: number;
  /** Live feed tick (positions batch period). Default 1 s. */
  tickMs?: number;
  /** Consumer group prefix; the instance id is appended (every instance reads every message). */
  liveGroupPrefix?: string;
  instanceId?: string;
  maxTrackPoints?: number;
  registryRefreshMs?: number;
  /**
   * The outbox relay's safety-net period (default 1 s): `registry.changes` rows a crashed
   * instance committed but did not publish go out at the next run. Every commit publishes at once.
   */
  outboxIntervalMs?: number;
  /** How often the listed 重点监管 vehicles are reloaded (alerts raised one step; default 30 s; a release reloads at once). */
  keySupervisionRefreshMs?: number;
  /** 一超四罚 figures and the 第44条 calendar (holidays); default RULES.md's. */
  penaltyConfig?: PenaltyConfig;
  now?: () => number;
  /**
   * Webhook targets on private, loopback or link-local addresses may be saved
   * (`DELIVERY_ALLOW_PRIVATE_TARGETS`; tests and the embedded default). Default false.
   */
  deliveryAllowPrivateTargets?: boolean;
  /** A position dated more than this after its receipt is future-dated: never a vehicle's latest (default 10 min, DEFAULT_CLOCK_SKEW_MS). */
  clockSkewMs?: number;
  /** The JT/T 809 lower platforms logged in now, when the gateway runs in this process (the embedded default). */
  lowerPlatformsOnline?: () => number[];
}

const deliveryApiOf = (pool: StoragePool, audit: AuditRepository, targets: { allowPrivateTargets: boolean }): ApiContext['delivery'] => {
  const settings = new DeliverySettingsRepository(pool);
  return {
    settings,
    reads: new DeliveryReadModel(pool),
    saveRoute: new SaveDeliveryRouteUseCase(settings, audit, targets),
    deleteRoute: new DeleteDeliveryRouteUseCase(settings, audit),
    rotateSecret: new RotateDeliverySecretUseCase(settings, audit),
  };
};

const rosterApiOf = (pool: StoragePool, audit: AuditRepository, changes: RosterChanges): ApiContext['roster'] => {
  const shifts = new DriverShiftRepository(pool);
  return {
    shifts,
    save: new SaveDriverShiftUseCase(shifts, new RegistryRepository(pool), audit, changes),
    delete: new DeleteDriverShiftUseCase(shifts, audit, changes),
  };
};

export interface RunningApi {
  url: string;
  instanceId: string;
  live: LiveFeedServer;
  close(): Promise<void>;
}

/**
 * services/api: REST (NestJS) and the socket.io `/live` namespace on one HTTP server.
 * The live feed subscribes to positions and alerts in a consumer group of its own
 * (`api-live-<instanceId>`, from the end): every instance needs every message to serve
 * its own sockets, so instances must NOT share a group.
 */
export const startApi = async (options: ApiOptions): Promise<RunningApi> => {
  const { pool, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const instanceId = options.instanceId ?? randomUUID().slice(0, 8);
  const audit = new AuditRepository(pool);
  const users = new UsersRepository(pool, audit);
  for (const user of options.seedUsers ?? []) await users.upsert(user);
  if (options.bootstrapAdmin) {
    const created = await users.bootstrap({ ...options.bootstrapAdmin, role: 'admin' });
    logger.info(
      { username: options.bootstrapAdmin.username, created },
      created ? 'bootstrap admin created; it must change its password at first sign-in' : 'bootstrap admin exists; left as it is',
    );
  }

  const tokens = new TokenService(options.jwtSecret, options.tokenTtlMs, now);
  const sessions = new Sessions(tokens, users, options.sessionBoundMs ?? DEFAULT_SESSION_BOUND_MS, now);
  const vehicles = new VehiclesRepository(pool, options.latestPositions, undefined, now, options.clockSkewMs);
  const owners = new VehicleOwnerCache(vehicles);
  await owners.refresh();

  // The gateway needs the HTTP server, the controllers need the gateway: a late-bound reference.
  const liveRef: { feed?: LiveFeedServer } = {};
  let refreshing: Promise<unknown> = Promise.resolve();
  const refreshOwners = (): void => {
    refreshing = refreshing.then(() => owners.refresh()).catch((error: Error) => logger.warn({ err: error.message }, 'vehicle owners refresh failed'));
  };
  // Registry writes leave as `registry.changes` through the outbox; this instance's relay publishes them.
  const outbox = OutboxRelay.start({
    pool,
    // The topic is an outbox row's; the bus checks it and the payload against the topic's schema.
    publish: (topic, messages) => options.bus.publish(topic as BusTopic, messages as OutgoingMessage[]),
    refusedIndex: (error) => (error instanceof InvalidMessageError ? error.index : undefined),
    logger,
    intervalMs: options.outboxIntervalMs ?? 1_000,
  });
  const registryWrites = new RegistryUnitOfWork(
    pool,
    (tx) => registryWriteRepositories(tx, now, options.clockSkewMs),
    now,
    () => outbox.kickSoon(),
  );
  // Case decisions, reports and closings commit with their cases.events outbox rows; the
  // response waits for the relay's publish, as it waited for the bus before.
  const caseWrites = new CaseUnitOfWork(pool, () => outbox.kick());
  const penaltyConfig = options.penaltyConfig ?? DEFAULT_PENALTY_CONFIG;
  // 重点监管: the listed vehicles in memory, so every alert served or pushed is raised one step without a query.
  const keySupervision = createKeySupervisionApi(pool, logger);
  await keySupervision.listedVehicles.start(options.keySupervisionRefreshMs ?? 30_000);
  const alerts = new AlertsRepository(pool, (vehicleId) => keySupervision.listedVehicles.has(vehicleId));
  // Its own connection: the socket.io adapter's subscriber cannot run commands.
  const throttleRedis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 3 }) : undefined;
  const redisKeyPrefix = options.redisKeyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
  const handling = new HandlingRepository(pool);
  const handlingBroadcast: HandlingBroadcast = (event, owner) => liveRef.feed?.broadcastHandling(event, owner);
  const inspections = new InspectionRepository(pool);
  // Live at once: the company's sockets hear the 查岗 as it is sent (a lower platform's 查岗 too, through the same use case).
  const sendInspection = new SendInspectionUseCase(inspections, (companyId, record) =>
    liveRef.feed?.broadcastInspection(companyId, inspectionItemOf(record, now())),
  );
  // Sends to terminals commit with their terminal.commands outbox row; the relay publishes it at once.
  const terminalGeofences = createTerminalGeofencesApi(pool, () => outbox.kickSoon());
  const ctx: ApiContext = {
    tokens,
    sessions,
    users,
    audit,
    onUserChanged: (username) => liveRef.feed?.userChanged(username),
    signIn: new SignInThrottle(options.signInLimits ?? DEFAULT_SIGN_IN_LIMITS, throttleRedis, `${redisKeyPrefix}signin`),
    vehicles,
    alerts,
    positions: new PositionRepository(pool),
    reports: new ReportsRepository(pool),
    sites: new SitesRepository(pool),
    cases: new CasesRepository(pool, penaltyConfig),
    caseCommands: {
      decide: new DecideCaseUseCase(caseWrites, penaltyConfig),
      report: new ReportCaseUseCase(caseWrites, penaltyConfig),
      close: new CloseCaseUseCase(caseWrites),
    },
    sourceTraces: new SourceTraceApi(pool, caseWrites, audit),
    sourceSiteKinds: new ManageSourceSiteKindsUseCase(pool),
    acknowledgeAlert: new AcknowledgeAlertUseCase(new AlertRepository(pool), alerts, (event, owner) => liveRef.feed?.broadcastAck(event, owner)),
    now,
    registryAdmin: new RegistryAdminRepository(pool),
    relays: new RelayRepository(pool),
    registryCommands: {
      saveRecord: new SaveRegistryRecordUseCase(registryWrites),
      deleteRecord: new DeleteRegistryRecordUseCase(registryWrites),
      registerRelay: new RegisterRelayUseCase(registryWrites, vehicles, now),
      deleteRelay: new DeleteRelayUseCase(registryWrites),
    },
    maxTrackPoints: options.maxTrackPoints ?? 2_000,
    openApi: openApiDocument,
    keySupervision,
    targeting: createTargetingApi(pool),
    routes: createRoutesApi(pool),
    permits: new PermitsApi(pool),
    terminalGeofences,
    tampering: createTamperingApi(pool),
    delivery: deliveryApiOf(pool, audit, { allowPrivateTargets: options.deliveryAllowPrivateTargets ?? false }),
    // A roster write is announced on registry.changes: the detectors reload the roster fatigue reads (RULES.md §13).
    roster: rosterApiOf(
      pool,
      audit,
      rosterChangesOf(now, () => outbox.kickSoon()),
    ),
    handling,
    handlingCommands: {
      view: new ViewHandlingItemUseCase(handling, handlingBroadcast),
      handle: new HandleAlertUseCase(handling, handlingBroadcast),
      appeal: new AppealAlertUseCase(handling, handlingBroadcast),
      decide: new DecideAppealUseCase(handling, handlingBroadcast),
    },
    assessment: assessmentApi(pool, audit, now),
    inspections,
    inspectionCommands: {
      // Live at once: the company's sockets hear the 查岗 as it is sent; the answer reaches whoever may see the company.
      send: sendInspection,
      answer: new AnswerInspectionUseCase(inspections, (record) => {
        const [recipient] = record.recipients;
        if (recipient)
          liveRef.feed?.broadcastInspectionAnswered(inspectionItemOf(record, now()), { companyId: recipient.companyId, regionCode: recipient.regionCode });
      }),
    },
    lowerPlatforms: lowerPlatformsApiOf(pool, audit, sendInspection, options.lowerPlatformsOnline),
  };

  const allowedOrigins = options.allowedOrigins ?? [];
  const app = await createApiHttpApp(ctx, { staticDir: options.staticDir, allowedOrigins, trustProxyHops: options.trustProxyHops, logger });
  await app.init();
  const httpServer = app.getHttpServer() as HttpServer;
  const io = new Server(httpServer, {
    ...(allowedOrigins.length > 0 ? { cors: corsOptionsFor(allowedOrigins) } : {}),
    // A page on another origin must not open the live feed with a token it got hold of: the
    // browser's Origin is checked on the handshake (CORS alone does not cover WebSocket).
    allowRequest: (request, callback) => callback(null, isOriginAllowed(request.headers.origin, request.headers.host, allowedOrigins)),
    serveClient: false,
    parser: liveParser,
  });
  const redis: Redis[] = [];
  if (options.redisUrl) {
    const pub = new Redis(options.redisUrl, { maxRetriesPerRequest: 3 });
    const sub = pub.duplicate();
    redis.push(pub, sub);
    io.adapter(createAdapter(pub, sub, { key: `${redisKeyPrefix}socket.io` }));
  }
  const live = new LiveFeedServer({
    io,
    sessions,
    clustered: options.redisUrl !== undefined,
    owners,
    logger,
    metrics,
    tickMs: options.tickMs ?? 1_000,
    now,
    ...(options.clockSkewMs !== undefined ? { clockSkewMs: options.clockSkewMs } : {}),
    ...(options.latestPositions ? { latestPositions: options.latestPositions } : {}),
    isKeySupervised: (vehicleId) => keySupervision.listedVehicles.has(vehicleId),
  });
  liveRef.feed = live;
  if (options.latestPositions) live.seed(await options.latestPositions.all());

  const groupId = `${options.liveGroupPrefix ?? 'api-live'}-${instanceId}`;
  const gateway = live;
  const subscription: Subscription = await options.bus.subscribe({
    groupId,
    topics: [TOPICS.positions, TOPICS.alerts, TOPICS.handlingChanges],
    fromBeginning: false,
    // With a store to catch up from, no positions are fetched at all until a client subscribes.
    ...(options.latestPositions ? { paused: [TOPICS.positions] } : {}),
    // Positions of vehicles no connected client may watch are skipped unparsed (the key is the vehicle id).
    wants: ({ topic, key }) => topic !== TOPICS.positions || gateway.wantsPositionOf(key),
    handleBatch: async (batch) => {
      if (batch.topic === TOPICS.positions) gateway.onPositions(batch.messages.map((m) => m.value));
      else if (batch.topic === TOPICS.alerts) for (const m of batch.messages) gateway.onAlert(m.value);
      else if (batch.topic === TOPICS.handlingChanges) for (const m of batch.messages) gateway.onHandlingChange(m.value);
    },
  });
  if (options.latestPositions)
    gateway.followPositions({
      pause: () => subscription.pause([TOPICS.positions]),
      resumeFromLatest: () => subscription.resumeFromLatest([TOPICS.positions]),
    });
  // The live feed's owners follow the registry at once (every instance: its own group), the period as a safety net.
  const registryChanges = await followRegistryChanges(options.bus, {
    groupId: `${options.liveGroupPrefix ?? 'api-live'}-registry-${instanceId}`,
    apply: async (changes) => {
      if (changes.some((change) => change.entity === 'company' || change.entity === 'vehicle')) {
        refreshOwners();
        await refreshing;
      }
    },
  });
  // The outcome of sends to terminals: one group for every instance, so each result is recorded once.
  const downlinkResults = await followDownlinkResults(options.bus, terminalGeofences.downlinks, `${options.liveGroupPrefix ?? 'api'}-terminal-downlinks`);
  refreshOwners();
  const refreshTimer = setInterval(refreshOwners, options.registryRefreshMs ?? 30_000);
  refreshTimer.unref();

  await app.listen(options.port, options.host ?? '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url, instanceId, groupId, adapter: options.redisUrl ? 'redis' : 'none' }, 'api listening');
  return {
    url,
    instanceId,
    live,
    close: async () => {
      clearInterval(refreshTimer);
      await keySupervision.listedVehicles.close();
      await outbox.close();
      await registryChanges.close();
      await downlinkResults.close();
      await subscription.close();
      gateway.close();
      // socket.io's promise settles before the HTTP server has closed; its callback waits for that.
      await new Promise<void>((resolve, reject) => {
        io.close(() => resolve()).catch(reject);
      });
      await app.close().catch(() => undefined);
      await refreshing;
      for (const r of redis) r.disconnect();
      throttleRedis?.disconnect();
    },
  };
};
