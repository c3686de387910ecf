import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type RegistryChangeV1 } from '@roadwatch/contracts';
import { InvalidMessageError, KafkaBus } from '@roadwatch/messaging';
import { OutboxRelay, RelayRepository, type StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { AuditRepository } from '@roadwatch/storage';
import { RegistryAdminRepository } from '../src/repositories/registry-admin.repository';
import { VehiclesRepository } from '../src/repositories/vehicles.repository';
import { RegistryUnitOfWork } from '../src/registry/registry-unit-of-work';
import { SaveRegistryRecordUseCase } from '../src/registry/usecases/save-registry-record/save-registry-record.usecase';
import { RegistryCommandError } from '../src/registry/registry-command.error';
import { dropSchema, env, logger, registryChanges, seededPool } from './support';

/**
 * Issue #12 item 5: a registry write and its `registry.changes` event commit together in the
 * outbox; a relay publishes the row on real Kafka. A process killed between the commit and the
 * publish leaves the row pending, and the next relay publishes it — once.
 */
describe('the registry outbox on real PostgreSQL and Kafka', () => {
  const name = uniqueName('registry_outbox');
  const schema = name.replace(/[^a-z0-9_]/g, '_');
  const bus = new KafkaBus({
    brokers: env.kafkaBrokers.split(','),
    clientId: name,
    topicPrefix: `${name}.`,
    logger,
    consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 200 },
  });
  const seen: RegistryChangeV1[] = [];
  let pool: StoragePool;
  const publish = (topic: string, messages: ReadonlyArray<{ key: string; value: unknown }>) =>
    bus.publish(
      TOPICS.registryChanges,
      messages.map((m) => ({ key: m.key, value: m.value as RegistryChangeV1 })),
    );
  const over = (db: StoragePool) => ({
    vehicles: new VehiclesRepository(db, undefined),
    registryAdmin: new RegistryAdminRepository(db),
    relays: new RelayRepository(db),
    audit: new AuditRepository(db),
  });
  const by = { actor: 'outbox-test' };
  const pending = async (): Promise<number> =>
    Number((await pool.query(`SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL`)).rows[0].n);
  const seenOf = (id: string) => seen.filter((change) => change.id === id);

  beforeAll(async () => {
    pool = await seededPool(schema);
    await bus.ensureTopics([{ topic: TOPICS.registryChanges, partitions: 3 }]);
    await bus.subscribe({
      groupId: `${name}-observer`,
      topics: [TOPICS.registryChanges],
      fromBeginning: true,
      handleBatch: async (batch) => void seen.push(...batch.messages.map((m) => m.value)),
    });
  }, 60_000);

  afterAll(async () => {
    await bus.close();
    await dropSchema(pool, schema);
  });

  /** A use case whose process dies right after each commit: nothing tells a relay to publish. */
  const useCase = () =>
    new SaveRegistryRecordUseCase(
      new RegistryUnitOfWork(
        pool,
        over,
        () => 1_764_000_000_000,
        () => undefined,
      ),
    );

  it('a write committed by a process killed before the publish is published by the next relay, once', async () => {
    await useCase().execute({ by, resource: 'drivers', mode: 'create', record: { driverId: 'D-KILLED', name: '王五', companyId: 'C1' } });
    // Committed with the write: the driver and its pending event.
    expect((await pool.query(`SELECT name FROM drivers WHERE driver_id = 'D-KILLED'`)).rows).toEqual([{ name: '王五' }]);
    expect(await pending()).toBe(1);
    expect((await pool.query(`SELECT actor, action FROM audit_log WHERE target = 'drivers/D-KILLED'`)).rows).toEqual([
      { actor: 'outbox-test', action: 'registry.create' },
    ]);

    // The restarted process's relay.
    const relay = new OutboxRelay({ pool, publish, logger, intervalMs: 0 });
    expect(await relay.kick()).toBe(1);
    expect(await pending()).toBe(0);
    await vi.waitUntil(() => seenOf('D-KILLED').length > 0, { timeout: 30_000, interval: 25 });
    expect(await relay.kick()).toBe(0);
    await relay.close();
    // Another restart publishes nothing again.
    const again = new OutboxRelay({ pool, publish, logger, intervalMs: 0 });
    expect(await again.kick()).toBe(0);

    // A later change on the same key comes after it on its partition: the first was seen once.
    await useCase().execute({ by, resource: 'drivers', mode: 'replace', record: { driverId: 'D-KILLED', name: '王五（改）', companyId: 'C1' } });
    expect(await again.kick()).toBe(1);
    await vi.waitUntil(() => seenOf('D-KILLED').length === 2, { timeout: 30_000, interval: 25 });
    const [created, replaced] = seenOf('D-KILLED');
    expect(created).toEqual({
      v: 1,
      entity: 'driver',
      id: 'D-KILLED',
      change: 'upsert',
      revision: (await registryChanges(pool)).find((c) => c.id === 'D-KILLED')!.revision,
      changedAtMs: 1_764_000_000_000,
    });
    expect(replaced!.revision).toBeGreaterThan(created!.revision);
  });

  it('a publish that fails leaves the rows pending, in order; the next run sends them in id order (at least once)', async () => {
    for (const name of ['一', '二', '三'])
      await useCase().execute({ by, resource: 'drivers', mode: 'create', record: { driverId: `D-ORDER-${name}`, name, companyId: 'C2' } });
    let calls = 0;
    const failing = new OutboxRelay({
      pool,
      publish: async () => {
        calls += 1;
        throw new Error('broker unavailable');
      },
      logger: { warn: () => undefined, error: () => undefined },
      intervalMs: 0,
    });
    expect(await failing.kick()).toBe(0);
    expect(calls).toBe(1);
    expect(await pending()).toBe(3);

    const published: string[] = [];
    const relay = new OutboxRelay({
      pool,
      publish: async (topic, messages) => {
        published.push(...messages.map((m) => (m.value as RegistryChangeV1).id));
        await publish(topic, messages);
      },
      logger,
      intervalMs: 0,
      batchSize: 2,
    });
    expect(await relay.kick()).toBe(3);
    expect(published).toEqual(['D-ORDER-一', 'D-ORDER-二', 'D-ORDER-三']);
    expect(await pending()).toBe(0);
  });

  it('a row the bus refuses for good (not a registry change) is set aside with the reason; the rows after it still go out, in order', async () => {
    await useCase().execute({ by, resource: 'drivers', mode: 'create', record: { driverId: 'D-BEFORE', name: '前', companyId: 'C1' } });
    // Written by something else than appendRegistryChange: an entity the schema does not know.
    await pool.query(
      `INSERT INTO outbox (topic, message_key, payload) VALUES ('registry.changes', 'user:U1', '{"v":1,"entity":"user","id":"U1","change":"upsert","revision":1,"changedAtMs":0}')`,
    );
    await useCase().execute({ by, resource: 'drivers', mode: 'create', record: { driverId: 'D-AFTER', name: '后', companyId: 'C1' } });
    const errors: object[] = [];
    const published: string[] = [];
    const relay = new OutboxRelay({
      pool,
      logger: { warn: () => undefined, error: (details) => void errors.push(details) },
      intervalMs: 0,
      publish: async (topic, messages) => {
        await publish(topic, messages);
        published.push(...messages.map((m) => m.key));
      },
      refusedIndex: (error) => (error instanceof InvalidMessageError ? error.index : undefined),
    });
    expect(await relay.kick()).toBe(2);
    expect(published).toEqual(['driver:D-BEFORE', 'driver:D-AFTER']);
    const { rows } = await pool.query(`SELECT sent_at, failed_at, failure FROM outbox WHERE message_key = 'user:U1'`);
    expect(rows[0].sent_at).toBeNull();
    expect(rows[0].failed_at).toBeInstanceOf(Date);
    expect(rows[0].failure).toMatch(/entity/);
    expect(errors).toEqual([expect.objectContaining({ key: 'user:U1', topic: 'registry.changes' })]);
    expect(await pending()).toBe(0);
    // Set aside, not retried: the next run has nothing to send.
    expect(await relay.kick()).toBe(0);
    await vi.waitUntil(() => seenOf('D-AFTER').length === 1, { timeout: 30_000, interval: 25 });
    expect(seen.some((change) => (change.entity as string) === 'user')).toBe(false);
  });

  it('a refused write leaves neither the row nor an event: a reference to no company, an id that exists', async () => {
    const before = (await registryChanges(pool)).length;
    await expect(
      useCase().execute({ by, resource: 'drivers', mode: 'create', record: { driverId: 'D-NOCO', name: '赵六', companyId: 'NOPE' } }),
    ).rejects.toBeInstanceOf(RegistryCommandError);
    await expect(useCase().execute({ by, resource: 'drivers', mode: 'create', record: { driverId: 'D-KILLED', name: '重复' } })).rejects.toMatchObject({
      kind: 'conflict',
    });
    await expect(useCase().execute({ by, resource: 'drivers', mode: 'replace', record: { driverId: 'D-NONE', name: '无' } })).rejects.toMatchObject({
      kind: 'not_found',
    });
    expect((await pool.query(`SELECT driver_id FROM drivers WHERE driver_id IN ('D-NOCO', 'D-NONE')`)).rows).toEqual([]);
    expect((await pool.query(`SELECT target FROM audit_log WHERE target IN ('drivers/D-NOCO', 'drivers/D-NONE')`)).rows).toEqual([]);
    expect(await registryChanges(pool)).toHaveLength(before);
  });

  it('a write whose event cannot be stored is rolled back with it', async () => {
    // The outbox refuses the row (a check made to fail): the driver is not written either.
    await pool.query(`ALTER TABLE outbox ADD CONSTRAINT outbox_test_refuses CHECK (message_key <> 'driver:D-ROLLBACK')`);
    try {
      await expect(useCase().execute({ by, resource: 'drivers', mode: 'create', record: { driverId: 'D-ROLLBACK', name: '回滚' } })).rejects.toThrow(
        /outbox_test_refuses/,
      );
      expect((await pool.query(`SELECT driver_id FROM drivers WHERE driver_id = 'D-ROLLBACK'`)).rows).toEqual([]);
      // Nor its audit entry, written in the same transaction.
      expect((await pool.query(`SELECT target FROM audit_log WHERE target = 'drivers/D-ROLLBACK'`)).rows).toEqual([]);
    } finally {
      await pool.query(`ALTER TABLE outbox DROP CONSTRAINT outbox_test_refuses`);
    }
  });
});
