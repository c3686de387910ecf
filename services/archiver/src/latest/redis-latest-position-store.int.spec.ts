import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { aPosition } from '@roadwatch/testing';
import { latestPositionKeys } from '@roadwatch/storage';
import { latestPositionStoreContract } from './latest-position-store.contract';
import { RedisLatestPositionStore } from './redis-latest-position-store';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('RedisLatestPositionStore on the real Redis server', () => {
  latestPositionStoreContract(async () => RedisLatestPositionStore.connect(REDIS_URL, `test:archiver:${randomUUID()}:`));

  it('reads entries an earlier archiver stored as positionV1 JSON, moves them forward in the compact form, never back', async () => {
    const prefix = `test:archiver:${randomUUID()}:`;
    const keys = latestPositionKeys(prefix);
    const redis = new Redis(REDIS_URL);
    const store = RedisLatestPositionStore.connect(REDIS_URL, prefix);
    try {
      const t0 = Date.now() - 60_000;
      const before = [
        aPosition({ vehicleId: '粤A1', deviceTimeMs: t0, speedKmh: 50 }),
        aPosition({ vehicleId: '粤A2', deviceTimeMs: t0, speedKmh: 70, driverId: 'D7' }),
      ];
      for (const p of before) {
        await redis.hset(keys.time, p.vehicleId, String(p.deviceTimeMs));
        await redis.hset(keys.position, p.vehicleId, JSON.stringify(p));
      }
      expect(await store.get('粤A1')).toEqual(before[0]);
      expect(await store.getMany(['粤A2', '粤A1'])).toEqual([before[1], before[0]]);
      // An older report does not move the old entry; a newer one replaces it with a compact one.
      expect(
        await store.advance(
          [aPosition({ vehicleId: '粤A1', deviceTimeMs: t0 - 1_000 }), aPosition({ vehicleId: '粤A2', deviceTimeMs: t0 + 1_000, speedKmh: 71 })],
          Date.now(),
        ),
      ).toBe(1);
      expect(await store.get('粤A1')).toEqual(before[0]);
      expect(await store.get('粤A2')).toEqual(aPosition({ vehicleId: '粤A2', deviceTimeMs: t0 + 1_000, speedKmh: 71 }));
      expect((await redis.hget(keys.position, '粤A2'))?.startsWith('[2,')).toBe(true);
      expect((await store.all()).map((p) => [p.vehicleId, p.deviceTimeMs]).sort()).toEqual([
        ['粤A1', t0],
        ['粤A2', t0 + 1_000],
      ]);
    } finally {
      await redis.del(keys.time, keys.position);
      redis.disconnect();
      await store.close();
    }
  });
});
