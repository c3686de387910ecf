import type { DriverTimeCarry } from '@roadwatch/rules';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryDriverTimeStore, type DriverTimeStore } from './driver-time-store';
import { RedisDriverTimeStore } from './redis-driver-time-store';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `test:driver-times-${randomUUID().slice(0, 8)}:`;

const carry = (driverId: string, vehicleId: string, lastReportMs: number): DriverTimeCarry => ({
  driverId,
  vehicleId,
  lastReportMs,
  subject: {
    period: { periodStartMs: lastReportMs - 3_600_000, lastDrivingEndMs: lastReportMs },
    periodStart: null,
    history: [],
    continuousPrewarned: false,
    continuousViolated: false,
    nightPrewarned: false,
    nightViolated: false,
    dailyPhase: 'below',
    terminalAlarms: { fatigueAtMs: null, prewarningAtMs: null, dailyExceededAtMs: null },
  },
});

const contract = (name: string, make: () => DriverTimeStore) =>
  describe(`driver-time store: ${name}`, () => {
    const store = make();
    afterAll(() => store.close());

    it('keeps the newer last report whatever order members write in; a replay writing older times changes nothing', async () => {
      const d = `驾驶员-${randomUUID().slice(0, 6)}`;
      await store.put([carry(d, 'Y', 2_000)]);
      await store.put([carry(d, 'X', 1_000)]);
      expect((await store.get([d])).get(d)).toEqual(carry(d, 'Y', 2_000));
      await store.put([carry(d, 'X', 3_000)]);
      expect((await store.get([d, 'nobody'])).get(d)?.vehicleId).toBe('X');
      expect((await store.get(['nobody'])).size).toBe(0);
      expect((await store.get([])).size).toBe(0);
    });

    it('with the times the caller holds, hands back only newer ones (equal or older are not decoded)', async () => {
      const [a, b, c] = ['甲', '乙', '丙'].map((n) => `驾驶员${n}-${randomUUID().slice(0, 6)}`) as [string, string, string];
      await store.put([carry(a, 'X', 5_000), carry(b, 'X', 5_000), carry(c, 'X', 5_000)]);
      const held: Record<string, number> = { [a]: 5_000, [b]: 4_999, [c]: 6_000 };
      const found = await store.get([a, b, c, 'nobody'], (id) => held[id]);
      expect([...found.keys()]).toEqual([b]);
      expect(found.get(b)).toEqual(carry(b, 'X', 5_000));
    });
  });

contract('memory', () => new MemoryDriverTimeStore());
contract('redis', () => RedisDriverTimeStore.connect(REDIS_URL, prefix, 60_000));

describe('RedisDriverTimeStore on the real Redis', () => {
  it('one key per driver, hash-tagged, expiring after the TTL', async () => {
    const redis = new Redis(REDIS_URL);
    const store = RedisDriverTimeStore.connect(REDIS_URL, prefix, 60_000);
    await store.put([carry('QC|1', 'X', 5_000)]);
    const key = `${prefix}driver-time:{QC|1}`;
    expect((await redis.get(key))?.startsWith('5000|')).toBe(true);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect((await store.get(['QC|1'])).get('QC|1')?.lastReportMs).toBe(5_000);
    await redis.del(key);
    await store.close();
    redis.disconnect();
  });
});
