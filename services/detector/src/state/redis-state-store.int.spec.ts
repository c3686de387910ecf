import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from './redis-state-store';
import { stateStoreContract } from './state-store.contract';

const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('RedisStateStore on the real Redis server', () => {
  const redis = new Redis(url);
  const prefixes = new WeakMap<object, string>();
  afterAll(async () => {
    await redis.quit();
  });
  // Each test its own prefix; a second store within a test (a restarted member) reads the same keys.
  let current = '';
  let lastTest = '';
  stateStoreContract(
    async () => {
      const test = expect.getState().currentTestName ?? '';
      if (test !== lastTest) [lastTest, current] = [test, `test:detector:${randomUUID()}:`];
      const store = RedisStateStore.connect(url, current);
      prefixes.set(store, current);
      return store;
    },
    async (store, ref, lastOffset, values) => {
      const base = `${prefixes.get(store)}{${ref.topic}:${ref.partition}}`;
      await redis.set(`${base}:offset`, lastOffset);
      for (const [vehicleId, value] of values) await redis.hset(`${base}:states`, vehicleId, value);
    },
  );

  it('two writers of one partition (a zombie and the new owner) adding different record shapes: every value reads back with its own key lists', async () => {
    const prefix = `test:detector:${randomUUID()}:`;
    const ref = { topic: 'telemetry.positions', partition: 0 };
    const zombie = RedisStateStore.connect(url, prefix);
    const owner = RedisStateStore.connect(url, prefix);
    await zombie.checkpoint(ref, { lastOffset: '1', changed: new Map([['a', { shared: { x: 1 } }]]) });
    await zombie.load(ref);
    await owner.load(ref);
    // Both start from the same key lists and each adds its own next one, under the same index.
    expect(await owner.checkpoint(ref, { lastOffset: '10', changed: new Map([['b', { ownerShape: { y: 2 } }]]) })).toBe(true);
    expect(await zombie.checkpoint(ref, { lastOffset: '10', changed: new Map([['c', { zombieShape: { z: [3, '京'] } }]]) })).toBe(true);
    const reader = RedisStateStore.connect(url, prefix);
    expect(Object.fromEntries((await reader.load(ref)).states)).toEqual({
      a: { shared: { x: 1 } },
      b: { ownerShape: { y: 2 } },
      c: { zombieShape: { z: [3, '京'] } },
    });
    for (const store of [zombie, owner, reader]) await store.close();
  });
});
