import { createServer, Socket, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deadLetterTopicOf, TOPICS, type DeadLetterV1, type PositionV1, type WimMeasurementV1 } from '@roadwatch/contracts';
import { deadLetterValueOf, InProcessBus, KafkaBus, type Bus, type Subscription } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import {
  createPool,
  dropStorageSchema,
  migrate,
  PositionRepository,
  startEmbeddedTimescale,
  type EmbeddedTimescale,
  type StoragePool,
} from '@roadwatch/storage';
import { infraEnv, positionsEvery, uniqueName } from '@roadwatch/testing';
import { ARCHIVED_TOPICS, MemoryLatestPositionStore, startArchiver, type RunningArchiver } from '../src/index';
import { rising, wim } from './support/scenario';

/**
 * Issue #10, "nothing stuck": a record PostgreSQL refuses must not stall its partition.
 * 1,000 WIM records, one of them with a lane (70,000) the contract accepts and the
 * `smallint` column refuses (SQLSTATE 22003): 999 rows, 1 dead letter with the reason, and
 * the partition's lag back to 0 — on real Kafka + PostgreSQL and on the embedded default.
 * And a database that is away is waited for, never dead-lettered.
 */
const env = infraEnv();
const logger = createLogger('archiver-poison-test', process.env['LOG_LEVEL'] ?? 'silent');
const wimTopic = TOPICS.wimMeasurements;
const wimDlq = deadLetterTopicOf(wimTopic) as `${typeof wimTopic}.dlq`;
const PLATES = ['冀B10001', '冀B10002', '冀B10003', '冀B10004', '冀B10005', '冀B10006'];

const weighings = (from: number, to: number, poisonAt?: number): WimMeasurementV1[] =>
  Array.from({ length: to - from }, (_, i) => {
    const n = from + i;
    return { ...wim(String(n)), plate: PLATES[n % PLATES.length]!, ...(n === poisonAt ? { lane: 70_000 } : {}) };
  });

const publishWim = (bus: Bus, values: WimMeasurementV1[]) =>
  bus.publish(
    wimTopic,
    values.map((value) => ({ key: value.plate, value })),
  );

const count = async (pool: StoragePool): Promise<number> => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM wim_measurements')).rows[0]!.n);

const positionsTopic = TOPICS.positions;
const positionsDlq = deadLetterTopicOf(positionsTopic) as `${typeof positionsTopic}.dlq`;
const VEHICLES = ['冀B20001', '冀B20002', '冀B20003', '冀B20004', '冀B20005'];

/** 1,000 reports of 5 vehicles; the one at `poisonAt` says 70,000 satellites (the contract takes any count, `smallint` does not). */
const reports = (from: number, to: number, poisonAt?: number): PositionV1[] =>
  Array.from({ length: to - from }, (_, i) => {
    const n = from + i;
    const [p] = positionsEvery(10_000, 1, { vehicleId: VEHICLES[n % VEHICLES.length]!, deviceTimeMs: Date.now() - 3_600_000 + n * 1_000 }, rising);
    return { ...p!, ...(n === poisonAt ? { satellites: 70_000 } : {}) };
  });

const countPositions = async (pool: StoragePool): Promise<number> => new PositionRepository(pool).count();

const collectLetters = async (
  bus: Bus,
  groupId: string,
  dlq: typeof wimDlq | typeof positionsDlq = wimDlq,
): Promise<{ letters: DeadLetterV1[]; subscription: Subscription }> => {
  const letters: DeadLetterV1[] = [];
  const subscription = await bus.subscribe({
    groupId,
    topics: [dlq],
    fromBeginning: true,
    handleBatch: async (batch) => void letters.push(...batch.messages.map((m) => m.value)),
  });
  return { letters, subscription };
};

/** The readiness checks as `/ready` reads them: a check that throws is not ready. */
const ready = async (archiver: RunningArchiver): Promise<Record<string, boolean>> =>
  Object.fromEntries(
    await Promise.all(
      archiver.readiness.map(
        async (check) =>
          [
            check.name,
            await Promise.resolve()
              .then(check.check)
              .catch(() => false),
          ] as const,
      ),
    ),
  );

const metricSum = async (metrics: ServiceMetrics, name: string): Promise<number> =>
  ((await metrics.registry.getSingleMetric(name)?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);

/** The poisoned-record scenario, the same on both buses. */
const runPoisonScenario = async (params: { bus: Bus; pool: StoragePool; archiver: RunningArchiver; lag: () => Promise<number>; dlqGroup: string }) => {
  const { bus, pool } = params;
  const { letters, subscription } = await collectLetters(bus, params.dlqGroup);
  try {
    await publishWim(bus, weighings(0, 1_000, 617));
    await vi.waitUntil(async () => (await count(pool)) === 999 && letters.length === 1, {
      timeout: 120_000,
      interval: 100,
      message: '999 rows and 1 dead letter',
    });
    await vi.waitUntil(async () => (await params.lag()) === 0, { timeout: 30_000, interval: 100, message: 'the lag back to 0' });
    expect(await count(pool)).toBe(999);
    const stored = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM wim_measurements WHERE measurement_id = 'ST-JJ-007/617'`);
    expect(Number(stored.rows[0]!.n)).toBe(0);
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter!.reason).toMatch(/data error/);
    expect(letter!.reason).toMatch(/out of range for type smallint \[22003\]/);
    expect(letter!.key).toBe(PLATES[617 % PLATES.length]);
    expect(letter!.sourceTopic.endsWith(wimTopic)).toBe(true);
    expect(JSON.parse(letter!.payload)).toMatchObject({ measurementId: 'ST-JJ-007/617', lane: 70_000 });
    expect(await ready(params.archiver)).toMatchObject({ consumer: true, database: true });
    // And the partition goes on: records after the poison are stored as they come.
    await publishWim(bus, weighings(1_000, 1_010));
    await vi.waitUntil(async () => (await count(pool)) === 1_009, { timeout: 30_000, interval: 100, message: 'the next 10' });
    await vi.waitUntil(async () => (await params.lag()) === 0, { timeout: 30_000, interval: 100, message: 'the lag back to 0 again' });
    expect(letters).toHaveLength(1);
  } finally {
    await subscription.close();
  }
};

/**
 * The same for positions, which go by binary COPY on a real server and by unnest on the
 * embedded one: the refused report is isolated whichever path wrote its batch.
 */
const runPositionPoisonScenario = async (params: {
  bus: Bus;
  pool: StoragePool;
  lag: () => Promise<number>;
  dlqGroup: string;
  insertMethod: 'copy' | 'unnest';
}) => {
  const { bus, pool } = params;
  expect(new PositionRepository(pool).insertMethod).toBe(params.insertMethod);
  const { letters, subscription } = await collectLetters(bus, params.dlqGroup, positionsDlq);
  const publish = (values: PositionV1[]) =>
    bus.publish(
      positionsTopic,
      values.map((value) => ({ key: value.vehicleId, value })),
    );
  try {
    const batch = reports(0, 1_000, 617);
    await publish(batch);
    await vi.waitUntil(async () => (await countPositions(pool)) === 999 && letters.length === 1, {
      timeout: 120_000,
      interval: 100,
      message: '999 positions and 1 dead letter',
    });
    await vi.waitUntil(async () => (await params.lag()) === 0, { timeout: 30_000, interval: 100, message: 'the lag back to 0' });
    const poisoned = batch[617]!;
    const stored = await new PositionRepository(pool).track(poisoned.vehicleId, poisoned.deviceTimeMs, poisoned.deviceTimeMs + 1);
    expect(stored.points).toEqual([]);
    const [letter] = letters;
    expect(letter!.reason).toMatch(/data error/);
    expect(letter!.reason).toMatch(/smallint out of range|out of range for type smallint/);
    expect(letter!.reason).toMatch(/\[22003\]/);
    expect(letter!.key).toBe(poisoned.vehicleId);
    // A position travels in its binary form: the letter keeps its bytes (base64), which decode to what was refused.
    expect(letter!.payloadEncoding).toBe('base64');
    expect(deadLetterValueOf(TOPICS.positions, letter!)).toMatchObject({ ok: true, value: { deviceTimeMs: poisoned.deviceTimeMs, satellites: 70_000 } });
    // 50 reports again (a redelivery) and 10 new ones: only the new ones are added.
    await publish([...batch.slice(0, 50), ...reports(1_000, 1_010)]);
    await vi.waitUntil(async () => (await countPositions(pool)) === 1_009, { timeout: 30_000, interval: 100, message: 'the next 10' });
    await vi.waitUntil(async () => (await params.lag()) === 0, { timeout: 30_000, interval: 100, message: 'the lag back to 0 again' });
    expect(await countPositions(pool)).toBe(1_009);
    expect(letters).toHaveLength(1);
  } finally {
    await subscription.close();
  }
};

describe('a record PostgreSQL refuses, on real Kafka and real PostgreSQL', () => {
  const name = uniqueName('archiver_poison');
  const group = `${name}-archiver`;
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'archiver-poison-test', topicPrefix: `${name}.`, logger });
  const pool = createPool(env.databaseUrl, { schema: name, max: 4, application: 'archiver-poison-test' });
  const metrics = new ServiceMetrics('archiver-poison', { defaultMetrics: false });
  let archiver: RunningArchiver;

  beforeAll(async () => {
    await migrate(pool);
    await bus.ensureTopics(ARCHIVED_TOPICS.map((topic) => ({ topic, partitions: 3 })));
    archiver = await startArchiver({ bus, pool, latestPositions: new MemoryLatestPositionStore(), logger, metrics, groupId: group, maintenance: false });
  });

  afterAll(async () => {
    await archiver?.close();
    await bus.close();
    await dropStorageSchema(pool, name);
    await pool.end();
  });

  it('stores 999 of 1,000, dead-letters the refused one with its reason, and the lag goes back to 0', async () => {
    await runPoisonScenario({ bus, pool, archiver, lag: () => bus.lagOf(group, wimTopic), dlqGroup: `${name}-dlq` });
  });

  it('positions by binary COPY: 999 of 1,000 stored, the refused report dead-lettered, a redelivery adds nothing', async () => {
    await runPositionPoisonScenario({ bus, pool, lag: () => bus.lagOf(group, positionsTopic), dlqGroup: `${name}-positions-dlq`, insertMethod: 'copy' });
  });
});

describe('a record PostgreSQL refuses, on the embedded default (in-process bus, embedded TimescaleDB)', () => {
  let embedded: EmbeddedTimescale;
  let pool: StoragePool;
  const bus = new InProcessBus({ topicPrefix: `${uniqueName('archiver_poison_embedded')}.`, logger });
  let archiver: RunningArchiver;

  beforeAll(async () => {
    embedded = await startEmbeddedTimescale();
    pool = createPool(embedded.url, { embedded: true, application: 'archiver-poison-test' });
    expect((await migrate(pool)).mode).toBe('timescaledb');
    await bus.ensureTopics(ARCHIVED_TOPICS.map((topic) => ({ topic, partitions: 4 })));
    archiver = await startArchiver({
      bus,
      pool,
      latestPositions: new MemoryLatestPositionStore(),
      logger,
      metrics: new ServiceMetrics('archiver-poison-embedded', { defaultMetrics: false }),
      maintenance: false,
    });
  });

  afterAll(async () => {
    await archiver?.close();
    await bus.close();
    await pool?.end();
    await embedded?.stop();
  });

  it('stores 999 of 1,000, dead-letters the refused one with its reason, and the lag goes back to 0', async () => {
    await runPoisonScenario({ bus, pool, archiver, lag: async () => bus.lagOf('archiver', wimTopic), dlqGroup: 'dlq-reader' });
  });

  it('positions by unnest: 999 of 1,000 stored, the refused report dead-lettered, a redelivery adds nothing', async () => {
    await runPositionPoisonScenario({
      bus,
      pool,
      lag: async () => bus.lagOf('archiver', positionsTopic),
      dlqGroup: 'positions-dlq-reader',
      insertMethod: 'unnest',
    });
  });
});

/** A TCP proxy to PostgreSQL that the test can take away and bring back (the shared server is never touched). */
class PgProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      upstream.connect(this.target.port, this.target.host);
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Refuse new connections and cut the open ones, as a database going down does. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('the database away, on real Kafka: retried, never dead-lettered, stored when it is back', () => {
  const name = uniqueName('archiver_outage');
  const group = `${name}-archiver`;
  const bus = new KafkaBus({
    brokers: env.kafkaBrokers.split(','),
    clientId: 'archiver-outage-test',
    topicPrefix: `${name}.`,
    logger,
    backoff: { initialMs: 100, maxMs: 400 },
  });
  const direct = createPool(env.databaseUrl, { schema: name, max: 2, application: 'archiver-outage-test' });
  const databaseUrl = new URL(env.databaseUrl);
  const proxy = new PgProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 5432) });
  let proxied: StoragePool;
  const metrics = new ServiceMetrics('archiver-outage', { defaultMetrics: false });
  let archiver: RunningArchiver;

  beforeAll(async () => {
    await migrate(direct);
    await proxy.start();
    const url = new URL(env.databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    proxied = createPool(url.toString(), { schema: name, max: 2, application: 'archiver-outage-test' });
    await bus.ensureTopics(ARCHIVED_TOPICS.map((topic) => ({ topic, partitions: 1 })));
    archiver = await startArchiver({
      bus,
      pool: proxied,
      latestPositions: new MemoryLatestPositionStore(),
      logger,
      metrics,
      groupId: group,
      maintenance: false,
      stallAfterMs: 1_500,
    });
  });

  afterAll(async () => {
    await archiver?.close();
    await bus.close();
    await proxy.stop();
    await proxied?.end();
    await dropStorageSchema(direct, name);
    await direct.end();
  });

  it('keeps retrying past maxAttempts while the database is unreachable, reports the stall on /ready, and stores everything once it is back', async () => {
    const { letters, subscription } = await collectLetters(bus, `${name}-dlq`);
    try {
      await publishWim(bus, weighings(0, 10));
      await vi.waitUntil(async () => (await count(direct)) === 10, { timeout: 60_000, interval: 100, message: 'the first 10 stored' });
      expect(await ready(archiver)).toMatchObject({ consumer: true, database: true });

      await proxy.stop();
      await publishWim(bus, weighings(10, 40));
      // More failures than the default bound of 5 attempts, and the stall on /ready.
      await vi.waitUntil(async () => (await metricSum(metrics, 'roadwatch_archiver_batch_failures_total')) >= 8 && (await ready(archiver)).consumer === false, {
        timeout: 60_000,
        interval: 100,
        message: 'failures past the bound and the stall',
      });
      expect(await ready(archiver)).toMatchObject({ consumer: false, database: false });
      expect(await count(direct)).toBe(10);
      expect(letters).toEqual([]);

      await proxy.start();
      await vi.waitUntil(async () => (await count(direct)) === 40, { timeout: 60_000, interval: 100, message: 'all 40 stored after the outage' });
      await vi.waitUntil(async () => (await ready(archiver)).consumer === true, { timeout: 30_000, interval: 100, message: 'the consumer ready again' });
      await vi.waitUntil(async () => (await bus.lagOf(group, wimTopic)) === 0, { timeout: 30_000, interval: 100, message: 'the lag back to 0' });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(letters).toEqual([]);
    } finally {
      await subscription.close();
    }
  });
});
