import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createRateLimit, retryAfterSeconds } from './rate-limit';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('rate limit', () => {
  const clients: Redis[] = [];
  afterAll(() => clients.forEach((c) => c.disconnect()));

  it('two instances on the real Redis spend one budget per key: spreading requests over instances gains nothing', async () => {
    const keyPrefix = `test:rate:${randomUUID()}`;
    const [a, b] = [new Redis(REDIS_URL), new Redis(REDIS_URL)];
    clients.push(a, b);
    const one = createRateLimit({ points: 5, windowSeconds: 60, keyPrefix, redis: a });
    const two = createRateLimit({ points: 5, windowSeconds: 60, keyPrefix, redis: b });
    const outcomes = [];
    for (let i = 0; i < 6; i += 1) outcomes.push((await (i % 2 === 0 ? one : two).take('ST-1')).allowed);
    expect(outcomes).toEqual([true, true, true, true, true, false]);
    const refused = await one.take('ST-1');
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(retryAfterSeconds(refused.retryAfterMs)).toBeGreaterThanOrEqual(59);
    // Another key has its own budget; a reset gives the key its budget back on every instance.
    expect((await two.take('ST-2', 5)).allowed).toBe(true);
    await one.reset('ST-1');
    expect(await two.take('ST-1')).toEqual({ allowed: true, remaining: 4 });
  });

  it('a store that cannot be reached is an error, not an open (or shut) gate', async () => {
    const broken = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    broken.on('error', () => undefined);
    clients.push(broken);
    const limit = createRateLimit({ points: 5, windowSeconds: 60, keyPrefix: 'test:rate:broken', redis: broken });
    await expect(limit.take('ST-1')).rejects.toThrow();
  });

  it('in memory (one process): a cost above what is left is refused whole', async () => {
    const limit = createRateLimit({ points: 3, windowSeconds: 60, keyPrefix: 'mem' });
    expect((await limit.take('k', 2)).allowed).toBe(true);
    expect((await limit.take('k', 2)).allowed).toBe(false);
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1_001)).toBe(2);
  });
});
