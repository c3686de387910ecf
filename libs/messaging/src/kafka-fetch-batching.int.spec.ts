import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { TOPICS } from '@roadwatch/contracts';
import { position, seqOf } from './bus.contract';
import { KafkaBus } from './kafka.bus';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A consumer's fetch waits for 64 KiB or 200 ms (KafkaBus' defaults), so a trickle of records
 * reaches the handler in a few batches, not one fetch per record (issue #13: the broker served
 * three consumer groups many tiny fetches). Nothing is lost or reordered by the wait.
 */
describe('KafkaBus consumers: a trickle of records comes in few fetches', () => {
  const prefix = `fetchbatch-${randomUUID().slice(0, 8)}.`;
  const bus = new KafkaBus({ brokers, clientId: 'fetch-batching', topicPrefix: prefix, logger });
  afterAll(async () => {
    await bus.close();
    const admin = new Kafka({ clientId: 'fetch-batching-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('20 records published one by one over ~400 ms arrive in at most 6 batches, all of them, in order', async () => {
    await bus.ensureTopics([{ topic: TOPICS.positions, partitions: 1 }]);
    const batches: number[][] = [];
    await bus.subscribe({
      groupId: `g-${randomUUID().slice(0, 8)}`,
      topics: [TOPICS.positions],
      // From the beginning of this test's own topic: a slow group join on a loaded broker loses nothing.
      fromBeginning: true,
      handleBatch: async (batch) => void batches.push(batch.messages.map((m) => seqOf(m.value))),
    });
    await sleep(1_000);
    for (let seq = 0; seq < 20; seq += 1) {
      await bus.publish(TOPICS.positions, [{ key: 'V1', value: position('V1', seq) }]);
      await sleep(20);
    }
    await vi.waitUntil(() => batches.flat().length >= 20, { timeout: 15_000, interval: 20, message: 'the 20 records' });
    expect(batches.flat()).toEqual(Array.from({ length: 20 }, (_, seq) => seq));
    // kafkajs' default (minBytes 1) answers each fetch as soon as one record is there: ~20 batches.
    expect(batches.length).toBeLessThanOrEqual(6);
  });
});
