import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type CaseEventV1 } from '@roadwatch/contracts';
import { InvalidMessageError, KafkaBus, type BusTopic, type OutgoingMessage } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import {
  CaseRepository,
  createPool,
  dropStorageSchema,
  migrate,
  OutboxRelay,
  RegistryRepository,
  type StoragePool,
  type VehicleRecord,
} from '@roadwatch/storage';
import { infraEnv, overloadViolationOf, uniqueName } from '@roadwatch/testing';
import { caseIdOf } from '../src/index';

const env = infraEnv();
const logger = createLogger('cases-outbox-test', process.env['LOG_LEVEL'] ?? 'warn');
const NOW = Date.UTC(2025, 5, 16, 2, 0, 0);

/** Runs the child that opens a case and is killed right after the commit; resolves with its output and signal. */
const openThenDie = (vars: Record<string, string>): Promise<{ output: string; signal: NodeJS.Signals | null }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/open-case-then-die.ts', import.meta.url))], {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      env: { ...process.env, ...vars },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ output, signal }));
  });

describe('cases.events from the outbox: a kill between the commit and the publish loses nothing and sends each event once', () => {
  const name = uniqueName('cases_outbox');
  const schema = name.replace(/[^a-z0-9_]/g, '_');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'cases-outbox-test', topicPrefix: `${name}.`, logger });
  let pool: StoragePool;
  const published: CaseEventV1[] = [];
  const truck: VehicleRecord = {
    vehicleId: '冀A66666:2',
    plate: '冀A66666',
    plateColour: 2,
    vehicleClass: 'heavy_truck',
    companyId: 'HB1',
    regionCode: '130102',
    axleCount: 6,
    isCombination: true,
  };
  const relays: OutboxRelay[] = [];
  const startRelay = (): OutboxRelay => {
    const relay = OutboxRelay.start({
      pool,
      publish: (topic, messages) => bus.publish(topic as BusTopic, messages as OutgoingMessage[]),
      refusedIndex: (error) => (error instanceof InvalidMessageError ? error.index : undefined),
      logger,
      intervalMs: 0,
    });
    relays.push(relay);
    return relay;
  };

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'cases-outbox-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某运输有限公司', regionCode: '130102' });
    await registry.upsertVehicle(truck);
    await bus.ensureTopics([{ topic: TOPICS.caseEvents, partitions: 3 }]);
    await bus.subscribe({
      groupId: `${name}-observer`,
      topics: [TOPICS.caseEvents],
      fromBeginning: true,
      handleBatch: async (batch) => {
        for (const m of batch.messages) published.push(m.value);
      },
    });
  });

  afterAll(async () => {
    for (const relay of relays) await relay.close();
    await bus.close();
    if (pool) {
      await dropStorageSchema(pool, schema);
      await pool.end();
    }
  });

  it('the killed member committed the case with its nine events pending; a restarted relay publishes them once, in order', async () => {
    const v = overloadViolationOf({ stationId: 'ST-K', recordId: 'k1', plate: truck.plate, measuredAtMs: NOW - 3_600_000, grossKg: 70_000, vehicle: truck });
    const caseId = caseIdOf(v.violationId);
    const killed = await openThenDie({
      DATABASE_URL: env.databaseUrl,
      DATABASE_SCHEMA: schema,
      CASE_VIOLATION_JSON: JSON.stringify(v),
      CASE_NOW_MS: String(NOW),
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.output).toContain('COMMITTED');

    // Committed together: the violation, the complete case and its events, all nine unsent.
    const stored = (await new CaseRepository(pool).get(caseId))!;
    expect(stored.penalties).toHaveLength(4);
    expect((await pool.query('SELECT count(*)::int AS n FROM overload_violations WHERE violation_id = $1', [v.violationId])).rows[0].n).toBe(1);
    const pending = await pool.query(`SELECT message_key, payload->>'eventId' AS event_id FROM outbox WHERE topic = $1 AND sent_at IS NULL ORDER BY id`, [
      TOPICS.caseEvents,
    ]);
    expect(pending.rows.map((r) => r.event_id)).toEqual(stored.events.map((e) => e.eventId));
    expect(new Set(pending.rows.map((r) => r.message_key))).toEqual(new Set([caseId]));
    expect(published).toEqual([]);

    // The restarted member's relay publishes what the dead one committed.
    expect(await startRelay().kick()).toBe(9);
    await vi.waitUntil(() => published.length === 9, { timeout: 30_000, interval: 100 });
    expect(published.map((e) => e.eventId)).toEqual(stored.events.map((e) => e.eventId));
    expect(published.map((e) => e.type)).toEqual(['opened', ...Array(4).fill('party_named'), ...Array(4).fill('penalty_proposed')]);
    expect(published[0]).toMatchObject({ v: 1, caseId, violationId: v.violationId, occurredAtMs: NOW });

    // Sent rows are marked: a second relay (another member) finds nothing to send.
    expect((await pool.query(`SELECT count(*)::int AS n FROM outbox WHERE topic = $1 AND sent_at IS NULL`, [TOPICS.caseEvents])).rows[0].n).toBe(0);
    expect(await startRelay().kick()).toBe(0);
    expect(published.map((e) => e.eventId)).toEqual(stored.events.map((e) => e.eventId));
  });
});
