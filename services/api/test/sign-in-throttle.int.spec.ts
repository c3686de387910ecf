import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { InProcessBus } from '@roadwatch/messaging';
import { ServiceMetrics } from '@roadwatch/runtime';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { startApi, type ApiOptions, type RunningApi } from '../src/index';
import { dropSchema, env, JWT_SECRET, logger, seededPool, USERS } from './support';

const signIn = async (url: string, username: string, password: string, forwardedFor?: string): Promise<{ status: number; retryAfter: string | null }> => {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ username, password }),
  });
  await response.body?.cancel();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
};

/** Two API instances a and b behind one (pretend) proxy, on the real Redis, each with its own REDIS_KEY_PREFIX. */
const startTwo = async (
  bus: InProcessBus,
  pool: StoragePool,
  schema: string,
  signInLimits: ApiOptions['signInLimits'],
  redisKeyPrefixes: { a: string; b: string },
): Promise<[RunningApi, RunningApi]> => {
  const common = { bus, pool, jwtSecret: JWT_SECRET, port: 0, logger, redisUrl: env.redisUrl, liveGroupPrefix: schema, trustProxyHops: 1, signInLimits };
  const a = await startApi({
    ...common,
    redisKeyPrefix: redisKeyPrefixes.a,
    instanceId: 'a',
    metrics: new ServiceMetrics('api-a', { defaultMetrics: false }),
    seedUsers: USERS,
  });
  const b = await startApi({ ...common, redisKeyPrefix: redisKeyPrefixes.b, instanceId: 'b', metrics: new ServiceMetrics('api-b', { defaultMetrics: false }) });
  return [a, b];
};

/**
 * Two API instances behind one (pretend) proxy, sharing their sign-in budgets through the real
 * Redis: guesses spread over both instances count once.
 */
describe('api sign-in: brute force is throttled per user name and per client address, across instances', () => {
  const schema = uniqueName('api_signin').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let a: RunningApi;
  let b: RunningApi;

  beforeAll(async () => {
    pool = await seededPool(schema);
    [a, b] = await startTwo(bus, pool, schema, { perUsername: 5, perAddress: 12, windowSeconds: 600 }, { a: `${schema}:`, b: `${schema}:` });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await bus.close();
    if (pool) await dropSchema(pool, schema);
  });

  it('the 6th guess for one user name, on either instance, is 429 with Retry-After — even with the right password; other users are unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await signIn(i % 2 === 0 ? a.url : b.url, 'c1', `guess-${i}`, '203.0.113.1')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const refused = await signIn(b.url, 'c1', 'c1-pw', '203.0.113.2');
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(500);
    expect((await signIn(a.url, 'C1', 'c1-pw', '203.0.113.3')).status).toBe(429);
    expect((await signIn(a.url, 'c2', 'c2-pw', '203.0.113.1')).status).toBe(200);
  });

  it('password spraying from one address is cut off after its budget, whatever the user names; a good sign-in gives its attempt back', async () => {
    const address = '198.51.100.7';
    expect((await signIn(a.url, 'admin', 'admin-pw', address)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 13; i += 1) statuses.push((await signIn(i % 2 === 0 ? a.url : b.url, `nobody-${i}`, 'password1', address)).status);
    expect(statuses.slice(0, 12)).toEqual(Array(12).fill(401));
    expect(statuses[12]).toBe(429);
    // The legitimate admin from that address is now refused too, from another address not.
    expect((await signIn(b.url, 'admin', 'admin-pw', address)).status).toBe(429);
    expect((await signIn(b.url, 'admin', 'admin-pw', '198.51.100.8')).status).toBe(200);
  });

  it('a burst of parallel guesses is cut at the budget, not after it', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(i % 2 === 0 ? a.url : b.url, 'enf', `burst-${i}`, `192.0.2.${i + 1}`)));
    expect(results.filter((r) => r.status === 401)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(15);
  });
});

/**
 * Two deployments (REDIS_KEY_PREFIX `…:a:` and `…:b:`) on one real Redis: one's sign-in budgets
 * and socket.io channels are not the other's. Both instances are given the same consumer-group
 * prefix, as two clusters with default settings would be.
 */
describe('api sign-in: REDIS_KEY_PREFIX keeps deployments sharing a Redis apart', () => {
  const schema = uniqueName('api_prefix').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  const redis = new Redis(env.redisUrl);
  let pool: StoragePool;
  let a: RunningApi;
  let b: RunningApi;

  beforeAll(async () => {
    pool = await seededPool(schema);
    [a, b] = await startTwo(bus, pool, schema, { perUsername: 3, perAddress: 100, windowSeconds: 600 }, { a: `${schema}:a:`, b: `${schema}:b:` });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await bus.close();
    const keys = await redis.keys(`${schema}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    if (pool) await dropSchema(pool, schema);
  });

  it("a user name's budget spent on one deployment leaves the other's whole", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await signIn(a.url, 'c1', `guess-${i}`, '203.0.113.9')).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // The same user name and address on the other deployment: its own budget, untouched.
    expect((await signIn(b.url, 'c1', 'c1-pw', '203.0.113.9')).status).toBe(200);
    expect((await signIn(a.url, 'c1', 'c1-pw', '203.0.113.9')).status).toBe(429);
    // The budgets are Redis keys under each deployment's own prefix.
    expect(await redis.keys(`${schema}:a:signin:*`)).not.toEqual([]);
    expect(await redis.keys(`${schema}:b:signin:*`)).not.toEqual([]);
  });

  it("each deployment's socket.io channels (user changes included) are under its own prefix", async () => {
    const channels = async (prefix: string): Promise<string[]> => ((await redis.pubsub('CHANNELS', `${prefix}*`)) as string[]).sort();
    // The adapter's request channel carries serverSideEmit (a user changed: re-check their sockets).
    expect(await channels(`${schema}:a:`)).toContain(`${schema}:a:socket.io-request#/live#`);
    expect(await channels(`${schema}:b:`)).toContain(`${schema}:b:socket.io-request#/live#`);
    expect(await channels(`${schema}#`)).toEqual([]);
  });
});
