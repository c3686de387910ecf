import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deadLetterTopicOf, TOPICS, type DeadLetterV1, type HandlingChangeV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, ServiceMetrics } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, HandlingRepository, inTransaction, migrate, RegistryRepository, type StoragePool } from '@roadwatch/storage';
import { anAlert, infraEnv, uniqueName } from '@roadwatch/testing';
import { handlingPart, startSupervision, type RunningSupervision } from '../src/index';

const env = infraEnv();
const logger = createLogger('supervision-handling-test', process.env['LOG_LEVEL'] ?? 'warn');
const MIN = 60_000;
const HOUR = 60 * MIN;
// 2026-11-30 23:50 local (GMT+8): a 30 min deadline falls in the next local day and month.
const T0 = Date.UTC(2026, 10, 30, 15, 50, 0);

describe('supervision handling part on real Kafka and PostgreSQL (RULES §9, §15)', () => {
  const name = uniqueName('handling');
  const schema = name.replace(/[^a-z0-9_]/g, '_');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'handling-test', topicPrefix: `${name}.`, logger });
  let pool: StoragePool;
  let supervision: RunningSupervision;
  let repository: HandlingRepository;
  let nowMs = T0;
  const changes: HandlingChangeV1[] = [];
  const letters: DeadLetterV1[] = [];
  const rowCount = async (alertId: string): Promise<number> =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM alert_handling WHERE alert_id = $1', [alertId])).rows[0]?.n);
  const eventsOf = async (alertId: string): Promise<string[]> => (await repository.events(alertId)).map((e) => e.action);

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'handling-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'BJ1', name: '北京某客运有限公司', regionCode: '110105' });
    await registry.upsertCompany({ companyId: 'BJ2', name: '北京另一运输公司', regionCode: '110108' });
    await registry.upsertVehicle({ vehicleId: '京A10001:2', plate: '京A10001', plateColour: 2, vehicleClass: 'long_distance_bus', companyId: 'BJ1' });
    // Registered to BJ2 now, although the alert's own copy names BJ1: the registry wins.
    await registry.upsertVehicle({
      vehicleId: '京A20002:2',
      plate: '京A20002',
      plateColour: 2,
      vehicleClass: 'heavy_truck',
      companyId: 'BJ2',
      regionCode: '110108',
    });
    repository = new HandlingRepository(pool);
    await bus.ensureTopics([
      { topic: TOPICS.alerts, partitions: 3 },
      { topic: TOPICS.handlingChanges, partitions: 1 },
    ]);
    await bus.subscribe({
      groupId: `${name}-observer`,
      topics: [TOPICS.handlingChanges],
      fromBeginning: true,
      handleBatch: async (batch) => void changes.push(...batch.messages.map((m) => m.value)),
    });
    await bus.subscribe({
      groupId: `${name}-dlq`,
      topics: [deadLetterTopicOf(TOPICS.alerts) as `${typeof TOPICS.alerts}.dlq`],
      fromBeginning: true,
      handleBatch: async (batch) => void letters.push(...batch.messages.map((m) => m.value)),
    });
    supervision = await startSupervision({
      bus,
      pool,
      logger,
      metrics: new ServiceMetrics('handling-test', { defaultMetrics: false }),
      config: { HANDLING_ESCALATION_INTERVAL_MS: 200 },
      now: () => nowMs,
      parts: [handlingPart({ groupId: `${name}-handling` })],
    });
  });

  afterAll(async () => {
    await supervision?.close();
    await bus.close();
    if (pool) await dropStorageSchema(pool, schema);
    await pool?.end();
  });

  it('an alert in, a row out: a fatigue violation of a company bus is on its list with the 30 min deadline from the first notification, and announced', async () => {
    const alert = anAlert({
      alertId: 'fatigue-1',
      vehicleId: '京A10001:2',
      plate: '京A10001',
      companyId: undefined,
      rule: 'fatigue_continuous',
      level: 'violation',
    });
    await bus.publish(TOPICS.alerts, [{ key: alert.vehicleId, value: alert }]);
    const record = await vi.waitUntil(() => repository.get('fatigue-1', {}), { timeout: 30_000, interval: 100 });
    expect(record).toMatchObject({
      companyId: 'BJ1',
      regionCode: '110105', // the company's, the vehicle has none
      state: 'notified',
      due: true,
      handlingSeverity: 'severe',
      firstNotifiedAtMs: T0,
      deadlineAtMs: T0 + 30 * MIN,
      withdrawn: false,
      plate: '京A10001',
    });
    expect(await eventsOf('fatigue-1')).toEqual(['notified']);
    const change = await vi.waitUntil(() => changes.find((c) => c.item.alertId === 'fatigue-1'), { timeout: 30_000, interval: 100 });
    expect(change).toMatchObject({ change: 'notified', item: { companyId: 'BJ1', deadlineAtMs: T0 + 30 * MIN, overdue: false } });
  });

  it('the registry owner wins over the record copy; an alert of a vehicle without a company, or of an unknown company, gets no row', async () => {
    await bus.publish(TOPICS.alerts, [
      { key: '京A20002:2', value: anAlert({ alertId: 'moved-1', vehicleId: '京A20002:2', companyId: 'BJ1' }) },
      { key: '京X99999:2', value: anAlert({ alertId: 'orphan-1', vehicleId: '京X99999:2', companyId: undefined }) },
      { key: '京X99998:2', value: anAlert({ alertId: 'ghost-1', vehicleId: '京X99998:2', companyId: 'NOPE' }) },
      { key: '京A20002:2', value: anAlert({ alertId: 'marker-1', vehicleId: '京A20002:2' }) },
    ]);
    await vi.waitUntil(() => repository.get('marker-1', {}), { timeout: 30_000, interval: 100 });
    expect(await repository.get('moved-1', {})).toMatchObject({ companyId: 'BJ2', regionCode: '110108' });
    expect(await rowCount('orphan-1')).toBe(0);
    expect(await rowCount('ghost-1')).toBe(0);
  });

  it('a pre-warning is listed but never due (no deadline); a 6-point speeding episode gets 24 h', async () => {
    nowMs = T0 + 5 * MIN;
    await bus.publish(TOPICS.alerts, [
      { key: '京A10001:2', value: anAlert({ alertId: 'pre-1', vehicleId: '京A10001:2', rule: 'fatigue_continuous', level: 'prewarning' }) },
      { key: '京A10001:2', value: anAlert({ alertId: 'speed-6', vehicleId: '京A10001:2', rule: 'speeding', points: 6 }) },
    ]);
    const speeding = await vi.waitUntil(() => repository.get('speed-6', {}), { timeout: 30_000, interval: 100 });
    expect(speeding).toMatchObject({ due: true, handlingSeverity: 'standard', deadlineAtMs: nowMs + 24 * HOUR });
    expect(await repository.get('pre-1', {})).toMatchObject({ due: false, deadlineAtMs: null, state: 'notified' });
  });

  it('redelivery changes nothing; a later, more severe revision never shortens the deadline; an older revision arriving late is ignored', async () => {
    nowMs = T0 + 10 * MIN;
    const first = anAlert({ alertId: 'speed-ep', vehicleId: '京A10001:2', rule: 'speeding', points: 6, revision: 0, summary: '超速 25%' });
    await bus.publish(TOPICS.alerts, [{ key: first.vehicleId, value: first }]);
    const created = await vi.waitUntil(() => repository.get('speed-ep', {}), { timeout: 30_000, interval: 100 });
    expect(created.deadlineAtMs).toBe(T0 + 10 * MIN + 24 * HOUR);
    nowMs = T0 + 12 * MIN;
    // The episode grows into the 12-point band (revision 2), then revision 1 arrives late, then revision 2 again (redelivery).
    await bus.publish(TOPICS.alerts, [
      { key: first.vehicleId, value: { ...first, revision: 2, points: 12, severity: 'critical', summary: '超速 55%' } },
      { key: first.vehicleId, value: { ...first, revision: 1, points: 9, summary: '超速 45%' } },
      { key: first.vehicleId, value: { ...first, revision: 2, points: 12, severity: 'critical', summary: '超速 55%' } },
      { key: first.vehicleId, value: first },
      { key: first.vehicleId, value: anAlert({ alertId: 'marker-2', vehicleId: first.vehicleId }) },
    ]);
    await vi.waitUntil(() => repository.get('marker-2', {}), { timeout: 30_000, interval: 100 });
    expect(await repository.get('speed-ep', {})).toMatchObject({
      lastRevision: 2,
      summary: '超速 55%',
      alertSeverity: 'critical',
      handlingSeverity: 'standard',
      deadlineAtMs: T0 + 10 * MIN + 24 * HOUR,
      firstNotifiedAtMs: T0 + 10 * MIN,
    });
    expect(await rowCount('speed-ep')).toBe(1);
    expect(await eventsOf('speed-ep')).toEqual(['notified', 'revised']);
  });

  it('a withdrawn revision sets withdrawn: off the list, never escalated', async () => {
    nowMs = T0 + 15 * MIN;
    const alert = anAlert({ alertId: 'nightban-1', vehicleId: '京A10001:2', rule: 'night_ban_2_5', level: 'violation' });
    await bus.publish(TOPICS.alerts, [{ key: alert.vehicleId, value: alert }]);
    await vi.waitUntil(() => repository.get('nightban-1', {}), { timeout: 30_000, interval: 100 });
    await bus.publish(TOPICS.alerts, [{ key: alert.vehicleId, value: { ...alert, revision: 1, withdrawn: true } }]);
    const withdrawn = await vi.waitUntil(async () => ((await repository.get('nightban-1', {}))?.withdrawn ? repository.get('nightban-1', {}) : undefined), {
      timeout: 30_000,
      interval: 100,
    });
    expect(withdrawn).toMatchObject({ withdrawn: true, lastRevision: 1 });
    expect(await eventsOf('nightban-1')).toEqual(['notified', 'withdrawn']);
    const listed = await repository.list({ scope: { companyId: 'BJ1' }, nowMs, limit: 100, offset: 0 });
    expect(listed.map((r) => r.alertId)).not.toContain('nightban-1');
  });

  it('a bad message is dead-lettered with its reason and does not stall the partition', async () => {
    await bus.publishRaw(TOPICS.alerts, [
      { key: '京A10001:2', value: Buffer.from(JSON.stringify({ ...anAlert({ alertId: 'bad-1', vehicleId: '京A10001:2' }), rule: 'teleporting' })) },
      { key: '京A10001:2', value: Buffer.from([0xff, 0xfe, 0x7b]) },
      { key: '京A10001:2', value: Buffer.from(JSON.stringify(anAlert({ alertId: 'after-bad', vehicleId: '京A10001:2' }))) },
    ]);
    await vi.waitUntil(() => repository.get('after-bad', {}), { timeout: 30_000, interval: 100 });
    await vi.waitUntil(() => letters.length >= 2, { timeout: 30_000, interval: 100 });
    expect(letters.map((l) => l.reason).join(' | ')).toContain('rule');
    expect(await rowCount('bad-1')).toBe(0);
  });

  it('escalation: at the deadline nothing; a millisecond past it the open, unhandled item is escalated once, announced; withdrawn ones and those not yet due are not', async () => {
    // fatigue-1's deadline is T0 + 30 min; speed-6 (24 h) is not due yet. At the deadline itself nothing is overdue.
    nowMs = T0 + 30 * MIN;
    expect(await inTransaction(pool, (tx) => repository.escalateOverdue(tx, T0 + 30 * MIN))).toEqual([]);
    expect((await repository.get('fatigue-1', {}))?.escalatedAtMs).toBeNull();
    nowMs = T0 + 30 * MIN + 1;
    const escalated = await vi.waitUntil(async () => ((await repository.get('fatigue-1', {}))?.escalatedAtMs ? repository.get('fatigue-1', {}) : undefined), {
      timeout: 30_000,
      interval: 100,
    });
    expect(escalated?.escalatedAtMs).toBe(T0 + 30 * MIN + 1);
    expect(await eventsOf('fatigue-1')).toEqual(['notified', 'escalated']);
    const announced = await vi.waitUntil(() => changes.find((c) => c.change === 'escalated' && c.item.alertId === 'fatigue-1'), {
      timeout: 30_000,
      interval: 100,
    });
    expect(announced.item).toMatchObject({ overdue: true, escalatedAtMs: T0 + 30 * MIN + 1, regionCode: '110105' });
    expect(changes.filter((c) => c.change === 'escalated').map((c) => c.item.alertId)).toEqual(['fatigue-1']);
    expect((await repository.get('nightban-1', {}))?.escalatedAtMs).toBeNull();
    const board = await repository.board({ regionPrefix: '1101' }, nowMs, 100, 0);
    expect(board.map((r) => r.alertId)).toEqual(['fatigue-1']);
    expect(await repository.board({ regionPrefix: '4401' }, nowMs, 100, 0)).toEqual([]);
  });
});
