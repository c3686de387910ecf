import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import { Redis } from 'ioredis';
import {
  deadLetterTopicOf,
  LIVE_EVENTS,
  TOPICS,
  type AlertAckEvent,
  type AlertItem,
  type DeadLetterV1,
  type LiveSubscribeAck,
  type PositionsBatch,
} from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { ServiceMetrics } from '@roadwatch/runtime';
import { encodeLatestPosition, latestPositionKeys, type StoragePool } from '@roadwatch/storage';
import { aPosition, uniqueName } from '@roadwatch/testing';
import { startApi, type RunningApi } from '../src/index';
import { RedisLatestPositionsReader } from '../src/redis-latest-positions';
import { alert, connectLive, dropSchema, env, get, insertAlert, JWT_SECRET, login, logger, NOW, post, seededPool, USERS, VEHICLES } from './support';

const WHOLE_MAP = { west: -180, south: -90, east: 180, north: 90 };

interface Received {
  positions: PositionsBatch[];
  alerts: AlertItem[];
  acks: AlertAckEvent[];
}

const record = (socket: Socket): Received => {
  const r: Received = { positions: [], alerts: [], acks: [] };
  socket.on(LIVE_EVENTS.positions, (b: PositionsBatch) => r.positions.push(b));
  socket.on(LIVE_EVENTS.alert, (a: AlertItem) => r.alerts.push(a));
  socket.on(LIVE_EVENTS.alertAck, (a: AlertAckEvent) => r.acks.push(a));
  return r;
};

const subscribe = (socket: Socket, payload: unknown): Promise<LiveSubscribeAck> =>
  new Promise((resolve) => socket.emit(LIVE_EVENTS.subscribe, payload, resolve));

const vehiclesIn = (r: Received): string[] => [...new Set(r.positions.flatMap((b) => b.positions.map((p) => p.vehicleId)))].sort();

/**
 * Two API instances on one bus (each in its own consumer group, as in production) sharing
 * socket.io rooms through real Redis. The in-process bus stands in for Kafka: the group
 * semantics are the same, and the subject here is the fan-out, not the broker.
 */
describe('api live feed: socket.io /live with the Redis adapter, two instances', () => {
  const schema = uniqueName('api_live').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let a: RunningApi;
  let b: RunningApi;
  const sockets: Socket[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    pool = await seededPool(schema);
    await bus.ensureTopics([
      { topic: TOPICS.positions, partitions: 4 },
      { topic: TOPICS.alerts, partitions: 4 },
    ]);
    const common = {
      bus,
      pool,
      jwtSecret: JWT_SECRET,
      port: 0,
      logger,
      redisUrl: env.redisUrl,
      redisKeyPrefix: `${schema}:`,
      tickMs: 200,
      liveGroupPrefix: schema,
    };
    a = await startApi({ ...common, instanceId: 'a', metrics: new ServiceMetrics('api-a', { defaultMetrics: false }), seedUsers: USERS });
    b = await startApi({ ...common, instanceId: 'b', metrics: new ServiceMetrics('api-b', { defaultMetrics: false }) });
    for (const u of USERS) tokens[u.username] = await login(a.url, u.username, u.password);
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await a?.close();
    await b?.close();
    await bus.close();
    if (pool) await dropSchema(pool, schema);
  });

  const open = async (api: RunningApi, user: string): Promise<{ socket: Socket; got: Received }> => {
    const socket = await connectLive(api.url, tokens[user] as string);
    sockets.push(socket);
    return { socket, got: record(socket) };
  };

  it('refuses a handshake without a valid token', async () => {
    await expect(connectLive(a.url, 'not-a-token')).rejects.toThrow(/unauthenticated/);
    await expect(connectLive(a.url, tokens['enf'] as string)).rejects.toThrow(/forbidden/);
  });

  it('a company user receives only its own vehicles and alerts, whatever it subscribes to; positions come batched per tick', async () => {
    const c1 = await open(a, 'c1');
    const admin = await open(a, 'admin');
    expect(await subscribe(c1.socket, { viewport: WHOLE_MAP })).toEqual({ ok: true });
    expect(await subscribe(admin.socket, { viewport: WHOLE_MAP })).toEqual({ ok: true });
    // Another company is "not found", and subscribing to it receives nothing.
    const c1b = await open(b, 'c1');
    expect(await subscribe(c1b.socket, { companyId: 'C2' })).toEqual({ ok: false, error: 'companyId: company C2 not found' });
    expect((await subscribe(c1b.socket, {})).ok).toBe(false);

    // Three reports per vehicle within one tick: one batch, the newest position per vehicle.
    const t = NOW;
    for (let i = 0; i < 3; i += 1) {
      await bus.publish(
        TOPICS.positions,
        VEHICLES.map((v) => ({
          key: v.id,
          value: aPosition({
            vehicleId: v.id,
            deviceTimeMs: t + i * 10,
            receivedAtMs: t + i * 10 + 200,
            latitudeDeg: v.lat + i * 1e-4,
            longitudeDeg: v.lon,
            altitudeM: 10,
            plate: undefined,
            plateColour: undefined,
          }),
        })),
      );
    }
    await vi.waitUntil(() => vehiclesIn(admin.got).length === 3, { timeout: 10_000, interval: 25 });
    await new Promise((r) => setTimeout(r, 500));
    expect(vehiclesIn(c1.got)).toEqual(['V1']);
    // The plate (from the registry) arrives as written, whatever escaping the batch used on the wire.
    expect(c1.got.positions.flatMap((x) => x.positions)).toEqual([
      expect.objectContaining({ vehicleId: 'V1', deviceTimeMs: t + 20, companyId: 'C1', plate: '粤A10001' }),
    ]);
    // Nine reports, at most two events (the publishes may straddle a tick), one entry per vehicle per event.
    expect(admin.got.positions.length).toBeLessThanOrEqual(2);
    for (const batch of admin.got.positions) expect(new Set(batch.positions.map((p) => p.vehicleId)).size).toBe(batch.positions.length);
    expect(admin.got.positions.at(-1)?.positions.find((p) => p.vehicleId === 'V3')?.deviceTimeMs).toBe(t + 20);
    expect(c1b.got.positions).toEqual([]);

    for (const v of VEHICLES) await bus.publish(TOPICS.alerts, [{ key: v.id, value: alert(`L-${v.id}`, v.id, t) }]);
    // 百吨王 travels as a field, from the overload rule's details.
    const bdw = {
      ...alert('L-BDW', 'V1', t),
      rule: 'overload' as const,
      severity: 'critical' as const,
      summary: '超限 60%',
      summaryEn: 'overload 60%',
      details: { isBaiDunWang: true },
    };
    await bus.publish(TOPICS.alerts, [{ key: 'V1', value: bdw }]);
    await vi.waitUntil(() => admin.got.alerts.length === 4, { timeout: 10_000, interval: 25 });
    await new Promise((r) => setTimeout(r, 300));
    expect(admin.got.alerts.map((x) => [x.alertId, x.isBaiDunWang])).toEqual(
      expect.arrayContaining([
        ['L-V1', false],
        ['L-BDW', true],
      ]),
    );
    // The English summary travels beside the Chinese one.
    expect(admin.got.alerts.find((x) => x.alertId === 'L-BDW')).toMatchObject({ summary: '超限 60%', summaryEn: 'overload 60%' });
    expect(c1.got.alerts.map((x) => x.alertId)).toEqual(['L-V1', 'L-BDW']);
    expect(c1b.got.alerts).toEqual([]);
  });

  it('operators are scoped by region; a viewport narrows to what is inside it', async () => {
    const op = await open(b, 'op-gz');
    const shenzhen = await open(b, 'admin');
    expect(await subscribe(op.socket, { viewport: WHOLE_MAP })).toEqual({ ok: true });
    expect(await subscribe(shenzhen.socket, { viewport: { west: 113.7, south: 22.4, east: 114.6, north: 22.9 } })).toEqual({ ok: true });
    // The subscription snapshot holds the last known positions in scope.
    await vi.waitUntil(() => op.got.positions.length > 0 && shenzhen.got.positions.length > 0, { timeout: 10_000, interval: 25 });
    expect(vehiclesIn(op.got)).toEqual(['V1']);
    expect(vehiclesIn(shenzhen.got)).toEqual(['V2']);
    op.got.positions.length = 0;
    await bus.publish(
      TOPICS.positions,
      VEHICLES.map((v) => ({
        key: v.id,
        value: aPosition({
          vehicleId: v.id,
          deviceTimeMs: NOW + 5_000,
          receivedAtMs: NOW + 5_000 + 200,
          latitudeDeg: v.lat,
          longitudeDeg: v.lon,
          altitudeM: 10,
          plate: undefined,
          plateColour: undefined,
        }),
      })),
    );
    await vi.waitUntil(() => op.got.positions.length > 0, { timeout: 10_000, interval: 25 });
    await new Promise((r) => setTimeout(r, 400));
    expect(vehiclesIn(op.got)).toEqual(['V1']);
  });

  it('every instance delivers a consumed alert to its own sockets exactly once; an acknowledgement made on B reaches sockets on A through Redis', async () => {
    const onA = await open(a, 'op-gz');
    const onB = await open(b, 'op-gz');
    const c2OnA = await open(a, 'c2');
    for (const s of [onA, onB, c2OnA]) expect(await subscribe(s.socket, { viewport: WHOLE_MAP })).toEqual({ ok: true });

    const x = alert('X-V1', 'V1', NOW + 10_000);
    await insertAlert(pool, x); // what the archiver would have stored
    await bus.publish(TOPICS.alerts, [{ key: 'V1', value: x }]);
    await vi.waitUntil(() => onA.got.alerts.length > 0 && onB.got.alerts.length > 0, { timeout: 10_000, interval: 25 });
    await new Promise((r) => setTimeout(r, 300));
    expect(onA.got.alerts.map((y) => y.alertId)).toEqual(['X-V1']);
    expect(onB.got.alerts.map((y) => y.alertId)).toEqual(['X-V1']);

    const acked = await post(b.url, '/v1/alerts/X-V1/ack', { comment: '已处理' }, tokens['op-gz']);
    expect(acked.status).toBe(200);
    await vi.waitUntil(() => onA.got.acks.length > 0 && onB.got.acks.length > 0, { timeout: 10_000, interval: 25 });
    await new Promise((r) => setTimeout(r, 300));
    expect(onA.got.acks).toEqual([{ alertId: 'X-V1', vehicleId: 'V1', ack: expect.objectContaining({ byUsername: 'op-gz', comment: '已处理' }) }]);
    expect(onB.got.acks).toHaveLength(1);
    // Another company's socket on A hears neither the alert nor its acknowledgement.
    expect(c2OnA.got.alerts).toEqual([]);
    expect(c2OnA.got.acks).toEqual([]);
  });
});

/**
 * Issue #13: with no client connected the API parses no position; with clients, only the
 * positions of vehicles some client's filter may admit. One instance, the archiver's
 * latest-position hash on the real Redis (written here as the archiver writes it).
 */
describe('api live feed: decodes only what connected clients watch', () => {
  const schema = uniqueName('api_live_watch').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  const prefix = `test:api-live:${randomUUID()}:`;
  const redis = new Redis(env.redisUrl);
  const latest = RedisLatestPositionsReader.connect(env.redisUrl, prefix);
  const metrics = new ServiceMetrics('api-watch', { defaultMetrics: false });
  const sockets: Socket[] = [];
  const letters: DeadLetterV1[] = [];
  let pool: StoragePool;
  let api: RunningApi;
  let token: string;

  const handled = async (handling: 'decoded' | 'skipped'): Promise<number> =>
    ((await metrics.registry.getSingleMetric('roadwatch_live_position_records_total')?.get())?.values ?? [])
      .filter((v) => v.labels['handling'] === handling)
      .reduce((sum, v) => sum + v.value, 0);
  beforeAll(async () => {
    pool = await seededPool(schema);
    await bus.ensureTopics([
      { topic: TOPICS.positions, partitions: 4 },
      { topic: TOPICS.alerts, partitions: 4 },
    ]);
    await bus.subscribe({
      groupId: 'dlq-reader',
      topics: [deadLetterTopicOf(TOPICS.positions) as `${typeof TOPICS.positions}.dlq`],
      fromBeginning: true,
      handleBatch: async (batch) => void letters.push(...batch.messages.map((m) => m.value)),
    });
    api = await startApi({
      bus,
      pool,
      jwtSecret: JWT_SECRET,
      port: 0,
      logger,
      tickMs: 100,
      liveGroupPrefix: schema,
      instanceId: 'w',
      metrics,
      seedUsers: USERS,
      latestPositions: latest,
    });
    token = await login(api.url, 'c1', 'c1-pw');
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await api?.close();
    await bus.close();
    latest.close();
    await redis.del(latestPositionKeys(prefix).position, latestPositionKeys(prefix).time);
    redis.disconnect();
    if (pool) await dropSchema(pool, schema);
  });

  it('parses nothing with no client connected; a client watching V1 gets V1 (its snapshot from the store) and never V2, and only V1 is parsed', async () => {
    const t = NOW - 60_000;
    // Nobody connected: 30 reports and a record that is not even JSON, all skipped unparsed (no dead letter).
    for (let i = 0; i < 10; i += 1) {
      await bus.publish(
        TOPICS.positions,
        VEHICLES.map((v) => ({
          key: v.id,
          value: aPosition({
            vehicleId: v.id,
            deviceTimeMs: t + i * 1_000,
            receivedAtMs: t + i * 1_000 + 200,
            latitudeDeg: v.lat,
            longitudeDeg: v.lon,
            altitudeM: 10,
            plate: undefined,
            plateColour: undefined,
          }),
        })),
      );
    }
    await bus.publishRaw(TOPICS.positions, [{ key: 'V2', value: Buffer.from('{"v":1,"vehicleId":') }]);
    await vi.waitUntil(async () => (await handled('skipped')) === 31, { timeout: 10_000, interval: 25 });
    expect(await handled('decoded')).toBe(0);
    expect(letters).toEqual([]);

    // Meanwhile the archiver stored V1's newest report; the new subscriber's snapshot has it.
    const v1 = VEHICLES[0]!;
    await redis.hset(
      latestPositionKeys(prefix).position,
      'V1',
      encodeLatestPosition(
        aPosition({
          vehicleId: 'V1',
          deviceTimeMs: t + 9_000,
          receivedAtMs: t + 9_000 + 200,
          latitudeDeg: v1.lat,
          longitudeDeg: v1.lon,
          altitudeM: 10,
          plate: undefined,
          plateColour: undefined,
        }),
      ),
    );
    // The vehicle list reads the same store (one HMGET for the page).
    const list = await get(api.url, '/v1/vehicles', token);
    expect(list.body.items).toEqual([expect.objectContaining({ vehicleId: 'V1', latest: expect.objectContaining({ deviceTimeMs: t + 9_000 }) })]);
    const socket = await connectLive(api.url, token);
    sockets.push(socket);
    const got = record(socket);
    expect(await subscribe(socket, { companyId: 'C1' })).toEqual({ ok: true });
    await vi.waitUntil(() => got.positions.length >= 1, { timeout: 10_000, interval: 25 });
    expect(got.positions[0]!.positions).toEqual([expect.objectContaining({ vehicleId: 'V1', deviceTimeMs: t + 9_000, companyId: 'C1' })]);

    // Now V1 is watched (company C1) and V2, V3 are not: only V1's reports are parsed and delivered.
    for (const v of VEHICLES)
      await bus.publish(TOPICS.positions, [
        {
          key: v.id,
          value: aPosition({
            vehicleId: v.id,
            deviceTimeMs: t + 20_000,
            receivedAtMs: t + 20_000 + 200,
            latitudeDeg: v.lat,
            longitudeDeg: v.lon,
            altitudeM: 10,
            plate: undefined,
            plateColour: undefined,
          }),
        },
      ]);
    await bus.publishRaw(TOPICS.positions, [{ key: 'V1', value: Buffer.from('not json') }]);
    await vi.waitUntil(async () => (await handled('skipped')) === 33 && letters.length === 1, { timeout: 10_000, interval: 25 });
    await vi.waitUntil(() => got.positions.flatMap((b) => b.positions).some((p) => p.deviceTimeMs === t + 20_000), { timeout: 10_000, interval: 25 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await handled('decoded')).toBe(1);
    expect(letters.map((l) => [l.key, l.payload])).toEqual([['V1', 'not json']]);
    expect(vehiclesIn(got)).toEqual(['V1']);
    expect(got.positions.flatMap((b) => b.positions).map((p) => p.deviceTimeMs)).toEqual([t + 9_000, t + 20_000]);

    // The client leaves: nothing is parsed again.
    socket.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    await bus.publish(TOPICS.positions, [
      {
        key: 'V1',
        value: aPosition({
          vehicleId: 'V1',
          deviceTimeMs: t + 30_000,
          receivedAtMs: t + 30_000 + 200,
          latitudeDeg: v1.lat,
          longitudeDeg: v1.lon,
          altitudeM: 10,
          plate: undefined,
          plateColour: undefined,
        }),
      },
    ]);
    await vi.waitUntil(async () => (await handled('skipped')) === 34, { timeout: 10_000, interval: 25 });
    expect(await handled('decoded')).toBe(1);
  });
});
