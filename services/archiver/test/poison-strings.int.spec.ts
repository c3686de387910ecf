import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deadLetterTopicOf, TOPICS, type DeadLetterV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate } from '@roadwatch/storage';
import { infraEnv, aPosition, uniqueName } from '@roadwatch/testing';
import { ARCHIVED_TOPICS, MemoryLatestPositionStore, startArchiver, type RunningArchiver } from '../src/index';
import { T0, wim } from './support/scenario';

const env = infraEnv();
const logger = createLogger('archiver-poison-test', process.env['LOG_LEVEL'] ?? 'warn');

/**
 * Issue #10: a string PostgreSQL refuses (NUL; an unpaired surrogate has no UTF-8 at all)
 * used to pass the schema and then fail the insert, and the batch was retried for ever — the
 * partition stalled. Now the schema refuses it: the record goes to the dead-letter topic with
 * the reason, and what follows it on the same partition is archived.
 */
describe('archiver: poison strings published raw go to the dead-letter topic, the next message is archived', () => {
  const name = uniqueName('archpoison');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'archiver-poison-test', topicPrefix: `${name}.`, logger });
  const pool = createPool(env.databaseUrl, { schema: name, max: 2, application: 'archiver-poison-test' });
  const deadLetters: DeadLetterV1[] = [];
  let archiver: RunningArchiver;

  beforeAll(async () => {
    await migrate(pool);
    // One partition each: the poison and the good message behind it share it, as on a real key.
    await bus.ensureTopics(ARCHIVED_TOPICS.map((topic) => ({ topic, partitions: 1 })));
    archiver = await startArchiver({
      bus,
      pool,
      latestPositions: new MemoryLatestPositionStore(),
      logger,
      metrics: new ServiceMetrics('archiver-poison-test', { defaultMetrics: false }),
      groupId: `${name}-archiver`,
      maintenance: false,
    });
    await bus.subscribe({
      groupId: `${name}-dlq-reader`,
      topics: [deadLetterTopicOf(TOPICS.positions), deadLetterTopicOf(TOPICS.wimMeasurements)] as `${typeof TOPICS.positions}.dlq`[],
      fromBeginning: true,
      handleBatch: async (batch) => {
        deadLetters.push(...batch.messages.map((message) => message.value as DeadLetterV1));
      },
    });
  });

  afterAll(async () => {
    await archiver?.close();
    await bus.close();
    await dropStorageSchema(pool, name);
    await pool.end();
  });

  const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
  const count = async (sql: string, params: unknown[]) => Number((await pool.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);

  it('a position with a NUL in its plate, then one with a lone surrogate in its driver id: both dead-lettered naming field and index; the valid one after them is archived', async () => {
    await bus.publishRaw(TOPICS.positions, [
      { key: 'VP1', value: raw(aPosition({ vehicleId: 'VP1', deviceTimeMs: T0, plate: '京A\u000012345' })) },
      { key: 'VP1', value: raw(aPosition({ vehicleId: 'VP1', deviceTimeMs: T0 + 10_000, driverId: 'D\ud800' })) },
      { key: 'VP1', value: raw(aPosition({ vehicleId: 'VP1', deviceTimeMs: T0 + 20_000, plate: '京A12345' })) },
    ]);
    await vi.waitUntil(async () => (await count('SELECT count(*) AS n FROM positions WHERE vehicle_id = $1', ['VP1'])) === 1, {
      timeout: 60_000,
      interval: 100,
      message: 'the valid position archived',
    });
    const stored = await pool.query<{ device_time: Date }>('SELECT device_time FROM positions WHERE vehicle_id = $1', ['VP1']);
    expect(stored.rows[0]!.device_time.getTime()).toBe(T0 + 20_000);
    await vi.waitUntil(async () => deadLetters.filter((letter) => letter.key === 'VP1').length === 2, {
      timeout: 60_000,
      interval: 100,
      message: 'two dead letters',
    });
    const [nul, surrogate] = deadLetters.filter((letter) => letter.key === 'VP1').sort((a, b) => Number(a.offset) - Number(b.offset));
    expect(nul).toMatchObject({
      sourceTopic: `${name}.${TOPICS.positions}`,
      payloadEncoding: 'utf8',
      reason: expect.stringContaining('plate: contains a NUL character (U+0000) at index 2'),
    });
    // The refused value is kept as it came (JSON's `\u0000` escape), for the operator to inspect.
    expect(JSON.parse(nul!.payload).plate).toBe('京A\u000012345');
    expect(surrogate!.reason).toContain('driverId: contains an unpaired UTF-16 surrogate (U+D800) at index 1');
  });

  it('a WIM measurement whose plate holds an escape character is dead-lettered; the next one is archived', async () => {
    await bus.publishRaw(TOPICS.wimMeasurements, [
      { key: 'P1', value: raw({ ...wim('POISON-1'), plate: '冀B\u001b7777' }) },
      { key: 'P1', value: raw(wim('GOOD-1')) },
    ]);
    await vi.waitUntil(async () => (await count('SELECT count(*) AS n FROM wim_measurements WHERE station_record_id = $1', ['GOOD-1'])) === 1, {
      timeout: 60_000,
      interval: 100,
      message: 'the valid WIM record archived',
    });
    await vi.waitUntil(async () => deadLetters.some((letter) => letter.key === 'P1'), { timeout: 60_000, interval: 100, message: 'its dead letter' });
    expect(deadLetters.find((letter) => letter.key === 'P1')!.reason).toContain('plate: contains an escape character (U+001B) at index 2');
    expect(await count('SELECT count(*) AS n FROM wim_measurements WHERE station_record_id = $1', ['POISON-1'])).toBe(0);
  });
});
