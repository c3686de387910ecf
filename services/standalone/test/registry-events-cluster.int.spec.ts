import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deadLetterTopicOf, TOPICS, type DeadLetterV1 } from '@roadwatch/contracts';
import { chinaDateOf } from '@roadwatch/domain';
import { KafkaBus } from '@roadwatch/messaging';
import { limitAt } from '@roadwatch/rules';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, loadVehicleRegistry, migrate, RegistryRepository } from '@roadwatch/storage';
import { infraEnv, uniqueName } from '@roadwatch/testing';
import { startApi, type RunningApi } from '@roadwatch/api';
import { startDatabaseRegistry, type DatabaseRegistry } from '@roadwatch/detector';
import { startVehicleRegistry } from '@roadwatch/gateway-jt808';

const HOUR_MS = 3_600_000;

/**
 * Issue #12 item 5 in cluster mode: the API, a detector and a gateway, each its own process
 * in production (here its own Kafka client and consumer group), on real Kafka and PostgreSQL,
 * with their registry poll at an hour. An admin write over HTTP reaches the detector and the
 * gateway through `registry.changes` alone.
 */
describe('registry changes reach a detector and a gateway in cluster mode (real Kafka, no poll)', () => {
  const env = infraEnv();
  const logger = createLogger('registry-events-cluster', 'warn');
  const name = uniqueName('registry_cluster');
  const schema = name.replace(/[^a-z0-9_]/g, '_');
  const consumer = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 200 };
  const kafka = (clientId: string) =>
    new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: `${name}-${clientId}`, topicPrefix: `${name}.`, groupPrefix: `${name}.`, logger, consumer });
  const apiBus = kafka('api');
  const detectorBus = kafka('detector');
  const gatewayBus = kafka('gateway');
  const pool = createPool(env.databaseUrl, { schema, max: 6, application: 'registry-events-cluster' });
  let api: RunningApi;
  let detector: DatabaseRegistry;
  let gateway: Awaited<ReturnType<typeof startVehicleRegistry>>;
  let token: string;

  const admin = async (method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<number> => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return response.status;
  };

  beforeAll(async () => {
    await migrate(pool);
    await new RegistryRepository(pool).upsertCompany({ companyId: 'HB1', name: '河北某运输有限公司', regionCode: '130102' });
    await apiBus.ensureTopics(
      [TOPICS.positions, TOPICS.alerts, TOPICS.registryChanges, TOPICS.handlingChanges, TOPICS.commandResults].map((topic) => ({ topic, partitions: 3 })),
    );
    api = await startApi({
      bus: apiBus,
      pool,
      jwtSecret: 'cluster-test-secret-0123456789',
      port: 0,
      logger,
      metrics: new ServiceMetrics('registry-events-cluster', { defaultMetrics: false }),
      seedUsers: [{ username: 'admin', password: 'admin-pw', role: 'admin' }],
      registryRefreshMs: HOUR_MS,
      liveGroupPrefix: `${name}-api`,
    });
    detector = await startDatabaseRegistry({
      db: pool,
      intervalMs: HOUR_MS,
      logger,
      vehicles: true,
      speedZones: true,
      relays: true,
      roadsFile: 'libs/rules/data/sample-roads.geojson',
      changes: { bus: detectorBus, groupId: `${name}-detector-registry-1` },
    });
    gateway = await startVehicleRegistry({
      load: () => loadVehicleRegistry(pool),
      intervalMs: HOUR_MS,
      logger,
      changes: { bus: gatewayBus, groupId: `${name}-gateway-registry-1` },
    });
    const login = await fetch(`${api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin-pw' }),
    });
    token = ((await login.json()) as { token: string }).token;
    // A new group starts at the end once its partitions are assigned: until then a change may
    // pass it by. Write one and repeat it until both members have applied it — they consume now.
    const warmUp = () => admin('PUT', '/v1/admin/companies/HB1', { companyId: 'HB1', name: '河北某运输有限公司', regionCode: '130102' });
    expect(
      await admin('POST', '/v1/admin/vehicles', { vehicleId: 'WARM:2', plate: '冀A00000', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'HB1' }),
    ).toBe(201);
    let lastNudgeMs = Date.now();
    await vi.waitUntil(
      async () => {
        if (detector.directory?.byVehicleId('WARM:2') !== undefined && gateway.current.byVehicleId('WARM:2') !== undefined) return true;
        // Repeat the write every 2 s until both members have applied it.
        if (Date.now() - lastNudgeMs > 2_000) {
          lastNudgeMs = Date.now();
          await warmUp();
        }
        return false;
      },
      { timeout: 60_000, message: 'both members consuming' },
    );
  }, 90_000);

  afterAll(async () => {
    await gateway?.close();
    await detector?.close();
    await api?.close();
    for (const bus of [gatewayBus, detectorBus, apiBus]) await bus.close();
    await dropStorageSchema(pool, schema).catch(() => undefined);
    await pool.end();
  });

  it('a vehicle and its terminal written over HTTP are known to the detector and the gateway at once', async () => {
    expect(gateway.current.byTerminal('013900000777')).toBeUndefined();
    expect(
      await admin('POST', '/v1/admin/vehicles', { vehicleId: '冀A77777:2', plate: '冀A77777', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'HB1' }),
    ).toBe(201);
    expect(await admin('POST', '/v1/admin/terminals', { terminalId: '13900000777', vehicleId: '冀A77777:2' })).toBe(201);
    await vi.waitUntil(() => gateway.current.byTerminal('013900000777') !== undefined, { timeout: 30_000, message: "the terminal in the gateway's registry" });
    await vi.waitUntil(() => detector.vehicles?.current.byTerminal('13900000777') !== undefined, {
      timeout: 30_000,
      message: "the terminal in the detector's registry",
    });
    expect(detector.directory?.byPlate('冀A77777', 2)).toMatchObject({ vehicleId: '冀A77777:2', vehicleClass: 'heavy_truck', companyId: 'HB1' });

    // A move to another vehicle and a deletion travel the same way.
    expect(await admin('DELETE', '/v1/admin/terminals/013900000777')).toBe(204);
    await vi.waitUntil(() => gateway.current.byTerminal('13900000777') === undefined, {
      timeout: 30_000,
      message: 'the deleted terminal gone from the gateway',
    });
    await vi.waitUntil(() => detector.vehicles?.current.byTerminal('13900000777') === undefined, {
      timeout: 30_000,
      message: 'the deleted terminal gone from the detector',
    });
  });

  it('a speed zone and a 接驳运输 relay written over HTTP reach the detector at once', async () => {
    const zone = {
      segmentId: 'HB-TEST-RD',
      name: '测试路',
      roadClass: 'urban',
      postedLimitKmh: 40,
      polyline: [
        [114.5, 38.04],
        [114.56, 38.04],
      ],
    };
    expect(limitAt(detector.roads!(), 38.04, 114.53).segmentId).toBe('unmatched');
    expect(await admin('POST', '/v1/admin/speed-zones', zone)).toBe(201);
    await vi.waitUntil(() => limitAt(detector.roads!(), 38.04, 114.53).segmentId === zone.segmentId, {
      timeout: 30_000,
      message: "the zone in the detector's road index",
    });

    expect(
      await admin('POST', '/v1/admin/vehicles', {
        vehicleId: '冀A55555:1',
        plate: '冀A55555',
        plateColour: 1,
        vehicleClass: 'long_distance_bus',
        companyId: 'HB1',
        routeKm: 600,
      }),
    ).toBe(201);
    const tonight = chinaDateOf(Date.now());
    expect(
      await admin('POST', '/v1/relays', {
        vehicleId: '冀A55555:1',
        nightDate: tonight,
        relayPoint: '石家庄服务区',
        handingOverDriver: '张三',
        takingOverDriver: '李四',
      }),
    ).toBe(201);
    await vi.waitUntil(() => detector.relays?.('冀A55555:1', tonight) !== undefined, { timeout: 30_000, message: "the relay in the detector's registry" });
  });

  it('junk on registry.changes (bytes that are not UTF-8, a NUL in the id, an unknown entity) is dead-lettered with its reason; the next admin write still reaches both', async () => {
    const deadLetters: DeadLetterV1[] = [];
    await apiBus.subscribe({
      groupId: `${name}-dlq-observer`,
      topics: [deadLetterTopicOf(TOPICS.registryChanges) as typeof TOPICS.registryChanges],
      fromBeginning: true,
      handleBatch: async (batch) => void deadLetters.push(...batch.messages.map((m) => m.value as unknown as DeadLetterV1)),
    });
    const change = { v: 1, entity: 'vehicle', id: 'V1', change: 'upsert', revision: 1, changedAtMs: 0 };
    await apiBus.publishRaw(TOPICS.registryChanges, [
      { key: 'vehicle:bytes', value: Buffer.from([0xff, 0xfe, 0x7b]) },
      { key: 'vehicle:nul', value: Buffer.from(JSON.stringify({ ...change, id: 'V\u00001' })) },
      { key: 'user:U1', value: Buffer.from(JSON.stringify({ ...change, entity: 'user' })) },
    ]);
    expect(
      await admin('POST', '/v1/admin/vehicles', { vehicleId: '冀A66666:2', plate: '冀A66666', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'HB1' }),
    ).toBe(201);
    await vi.waitUntil(() => detector.directory?.byVehicleId('冀A66666:2') !== undefined && gateway.current.byVehicleId('冀A66666:2') !== undefined, {
      timeout: 30_000,
      message: 'the vehicle after the junk in both registries',
    });
    // Every group that met the junk dead-lettered it, naming why.
    await vi.waitUntil(() => ['vehicle:bytes', 'vehicle:nul', 'user:U1'].every((key) => deadLetters.some((letter) => letter.key === key)), {
      timeout: 30_000,
      message: 'the dead letters',
    });
    expect(deadLetters.find((letter) => letter.key === 'vehicle:bytes')?.reason).toMatch(/UTF-8/);
    expect(deadLetters.find((letter) => letter.key === 'vehicle:nul')?.reason).toMatch(/id/);
    expect(deadLetters.find((letter) => letter.key === 'user:U1')?.reason).toMatch(/entity/);
  });
});
