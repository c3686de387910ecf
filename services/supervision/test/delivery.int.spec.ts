import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type AlertV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import {
  createPool,
  DeliveryReadModel,
  DeliverySettingsRepository,
  dropStorageSchema,
  migrate,
  RegistryRepository,
  type StoragePool,
} from '@roadwatch/storage';
import { anAlert, infraEnv, uniqueName } from '@roadwatch/testing';
import { deliveryPart, LoggingSmsProvider, startSupervision, type RunningSupervision } from '../src/index';

const env = infraEnv();
const logger = createLogger('delivery-test', process.env['LOG_LEVEL'] ?? 'warn');
const HOUR = 3_600_000;
// 2026-03-01 00:00:30 GMT+8: the first 24 h window crosses nothing special, the clock moves by hand.
const T0 = Date.UTC(2026, 1, 28, 16, 0, 30);

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
}

/** A company's webhook receiver: answers each request of a path with the next scripted behaviour (then 200). */
const startReceiver = async (): Promise<{
  url: (path: string) => string;
  received: Received[];
  script: Map<string, Array<number | 'hang'>>;
  close(): Promise<void>;
}> => {
  const received: Received[] = [];
  const script = new Map<string, Array<number | 'hang'>>();
  const hung: ServerResponse[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, rawBody: Buffer.concat(chunks) });
      const next = script.get(path)?.shift() ?? 200;
      if (next === 'hang') hung.push(response);
      else response.writeHead(next).end(next === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    script,
    close: async () => {
      for (const response of hung) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/** A port nothing listens on (yet). */
const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

/** The receiver's side, written independently of the platform's signer: HMAC-SHA256 over `<timestamp>.<raw body>`, hex, `sha256=` prefix. */
const verifiedBy = (secret: string, request: Received): boolean => {
  const timestamp = String(request.headers['x-roadwatch-timestamp']);
  const expected = Buffer.from(
    'sha256=' +
      createHmac('sha256', Buffer.from(secret, 'utf8'))
        .update(Buffer.concat([Buffer.from(timestamp + '.', 'utf8'), request.rawBody]))
        .digest('hex'),
  );
  const given = Buffer.from(String(request.headers['x-roadwatch-signature']));
  return expected.length === given.length && timingSafeEqual(expected, given);
};

describe('delivery to companies on real Kafka and PostgreSQL: signed webhooks, retries, SMS, routing', () => {
  const name = uniqueName('delivery');
  const schema = name;
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'delivery-test', topicPrefix: `${name}.`, logger });
  let pool: StoragePool;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let supervision: RunningSupervision | undefined;
  let nowMs = T0;
  const sms = new LoggingSmsProvider(logger);
  const secrets: Record<string, string> = { A: 'secret-of-A-渠道-ü', B: 'secret-of-B', C: 'secret-of-C', D: 'secret-of-D', E: 'secret-of-E' };
  let settings: DeliverySettingsRepository;
  let reads: DeliveryReadModel;
  const by = { username: 'test-admin', atMs: T0 };

  const start = async (): Promise<RunningSupervision> =>
    startSupervision({
      bus,
      pool,
      logger,
      metrics: new ServiceMetrics('delivery-test', { defaultMetrics: false }),
      now: () => nowMs,
      config: { DELIVERY_ALLOW_PRIVATE_TARGETS: true, DELIVERY_POLL_MS: 50, DELIVERY_REQUEST_TIMEOUT_MS: 700 },
      // random 0: no jitter, the schedule is the plain doubling from 10 s.
      parts: [deliveryPart({ groupId: `${name}-delivery`, sms, random: () => 0 })],
    });
  const publish = (...alerts: AlertV1[]) =>
    bus.publish(
      TOPICS.alerts,
      alerts.map((value) => ({ key: value.vehicleId, value })),
    );
  const attemptsOf = (companyId: string) => reads.attempts({ scope: {}, companyId, limit: 100, offset: 0 });

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 6, application: 'delivery-test' });
    await migrate(pool);
    receiver = await startReceiver();
    const registry = new RegistryRepository(pool);
    for (const companyId of ['A', 'B', 'C', 'D']) await registry.upsertCompany({ companyId, name: `公司${companyId}`, regionCode: '110105' });
    // E has no route: the default sends everything to its registered webhook.
    await registry.upsertCompany({ companyId: 'E', name: '公司E', regionCode: '110105', webhookUrl: receiver.url('/e') });
    for (const companyId of ['A', 'B', 'C', 'D', 'E'])
      await registry.upsertVehicle({
        vehicleId: `京${companyId}0001:2`,
        plate: `京${companyId}0001`,
        plateColour: 2,
        vehicleClass: 'long_distance_bus',
        companyId,
      });
    settings = new DeliverySettingsRepository(pool);
    reads = new DeliveryReadModel(pool);
    for (const [companyId, secret] of Object.entries(secrets)) await settings.rotateSecret(companyId, secret, by);
    await settings.saveRoute({ routeId: 'a-hook', companyId: 'A', channel: 'webhook', target: receiver.url('/a'), rules: [], enabled: true }, by);
    await settings.saveRoute(
      { routeId: 'a-sms', companyId: 'A', channel: 'sms', target: '+8613800000001', rules: [], minSeverity: 'serious', enabled: true },
      by,
    );
    // B wants overloads only.
    await settings.saveRoute({ routeId: 'b-hook', companyId: 'B', channel: 'webhook', target: receiver.url('/b'), rules: ['overload'], enabled: true }, by);
    await bus.ensureTopics([{ topic: TOPICS.alerts, partitions: 2 }]);
    supervision = await start();
  });

  afterAll(async () => {
    await supervision?.close();
    await bus.close();
    await receiver?.close();
    if (pool) {
      await dropStorageSchema(pool, schema);
      await pool.end();
    }
  });

  it('a fatigue violation of A reaches its webhook once, signed (verified independently) with timestamp and idempotency key, and its SMS; a redelivered message sends nothing twice', async () => {
    const fatigue = anAlert({
      alertId: 'fatigue-A-1',
      revision: 0,
      vehicleId: '京A0001:2',
      plate: '京A0001',
      companyId: 'A',
      rule: 'fatigue_continuous',
      severity: 'serious',
      summary: '疲劳驾驶：连续驾驶 4 小时 05 分 "引号" \\ 反斜杠',
      details: { internal: 'kept out of the body' },
    });
    await publish(fatigue);
    await vi.waitUntil(() => receiver.received.some((r) => r.path === '/a'), { timeout: 30_000, interval: 50 });
    const request = receiver.received.find((r) => r.path === '/a')!;
    expect(request.headers['idempotency-key']).toBe('fatigue-A-1:0');
    expect(request.headers['x-roadwatch-timestamp']).toBe(String(Math.floor(T0 / 1000)));
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(verifiedBy(secrets.A!, request)).toBe(true);
    // Another company's secret, or one changed byte of the body, does not verify.
    expect(verifiedBy(secrets.B!, request)).toBe(false);
    expect(verifiedBy(secrets.A!, { ...request, rawBody: Buffer.concat([request.rawBody.subarray(0, -2), Buffer.from(' }')]) })).toBe(false);
    const body = JSON.parse(request.rawBody.toString('utf8')) as Record<string, unknown>;
    expect(body).toMatchObject({ kind: 'alert', alertId: 'fatigue-A-1', revision: 0, companyId: 'A', rule: 'fatigue_continuous', summary: fatigue.summary });
    expect(body).not.toHaveProperty('details');
    await vi.waitUntil(async () => (await attemptsOf('A')).length === 2, { timeout: 10_000, interval: 50 });
    expect((await attemptsOf('A')).map((a) => [a.channel, a.outcome, a.attemptNo, a.httpStatus])).toEqual(
      expect.arrayContaining([
        ['webhook', 'delivered', 1, 200],
        ['sms', 'delivered', 1, undefined],
      ]),
    );
    expect(sms.sent).toEqual([{ to: '+8613800000001', idempotencyKey: 'fatigue-A-1:0', text: expect.stringContaining('京A0001 疲劳驾驶') as string }]);

    // The same message again (a redelivery), then a minor speeding alert of the same vehicle (same partition, after it).
    await publish(fatigue, anAlert({ alertId: 'speeding-A-2', vehicleId: '京A0001:2', companyId: 'A', severity: 'minor' }));
    await vi.waitUntil(() => receiver.received.some((r) => r.headers['idempotency-key'] === 'speeding-A-2:0'), { timeout: 30_000, interval: 50 });
    expect(receiver.received.filter((r) => r.headers['idempotency-key'] === 'fatigue-A-1:0')).toHaveLength(1);
    // minor is below the SMS route's serious: no SMS.
    expect(sms.sent).toHaveLength(1);
  });

  it('routing: B takes overloads only (its fatigue alert goes nowhere); E without routes gets everything on its registered webhook', async () => {
    await publish(
      anAlert({ alertId: 'fatigue-B', vehicleId: '京B0001:2', companyId: 'B', rule: 'fatigue_continuous', severity: 'serious' }),
      anAlert({ alertId: 'overload-B', vehicleId: '京B0001:2', companyId: 'B', rule: 'overload', severity: 'major' }),
      // E's alert names no company: the registry's vehicle gives it.
      { ...anAlert({ alertId: 'drift-E', vehicleId: '京E0001:2', rule: 'drift', level: 'data_quality', severity: 'info' }), companyId: undefined },
    );
    await vi.waitUntil(() => receiver.received.some((r) => r.path === '/b') && receiver.received.some((r) => r.path === '/e'), {
      timeout: 30_000,
      interval: 50,
    });
    expect(receiver.received.filter((r) => r.path === '/b').map((r) => r.headers['idempotency-key'])).toEqual(['overload-B:0']);
    const e = receiver.received.find((r) => r.path === '/e')!;
    expect(e.headers['idempotency-key']).toBe('drift-E:0');
    expect(verifiedBy(secrets.E!, e)).toBe(true);
  });

  it('retried after a 500 and a timeout with back-off on the moved clock, until a 2xx; every attempt listed', async () => {
    await settings.saveRoute({ routeId: 'c-hook', companyId: 'C', channel: 'webhook', target: receiver.url('/c'), rules: [], enabled: true }, by);
    receiver.script.set('/c', [500, 'hang']);
    await publish(anAlert({ alertId: 'speeding-C', vehicleId: '京C0001:2', companyId: 'C' }));
    await vi.waitUntil(async () => (await attemptsOf('C')).length === 1, { timeout: 30_000, interval: 50 });
    const [first] = await attemptsOf('C');
    expect(first).toMatchObject({ attemptNo: 1, outcome: 'failed', httpStatus: 500, error: 'HTTP 500 Internal Server Error', nextAttemptAtMs: nowMs + 10_000 });
    // Not before its time: nothing is sent while the clock stands.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.filter((r) => r.path === '/c')).toHaveLength(1);
    nowMs += 10_000;
    await vi.waitUntil(async () => (await attemptsOf('C')).length === 2, { timeout: 30_000, interval: 50 });
    const [second] = await attemptsOf('C');
    expect(second).toMatchObject({ attemptNo: 2, outcome: 'failed', error: 'no answer within 700 ms (timeout)', nextAttemptAtMs: nowMs + 20_000 });
    expect(second!.httpStatus).toBeUndefined();
    nowMs += 20_000;
    await vi.waitUntil(async () => (await attemptsOf('C')).length === 3, { timeout: 30_000, interval: 50 });
    expect((await attemptsOf('C')).map((a) => [a.attemptNo, a.outcome])).toEqual([
      [3, 'delivered'],
      [2, 'failed'],
      [1, 'failed'],
    ]);
    const requests = receiver.received.filter((r) => r.path === '/c');
    expect(requests.map((r) => r.headers['x-roadwatch-attempt'])).toEqual(['1', '2', '3']);
    // Every retry: the same idempotency key and body, a fresh timestamp and signature.
    expect(new Set(requests.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['speeding-C:0']));
    expect(new Set(requests.map((r) => r.rawBody.toString('utf8'))).size).toBe(1);
    expect(requests.every((r) => verifiedBy(secrets.C!, r))).toBe(true);
  });

  it('connection refused, then a restart in between: the new member resumes the pending delivery and delivers it', async () => {
    const port = await freePort();
    await settings.saveRoute({ routeId: 'd-hook', companyId: 'D', channel: 'webhook', target: `http://127.0.0.1:${port}/d`, rules: [], enabled: true }, by);
    await publish(anAlert({ alertId: 'night-D', vehicleId: '京D0001:2', companyId: 'D', rule: 'night_ban_2_5', severity: 'serious' }));
    await vi.waitUntil(async () => (await attemptsOf('D')).length === 1, { timeout: 30_000, interval: 50 });
    expect((await attemptsOf('D'))[0]).toMatchObject({ outcome: 'failed', error: 'connection failed: ECONNREFUSED' });
    await supervision!.close();
    // The company's receiver comes up on that port while the platform is down.
    const late: Received[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        late.push({ path: request.url ?? '/', headers: request.headers, rawBody: Buffer.concat(chunks) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      supervision = await start();
      nowMs += 10_000;
      await vi.waitUntil(async () => (await attemptsOf('D')).length === 2, { timeout: 30_000, interval: 50 });
      expect((await attemptsOf('D')).map((a) => [a.attemptNo, a.outcome, a.httpStatus])).toEqual([
        [2, 'delivered', 204],
        [1, 'failed', undefined],
      ]);
      expect(late).toHaveLength(1);
      expect(late[0]!.headers['idempotency-key']).toBe('night-D:0');
      expect(verifiedBy(secrets.D!, late[0]!)).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('a company whose webhook keeps failing: given up once the 24 h window has passed (moved clock); nothing after', async () => {
    await settings.saveRoute(
      { routeId: 'b-down', companyId: 'B', channel: 'webhook', target: receiver.url('/b-down'), rules: ['speeding'], enabled: true },
      by,
    );
    receiver.script.set(
      '/b-down',
      Array.from({ length: 50 }, () => 503),
    );
    const publishedAt = nowMs;
    await publish(anAlert({ alertId: 'speeding-B', vehicleId: '京B0001:2', companyId: 'B', rule: 'speeding' }));
    const attemptsB = async () => (await attemptsOf('B')).filter((a) => a.alertId === 'speeding-B');
    await vi.waitUntil(async () => (await attemptsB()).length === 1, { timeout: 30_000, interval: 50 });
    nowMs = publishedAt + 23 * HOUR;
    await vi.waitUntil(async () => (await attemptsB()).length === 2, { timeout: 30_000, interval: 50 });
    // Inside the window, the next attempt is cut to the window's end.
    expect((await attemptsB())[0]).toMatchObject({ attemptNo: 2, outcome: 'failed', httpStatus: 503 });
    nowMs = publishedAt + 25 * HOUR;
    await vi.waitUntil(async () => (await attemptsB()).length === 3, { timeout: 30_000, interval: 50 });
    expect((await attemptsB())[0]).toMatchObject({ attemptNo: 3, outcome: 'given_up', httpStatus: 503 });
    expect((await attemptsB())[0]!.nextAttemptAtMs).toBeUndefined();
    const [delivery] = await reads.deliveries({ scope: {}, alertId: 'speeding-B', limit: 10, offset: 0 });
    expect(delivery).toMatchObject({ state: 'given_up', attempts: 3, lastHttpStatus: 503 });
    nowMs += 48 * HOUR;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await attemptsB()).toHaveLength(3);
  });
});

describe('delivery: one slow company never blocks the others (bounded concurrency, a share per company)', () => {
  const name = uniqueName('delivery_fair');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'delivery-fair-test', topicPrefix: `${name}.`, logger });
  let pool: StoragePool;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let supervision: RunningSupervision | undefined;
  let reads: DeliveryReadModel;

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema: name, max: 6, application: 'delivery-fair-test' });
    await migrate(pool);
    receiver = await startReceiver();
    const registry = new RegistryRepository(pool);
    const settings = new DeliverySettingsRepository(pool);
    for (const companyId of ['SLOW', 'FAST']) {
      await registry.upsertCompany({ companyId, name: companyId });
      await settings.rotateSecret(companyId, `secret-${companyId}`, { username: 'test', atMs: T0 });
      await settings.saveRoute(
        { routeId: `${companyId}-hook`, companyId, channel: 'webhook', target: receiver.url(`/${companyId}`), rules: [], enabled: true },
        { username: 'test', atMs: T0 },
      );
    }
    reads = new DeliveryReadModel(pool);
    // SLOW never answers (until the test ends); its requests may take the whole 30 s timeout.
    receiver.script.set(
      '/SLOW',
      Array.from({ length: 20 }, () => 'hang' as const),
    );
    await bus.ensureTopics([{ topic: TOPICS.alerts, partitions: 2 }]);
    supervision = await startSupervision({
      bus,
      pool,
      logger,
      metrics: new ServiceMetrics('delivery-fair-test', { defaultMetrics: false }),
      now: () => T0,
      // 4 in flight, so 1 per company.
      config: { DELIVERY_ALLOW_PRIVATE_TARGETS: true, DELIVERY_POLL_MS: 50, DELIVERY_REQUEST_TIMEOUT_MS: 30_000, DELIVERY_CONCURRENCY: 4 },
      parts: [deliveryPart({ groupId: `${name}-delivery`, random: () => 0 })],
    });
  });

  afterAll(async () => {
    // The receiver first: its hung requests end at once, so the part's close does not wait for their timeout.
    await receiver?.close();
    await supervision?.close();
    await bus.close();
    if (pool) {
      await dropStorageSchema(pool, name);
      await pool.end();
    }
  });

  it('SLOW has five alerts hanging; FAST, published after them, is delivered while SLOW holds one slot and its other four wait', async () => {
    await bus.publish(
      TOPICS.alerts,
      [1, 2, 3, 4, 5].map((n) => ({ key: 'SLOW-V', value: anAlert({ alertId: `slow-${n}`, vehicleId: 'SLOW-V', companyId: 'SLOW' }) })),
    );
    await vi.waitUntil(() => receiver.received.some((r) => r.path === '/SLOW'), { timeout: 30_000, interval: 50 });
    await bus.publish(TOPICS.alerts, [{ key: 'FAST-V', value: anAlert({ alertId: 'fast-1', vehicleId: 'FAST-V', companyId: 'FAST' }) }]);
    await vi.waitUntil(async () => (await reads.attempts({ scope: {}, companyId: 'FAST', limit: 10, offset: 0 })).length === 1, {
      timeout: 20_000,
      interval: 50,
    });
    expect((await reads.attempts({ scope: {}, companyId: 'FAST', limit: 10, offset: 0 }))[0]).toMatchObject({ alertId: 'fast-1', outcome: 'delivered' });
    expect(receiver.received.filter((r) => r.path === '/SLOW')).toHaveLength(1);
    expect(await reads.attempts({ scope: {}, companyId: 'SLOW', limit: 10, offset: 0 })).toEqual([]);
    expect((await reads.deliveries({ scope: {}, companyId: 'SLOW', limit: 10, offset: 0 })).map((d) => d.state)).toEqual(Array(5).fill('pending'));
  });
});
