import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deadLetterTopicOf, TOPICS, type DeadLetterV1, type DriverCardEventV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, RegistryRepository, type StoragePool } from '@roadwatch/storage';
import { infraEnv, uniqueName } from '@roadwatch/testing';
import { ARCHIVED_TOPICS, MemoryLatestPositionStore, startArchiver, type RunningArchiver } from '../src/index';

/**
 * drivers.card-events → driver_card_events on real Kafka and PostgreSQL: the registry's driver
 * resolved by qualification number within the vehicle's company; a redelivery adds nothing;
 * a record that is not a card event is dead-lettered with the reason and the partition goes on.
 */
const env = infraEnv();
const logger = createLogger('archiver-cards-test', process.env['LOG_LEVEL'] ?? 'silent');
const topic = TOPICS.driverCardEvents;
const dlq = deadLetterTopicOf(topic) as `${typeof topic}.dlq`;
const AT = Date.UTC(2026, 10, 23, 1, 0, 0);

describe('archiver: driver card events', () => {
  const name = uniqueName('archiver_cards');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'archiver-cards-test', topicPrefix: `${name}.`, logger });
  const pool: StoragePool = createPool(env.databaseUrl, { schema: name, max: 4, application: 'archiver-cards-test' });
  let archiver: RunningArchiver;
  const card = (over: Partial<DriverCardEventV1>): DriverCardEventV1 => ({
    v: 1,
    terminalId: '13800000001',
    vehicleId: '冀A10001:2',
    registered: true,
    reportedAtMs: AT,
    receivedAtMs: AT + 500,
    event: 'sign_in',
    readResult: 0,
    driverName: '张三',
    qualificationNo: 'Q-D1',
    cardValidUntil: '2030-01-01',
    ...over,
  });

  beforeAll(async () => {
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某运输有限公司', regionCode: '130102' });
    await registry.upsertVehicle({
      vehicleId: '冀A10001:2',
      plate: '冀A10001',
      plateColour: 2,
      vehicleClass: 'heavy_truck',
      companyId: 'HB1',
      regionCode: '130102',
    });
    await registry.upsertDriver({ driverId: 'D1', name: '张三', companyId: 'HB1', qualificationNo: 'Q-D1' });
    await bus.ensureTopics(ARCHIVED_TOPICS.map((t) => ({ topic: t, partitions: 1 })));
    archiver = await startArchiver({
      bus,
      pool,
      latestPositions: new MemoryLatestPositionStore(),
      logger,
      metrics: new ServiceMetrics('archiver-cards-test', { defaultMetrics: false }),
      groupId: `${name}-archiver`,
      maintenance: false,
    });
  });

  afterAll(async () => {
    await archiver?.close();
    await bus.close();
    await dropStorageSchema(pool, name);
    await pool.end();
  });

  it('stores sign-in and sign-out once each, names the registry driver, and dead-letters a record that is no card event', async () => {
    const dead: DeadLetterV1[] = [];
    const reader = await bus.subscribe({
      groupId: `${name}-dlq`,
      topics: [dlq],
      fromBeginning: true,
      handleBatch: async (batch) => void dead.push(...batch.messages.map((m) => m.value)),
    });
    await bus.publish(topic, [{ key: '冀A10001:2', value: card({}) }]);
    await bus.publishRaw(topic, [{ key: '冀A10001:2', value: Buffer.from(JSON.stringify({ ...card({}), event: 'swipe', cardValidUntil: '2030-02-30' })) }]);
    await bus.publish(topic, [
      { key: '冀A10001:2', value: card({}) },
      {
        key: '冀A10001:2',
        value: card({
          event: 'sign_out',
          reportedAtMs: AT + 3_600_000,
          readResult: undefined,
          driverName: undefined,
          qualificationNo: undefined,
          cardValidUntil: undefined,
        }),
      },
      // An unbound terminal's sign-in: kept, with no vehicle and no driver.
      { key: 'terminal:13800000009', value: card({ terminalId: '13800000009', vehicleId: 'terminal:13800000009', registered: false }) },
    ]);
    const rows = async () =>
      (
        await pool.query(
          `SELECT terminal_id, vehicle_id, event, driver_id, card_valid_until::text AS until FROM driver_card_events ORDER BY terminal_id, reported_at`,
        )
      ).rows;
    await vi.waitUntil(async () => (await rows()).length >= 3, { timeout: 30_000, interval: 100, message: 'three card rows' });
    await vi.waitUntil(() => dead.length >= 1, { timeout: 30_000, interval: 50, message: 'the dead letter' });
    expect(await rows()).toEqual([
      { terminal_id: '13800000001', vehicle_id: '冀A10001:2', event: 'sign_in', driver_id: 'D1', until: '2030-01-01' },
      { terminal_id: '13800000001', vehicle_id: '冀A10001:2', event: 'sign_out', driver_id: null, until: null },
      { terminal_id: '13800000009', vehicle_id: null, event: 'sign_in', driver_id: null, until: '2030-01-01' },
    ]);
    expect(dead).toHaveLength(1);
    expect(JSON.stringify(dead[0])).toMatch(/event|cardValidUntil/);
    await reader.close();
  });
});
