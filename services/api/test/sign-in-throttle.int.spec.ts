import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import { ServiceMetrics } from '@roadwatch/runtime';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { startApi, type RunningApi } from '../src/index';
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
    const common = {
      bus,
      pool,
      jwtSecret: JWT_SECRET,
      port: 0,
      logger,
      redisUrl: env.redisUrl,
      liveGroupPrefix: schema,
      trustProxyHops: 1,
      signInLimits: { perUsername: 5, perAddress: 12, windowSeconds: 600 },
    };
    a = await startApi({ ...common, instanceId: 'a', metrics: new ServiceMetrics('api-a', { defaultMetrics: false }), seedUsers: USERS });
    b = await startApi({ ...common, instanceId: 'b', metrics: new ServiceMetrics('api-b', { defaultMetrics: false }) });
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
