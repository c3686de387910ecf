import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { TOPICS } from '@roadwatch/contracts';
import type { Subscription } from './bus';
import { InProcessBus } from './in-process.bus';
import { position, seqOf } from './bus.contract';

const positions = TOPICS.positions;

/** A logger whose lines the test reads back. */
const capturingLogger = () => {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
};

const publishRange = async (bus: InProcessBus, from: number, to: number, perCall = 500): Promise<void> => {
  for (let seq = from; seq < to; seq += perCall) {
    const end = Math.min(to, seq + perCall);
    await bus.publish(
      positions,
      Array.from({ length: end - seq }, (_, i) => ({ key: 'V1', value: position('V1', seq + i) })),
    );
  }
};

describe('in-process bus retention', () => {
  const subscriptions: Subscription[] = [];
  const buses: InProcessBus[] = [];
  afterEach(async () => {
    await Promise.allSettled(subscriptions.splice(0).map((s) => s.close()));
    await Promise.allSettled(buses.splice(0).map((b) => b.close()));
  });
  const newBus = (options: ConstructorParameters<typeof InProcessBus>[0]) => {
    const bus = new InProcessBus({ logger: pino({ level: 'silent' }), maxBatchSize: 200, ...options });
    buses.push(bus);
    return bus;
  };
  const counting = async (bus: InProcessBus, groupId: string, seen: number[], fromBeginning = true) => {
    const sub = await bus.subscribe({
      groupId,
      topics: [positions],
      fromBeginning,
      handleBatch: async (batch) => void seen.push(...batch.messages.map((m) => seqOf(m.value))),
    });
    subscriptions.push(sub);
    return sub;
  };

  it('drops what every consumer group has committed, so the log stays bounded while they keep up', async () => {
    const keptBytes = 64 * 1024;
    const bus = newBus({ retention: { committedBytesKeptPerPartition: keptBytes } });
    await bus.ensureTopics([{ topic: positions, partitions: 1 }]);
    const a: number[] = [];
    const b: number[] = [];
    await counting(bus, 'archiver', a);
    await counting(bus, 'detector', b);
    let mostBytes = 0;
    let mostRecords = 0;
    for (let round = 0; round < 40; round += 1) {
      await publishRange(bus, round * 500, (round + 1) * 500);
      await vi.waitUntil(() => a.length >= (round + 1) * 500 && b.length >= (round + 1) * 500, {
        timeout: 5_000,
        interval: 20,
        message: `both groups past round ${round}`,
      });
      const kept = bus.retained(positions);
      mostBytes = Math.max(mostBytes, kept.bytes);
      mostRecords = Math.max(mostRecords, kept.records);
    }
    // 20,000 records went through; at no point were more than twice the kept bytes plus a batch held.
    const recordBytes = bus.retained(positions).bytes / bus.retained(positions).records;
    expect(mostBytes).toBeLessThanOrEqual(2 * keptBytes + 500 * recordBytes);
    expect(mostRecords).toBeLessThan(1_500);
    expect(bus.retained(positions).baseOffsets[0]).toBeGreaterThan(18_000);
    expect(a).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    expect(b).toEqual(a);
    expect(bus.lagOf('archiver', positions)).toBe(0);

    // A group that joins now replays from the oldest record kept.
    const late: number[] = [];
    await counting(bus, 'late', late);
    const { records, baseOffsets } = bus.retained(positions);
    await vi.waitUntil(() => late.length >= records, { timeout: 5_000, interval: 20, message: 'the late group to read what is kept' });
    expect(late[0]).toBe(baseOffsets[0]);
    expect(late.at(-1)).toBe(19_999);
  });

  it('keeps what a slow group has not committed, even when the others are far ahead', async () => {
    const bus = newBus({ retention: { committedBytesKeptPerPartition: 1024 } });
    await bus.ensureTopics([{ topic: positions, partitions: 1 }]);
    const fast: number[] = [];
    await counting(bus, 'fast', fast);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: number[] = [];
    subscriptions.push(
      await bus.subscribe({
        groupId: 'slow',
        topics: [positions],
        fromBeginning: true,
        handleBatch: async (batch) => {
          await gate;
          slow.push(...batch.messages.map((m) => seqOf(m.value)));
        },
      }),
    );
    await publishRange(bus, 0, 2_000);
    await vi.waitUntil(() => fast.length >= 2_000, { timeout: 5_000, interval: 20, message: 'the fast group' });
    expect(bus.retained(positions).baseOffsets[0]).toBe(0);
    expect(bus.lagOf('slow', positions)).toBe(2_000);
    release();
    await vi.waitUntil(() => slow.length >= 2_000, { timeout: 5_000, interval: 20, message: 'the slow group' });
    expect(slow).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
    // Once the slow group is through, a later commit trims.
    await publishRange(bus, 2_000, 2_100);
    await vi.waitUntil(() => slow.length >= 2_100 && fast.length >= 2_100, { timeout: 5_000, interval: 20, message: 'both through' });
    expect(bus.retained(positions).baseOffsets[0]).toBeGreaterThan(1_900);
  });

  it('caps a partition by records and bytes: the oldest go, with a warning naming each group that lost records and how many; its next member skips ahead', async () => {
    const { logger, lines } = capturingLogger();
    const bus = newBus({ logger, retention: { maxRecordsPerPartition: 1_000 } });
    await bus.ensureTopics([{ topic: positions, partitions: 1 }]);
    // `idle` read 10 records and left: its committed offset holds the log back.
    const idleSeen: number[] = [];
    const idle = await counting(bus, 'idle', idleSeen);
    await publishRange(bus, 0, 10);
    await vi.waitUntil(() => idleSeen.length >= 10, { timeout: 5_000, interval: 20, message: 'idle to read 10' });
    await idle.close();
    await publishRange(bus, 10, 3_000, 100);
    const kept = bus.retained(positions);
    expect(kept.records).toBeLessThanOrEqual(1_000);
    expect(kept.records).toBeGreaterThan(800);
    const warnings = lines.filter((line) => String(line['msg']).includes('retention cap'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.length).toBeLessThanOrEqual(30);
    const lost = warnings.flatMap((line) => line['lost'] as { groupId: string; lostRecords: number; fromOffset: number }[]);
    expect(lost.every((entry) => entry.groupId === 'idle')).toBe(true);
    expect(lost[0]!.fromOffset).toBe(10);
    // Every record dropped was counted as lost by `idle`, once.
    expect(lost.reduce((sum, entry) => sum + entry.lostRecords, 0)).toBe(kept.baseOffsets[0]! - 10);

    const resumed: number[] = [];
    await counting(bus, 'idle', resumed);
    await vi.waitUntil(() => resumed.length >= kept.records, { timeout: 5_000, interval: 20, message: 'idle to read what is kept' });
    expect(resumed[0]).toBe(kept.baseOffsets[0]);
    expect(resumed.at(-1)).toBe(2_999);
  });

  it('caps a partition nobody reads, saying so', async () => {
    const { logger, lines } = capturingLogger();
    const bus = newBus({ logger, retention: { maxBytesPerPartition: 200_000 } });
    await bus.ensureTopics([{ topic: positions, partitions: 1 }]);
    await publishRange(bus, 0, 2_000);
    expect(bus.retained(positions).bytes).toBeLessThanOrEqual(200_000);
    expect(lines.some((line) => String(line['msg']).includes('no consumer group reads'))).toBe(true);
  });

  it('puts a stalled consumer on a metric naming its group and topic and in a log line; counts its dead letters', async () => {
    const { logger, lines } = capturingLogger();
    const registry = new Registry();
    const bus = newBus({ logger, metrics: { registry }, stallAfterMs: 200, backoff: { initialMs: 10, maxMs: 40 } });
    await bus.ensureTopics([{ topic: positions, partitions: 1 }]);
    let outage = true;
    subscriptions.push(
      await bus.subscribe({
        groupId: 'archiver',
        topics: [positions],
        fromBeginning: true,
        handleBatch: async (batch) => {
          if (outage) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
          if (batch.messages.some((m) => seqOf(m.value) === 3)) throw Object.assign(new Error('invalid input syntax'), { code: '22P02' });
        },
      }),
    );
    await publishRange(bus, 0, 5);
    const stalledValue = async () =>
      (await registry.getSingleMetric('roadwatch_consumer_stalled')!.get()).values.find(
        (v) => v.labels['group'] === 'archiver' && v.labels['topic'] === positions,
      )?.value;
    await vi.waitUntil(() => bus.stalledConsumers().length === 1, { timeout: 5_000, interval: 20, message: 'the stall on the metric' });
    expect(await stalledValue()).toBe(1);
    const line = lines.find((l) => String(l['msg']).startsWith('consumer stalled'));
    expect(line).toMatchObject({ groupId: 'archiver', topic: positions, partition: 0, lag: 5, level: 50 });
    outage = false;
    await vi.waitUntil(() => bus.lagOf('archiver', positions) === 0, { timeout: 5_000, interval: 20, message: 'progress' });
    await vi.waitUntil(() => bus.stalledConsumers().length === 0, { timeout: 5_000, interval: 20, message: 'the metric back to 0' });
    expect(await stalledValue()).toBe(0);
    expect(lines.some((l) => l['msg'] === 'consumer moving again' && l['groupId'] === 'archiver')).toBe(true);
    const dead = (await registry.getSingleMetric('roadwatch_consumer_dead_letters_total')!.get()).values.find((v) => v.labels['stage'] === 'handler');
    expect(dead).toMatchObject({ value: 1, labels: { group: 'archiver', topic: positions } });
    expect(bus.retained(TOPICS.positions).records).toBe(5);
  });
});
