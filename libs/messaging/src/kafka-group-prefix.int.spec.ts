import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { TOPICS } from '@roadwatch/contracts';
import { position, seqOf } from './bus.contract';
import { KafkaBus } from './kafka.bus';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

/**
 * Two platforms on one broker, each under its own topic prefix and with the same group names
 * (`detector`, …), as two whole-platform tests running at once: with a group prefix each is its
 * own group and each reads all of its own records. Without one they shared a group, and kafkajs's
 * round-robin assigner gave one member partitions of the other's topics — its own records went unread.
 */
describe('KafkaBus: groupPrefix keeps two platforms on one broker out of each other’s groups', () => {
  const buses: KafkaBus[] = [];
  const prefixes: string[] = [];
  afterAll(async () => {
    await Promise.allSettled(buses.map((bus) => bus.close()));
    const admin = new Kafka({ clientId: 'group-prefix-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => prefixes.some((prefix) => topic.startsWith(prefix)));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.deleteGroups(prefixes.map((prefix) => `${prefix}detector`)).catch(() => undefined);
    await admin.disconnect();
  });

  it('the same group name under two prefixes: two groups on the broker, each reading all of its own 4 partitions', async () => {
    const platform = async () => {
      const prefix = `grp-${randomUUID().slice(0, 8)}.`;
      prefixes.push(prefix);
      const bus = new KafkaBus({ brokers, clientId: 'group-prefix', topicPrefix: prefix, groupPrefix: prefix, logger, consumer: { maxWaitTimeMs: 100 } });
      buses.push(bus);
      await bus.ensureTopics([{ topic: TOPICS.positions, partitions: 4 }]);
      return { prefix, bus };
    };
    const [a, b] = [await platform(), await platform()];
    const seen = new Map<KafkaBus, Set<string>>([
      [a.bus, new Set()],
      [b.bus, new Set()],
    ]);
    for (const { bus } of [a, b])
      await bus.subscribe({
        groupId: 'detector',
        topics: [TOPICS.positions],
        fromBeginning: true,
        handleBatch: async (batch) => void batch.messages.forEach((m) => seen.get(bus)!.add(`${m.key}:${seqOf(m.value)}`)),
      });
    // 20 keys spread over the 4 partitions of each platform's topic.
    for (const { bus } of [a, b])
      await bus.publish(
        TOPICS.positions,
        Array.from({ length: 20 }, (_, v) => ({ key: `V${v}`, value: position(`V${v}`, 1) })),
      );
    await vi.waitUntil(() => seen.get(a.bus)!.size === 20 && seen.get(b.bus)!.size === 20, { timeout: 60_000, interval: 50 });
    const admin = new Kafka({ clientId: 'group-prefix-check', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups).toEqual(expect.arrayContaining([`${a.prefix}detector`, `${b.prefix}detector`]));
    } finally {
      await admin.disconnect();
    }
    // lagOf names the same physical group: once committed, nothing is left.
    await vi.waitUntil(async () => (await a.bus.lagOf('detector', TOPICS.positions)) === 0, { timeout: 30_000, interval: 200 });
  });
});
