import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { TOPICS } from '@roadwatch/contracts';
import { position, seqOf } from './bus.contract';
import { KafkaBus } from './kafka.bus';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

/**
 * The producer has one request in flight; publishes made meanwhile go out together in the next
 * produce request (issue #13: the broker's CPU follows requests, and the gateway's workers
 * publish many small lingered batches). Still per-key order, each publish resolving on its ack,
 * and one refused message failing only its own publish.
 */
describe('KafkaBus: publishes made while a request is in flight share the next one', () => {
  const prefixes: string[] = [];
  const buses: KafkaBus[] = [];
  afterEach(async () => {
    await Promise.allSettled(buses.splice(0).map((bus) => bus.close()));
    const admin = new Kafka({ clientId: 'coalescing-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => prefixes.some((prefix) => topic.startsWith(prefix)));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    prefixes.splice(0);
  });
  const newBus = async () => {
    const prefix = `coalesce-${randomUUID().slice(0, 8)}.`;
    prefixes.push(prefix);
    const bus = new KafkaBus({ brokers, clientId: 'coalescing', topicPrefix: prefix, logger, consumer: { maxWaitTimeMs: 100 } });
    buses.push(bus);
    await bus.ensureTopics([{ topic: TOPICS.positions, partitions: 4 }]);
    return bus;
  };
  const readAll = async (bus: KafkaBus, expected: number) => {
    const seen: { key: string; seq: number }[] = [];
    await bus.subscribe({
      groupId: `g-${randomUUID().slice(0, 8)}`,
      topics: [TOPICS.positions],
      fromBeginning: true,
      handleBatch: async (batch) => void seen.push(...batch.messages.map((m) => ({ key: m.key!, seq: seqOf(m.value) }))),
    });
    await vi.waitUntil(() => seen.length >= expected, { timeout: 30_000, interval: 20, message: `${expected} records` });
    return seen;
  };

  it('20 publishes made at once take 2 produce requests (the first alone, 19 together), keep per-key order and each resolves', async () => {
    const bus = await newBus();
    const before = bus.produceRequests;
    // Publish k carries seq k of vehicles V0…V9: per key, the publishes' order is the records' order.
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, seq) =>
        bus.publish(
          TOPICS.positions,
          Array.from({ length: 10 }, (_, v) => ({ key: `V${v}`, value: position(`V${v}`, seq) })),
        ),
      ),
    );
    expect(settled.map((s) => s.status)).toEqual(Array(20).fill('fulfilled'));
    expect(bus.produceRequests - before).toBe(2);
    const seen = await readAll(bus, 200);
    expect(seen).toHaveLength(200);
    for (let v = 0; v < 10; v += 1) expect(seen.filter((r) => r.key === `V${v}`).map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, seq) => seq));
  });

  it('a message the broker refuses fails only the publish it came in; the ones it travelled with are written', async () => {
    const bus = await newBus();
    await bus.publish(TOPICS.positions, [{ key: 'V0', value: position('V0', 0) }]);
    // Made together: the first is sent alone, the next three share a request with the oversized record.
    const first = bus.publish(TOPICS.positions, [{ key: 'V1', value: position('V1', 1) }]);
    const before = bus.publishRaw(TOPICS.positions, [{ key: 'V2', value: Buffer.from(JSON.stringify(position('V2', 2))) }]);
    const tooLarge = bus.publishRaw(TOPICS.positions, [{ key: 'V9', value: Buffer.alloc(2 * 1024 * 1024, 0x7b) }]);
    const after = bus.publish(TOPICS.positions, [{ key: 'V3', value: position('V3', 3) }]);
    await expect(tooLarge).rejects.toThrow(/too large|larger than/i);
    await expect(Promise.all([first, before, after])).resolves.toBeDefined();
    const seen = await readAll(bus, 4);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.map((r) => r.key).sort()).toEqual(['V0', 'V1', 'V2', 'V3']);
  });
});
