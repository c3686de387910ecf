import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { LIVE_EVENTS, TOPICS, type LiveSubscribeAck, type PositionsBatch, type PositionV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { ServiceMetrics } from '@roadwatch/runtime';
import { encodeLatestPosition, latestPositionKeys, type StoragePool } from '@roadwatch/storage';
import { aPosition, uniqueName } from '@roadwatch/testing';
import { startApi, type RunningApi } from '../src/index';
import { RedisLatestPositionsReader } from '../src/redis-latest-positions';
import { connectLive, dropSchema, env, JWT_SECRET, login, logger, NOW, seededPool, USERS, VEHICLES } from './support';

const WHOLE_MAP = { west: -180, south: -90, east: 180, north: 90 };
const TICK_MS = 100;

const subscribe = (socket: Socket, payload: unknown): Promise<LiveSubscribeAck> =>
  new Promise((resolve) => socket.emit(LIVE_EVENTS.subscribe, payload, resolve));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A report of one of the test vehicles at `deviceTimeMs` (received 200 ms later). */
const report = (vehicleId: string, deviceTimeMs: number, receivedAtMs = deviceTimeMs + 200): PositionV1 => {
  const v = VEHICLES.find((candidate) => candidate.id === vehicleId)!;
  return aPosition({ vehicleId, deviceTimeMs, receivedAtMs, latitudeDeg: v.lat, longitudeDeg: v.lon, altitudeM: 10, plate: undefined, plateColour: undefined });
};

/**
 * The API's live feed on the real broker: with no client connected its positions consumer is
 * paused, so Kafka serves it nothing (issue #13: the feed cost the broker and the API CPU per
 * position with nobody watching). The archiver is played by writing its Redis store directly.
 */
describe('api live feed on Kafka: consumes no positions while no client is connected', () => {
  const schema = uniqueName('api_live_idle').replace(/[^a-z0-9_]/g, '_');
  const topicPrefix = `${schema}.`;
  const bus = new KafkaBus({
    brokers: env.kafkaBrokers.split(','),
    clientId: 'api-live-idle-test',
    topicPrefix,
    logger,
    consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 100 },
  });
  const storePrefix = `test:api-live-idle:${randomUUID()}:`;
  const redis = new Redis(env.redisUrl);
  const latest = RedisLatestPositionsReader.connect(env.redisUrl, storePrefix);
  const metrics = new ServiceMetrics('api-live-idle', { defaultMetrics: false });
  const sockets: Socket[] = [];
  let pool: StoragePool;
  let api: RunningApi;

  /** Every positions record the feed was offered (decoded or skipped unparsed): what it fetched. */
  const fetched = async (handling?: 'decoded' | 'skipped'): Promise<number> =>
    ((await metrics.registry.getSingleMetric('roadwatch_live_position_records_total')?.get())?.values ?? [])
      .filter((v) => handling === undefined || v.labels['handling'] === handling)
      .reduce((sum, v) => sum + v.value, 0);
  const store = (position: PositionV1) => redis.hset(latestPositionKeys(storePrefix).position, position.vehicleId, encodeLatestPosition(position));
  const open = async (username: string) => {
    const socket = await connectLive(api.url, await login(api.url, username, `${username}-pw`));
    sockets.push(socket);
    const batches: PositionsBatch[] = [];
    socket.on(LIVE_EVENTS.positions, (batch: PositionsBatch) => batches.push(batch));
    return { socket, batches, seen: () => batches.flatMap((b) => b.positions.map((p) => `${p.vehicleId}@${p.deviceTimeMs - NOW}`)) };
  };

  beforeAll(async () => {
    pool = await seededPool(schema);
    await bus.ensureTopics(Object.values(TOPICS).map((topic) => ({ topic, partitions: 4 })));
    api = await startApi({
      bus,
      pool,
      jwtSecret: JWT_SECRET,
      port: 0,
      logger,
      tickMs: TICK_MS,
      liveGroupPrefix: schema,
      instanceId: 'idle',
      metrics,
      seedUsers: USERS,
      latestPositions: latest,
    });
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await api?.close();
    await bus.close();
    latest.close();
    await redis.del(latestPositionKeys(storePrefix).position, latestPositionKeys(storePrefix).time);
    redis.disconnect();
    if (pool) await dropSchema(pool, schema);
    const admin = new Kafka({ clientId: 'api-live-idle-cleanup', brokers: env.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('fetches nothing with no client; a late subscriber gets the store snapshot, then live positions within a tick; after the last one leaves, nothing again', async () => {
    const t = NOW - 60_000;
    // Nobody connected: 30 reports, out of device-time order for V3, and bytes that are not JSON.
    for (let i = 0; i < 10; i += 1)
      await bus.publish(
        TOPICS.positions,
        VEHICLES.map((v) => ({ key: v.id, value: report(v.id, v.id === 'V3' ? t + (9 - i) * 1_000 : t + i * 1_000) })),
      );
    await bus.publishRaw(TOPICS.positions, [{ key: 'V1', value: Buffer.from([0xff, 0xfe, 0x7b]) }]);
    // The archiver stored the newest of each; V2's store entry has a clock 2 h ahead of the platform: never "where it is".
    await store(report('V1', t + 9_000));
    await store(report('V2', NOW + 2 * 3_600_000, t + 9_200));
    await store(report('V3', t + 9_000));
    await sleep(2_000);
    expect(await fetched()).toBe(0);

    // First subscriber: an admin watching the whole map. Its snapshot is the store's.
    const admin = await open('admin');
    expect(await subscribe(admin.socket, { viewport: WHOLE_MAP })).toEqual({ ok: true });
    await vi.waitUntil(() => admin.batches.length >= 1, { timeout: 10_000, interval: 20, message: 'the snapshot' });
    expect(admin.seen().sort()).toEqual([`V1@${t + 9_000 - NOW}`, `V3@${t + 9_000 - NOW}`]);
    // Resumed from the end: the 31 records published while nobody watched are never fetched.
    expect(await fetched()).toBe(0);

    // Live from now on: a report published after the subscribe reaches the client within a tick or two.
    const published = Date.now();
    await bus.publish(TOPICS.positions, [{ key: 'V2', value: report('V2', t + 20_000) }]);
    await vi.waitUntil(() => admin.seen().includes(`V2@${t + 20_000 - NOW}`), { timeout: 10_000, interval: 5, message: 'the live V2 report' });
    logger.info({ deliveredAfterMs: Date.now() - published, tickMs: TICK_MS }, 'live report delivered');
    expect(await fetched('decoded')).toBe(1);

    // A second, company subscriber joins a flowing feed: V1 only, its snapshot included.
    const c1 = await open('c1');
    expect(await subscribe(c1.socket, { companyId: 'C1' })).toEqual({ ok: true });
    await vi.waitUntil(() => c1.batches.length >= 1, { timeout: 10_000, interval: 20, message: 'the company snapshot' });
    expect(c1.seen()).toEqual([`V1@${t + 9_000 - NOW}`]);

    // Both leave: the consumer pauses again, and what is published then is not fetched.
    admin.socket.disconnect();
    c1.socket.disconnect();
    const before = await fetched();
    await sleep(500);
    await bus.publish(TOPICS.positions, [{ key: 'V1', value: report('V1', t + 30_000) }]);
    await store(report('V1', t + 30_000));
    await sleep(2_000);
    expect(await fetched()).toBe(before);

    // A later client: the snapshot has the stored report the feed never fetched, and live goes on.
    const again = await open('c1');
    expect(await subscribe(again.socket, { companyId: 'C1' })).toEqual({ ok: true });
    await vi.waitUntil(() => again.batches.length >= 1, { timeout: 10_000, interval: 20, message: 'the snapshot after a pause' });
    expect(again.seen()).toEqual([`V1@${t + 30_000 - NOW}`]);
    await bus.publish(TOPICS.positions, [{ key: 'V1', value: report('V1', t + 40_000) }]);
    await vi.waitUntil(() => again.seen().includes(`V1@${t + 40_000 - NOW}`), { timeout: 10_000, interval: 5, message: 'the live V1 report after a pause' });
    expect(await fetched()).toBe(before + 1);
  });
});
