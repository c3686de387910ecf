import { InProcessBus } from '@roadwatch/messaging';
import { createPool, type StoragePool } from '@roadwatch/storage';
import { infraEnv } from '@roadwatch/testing';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceMetrics } from './metrics';
import { startPartsService, type PartsContext, type ServicePart } from './service-parts';

interface TestConfig {
  TEST_INTERVAL_MS: number;
}

/** A part that keeps the context it was started with and logs its start and close. */
const recordingPart = (name: string, log: string[], seen: PartsContext<TestConfig>[]): ServicePart<PartsContext<TestConfig>> => ({
  name,
  start: (context) => {
    log.push(`start ${name}`);
    seen.push(context);
    return Promise.resolve({
      readiness: [{ name: `${name} ready`, check: () => Promise.resolve(true) }],
      close: () => {
        log.push(`close ${name}`);
        return Promise.resolve();
      },
    });
  },
});

describe('startPartsService over the real PostgreSQL', () => {
  const pools: StoragePool[] = [];
  const given = () => {
    const pool = createPool(infraEnv().databaseUrl);
    pools.push(pool);
    return { bus: new InProcessBus(), pool, logger: pino({ level: 'silent' }), metrics: new ServiceMetrics('parts-test') };
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end().catch(() => undefined)));
  });

  it('gives every default part one context with config {} and the wall clock when none is given; closes in reverse', async () => {
    const log: string[] = [];
    const seen: PartsContext<TestConfig>[] = [];
    const options = given();
    const running = await startPartsService<TestConfig>('test', options, [recordingPart('a', log, seen), recordingPart('b', log, seen)]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toEqual({ ...options, config: {}, now: Date.now });
    expect(running.readiness.map((r) => r.name)).toEqual(['database', 'a ready', 'b ready']);
    await running.close();
    expect(log).toEqual(['start a', 'start b', 'close b', 'close a']);
  });

  it('passes the given config and clock, runs the given parts instead of the defaults, and its database check really pings', async () => {
    const log: string[] = [];
    const seen: PartsContext<TestConfig>[] = [];
    const options = given();
    const now = () => Date.UTC(2026, 0, 1, 16, 0, 0);
    const running = await startPartsService<TestConfig>(
      'test',
      { ...options, config: { TEST_INTERVAL_MS: 5 }, now, parts: [recordingPart('given', log, seen)] },
      [recordingPart('default', log, seen)],
    );
    expect(log).toEqual(['start given']);
    expect(seen[0]?.config).toEqual({ TEST_INTERVAL_MS: 5 });
    expect(seen[0]?.now()).toBe(Date.UTC(2026, 0, 1, 16, 0, 0));
    expect(seen[0]).not.toHaveProperty('parts');
    const database = running.readiness[0]!;
    await expect(database.check()).resolves.toBe(true);
    await options.pool.end();
    await expect(database.check()).rejects.toThrow();
    await running.close();
  });
});
