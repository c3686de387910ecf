import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, expect, it } from 'vitest';
import { TOPICS } from '@roadwatch/contracts';
import { KafkaBus } from './kafka.bus';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
const prefixes: string[] = [];
const admin = new Kafka({ clientId: 'ensure-topics-test', brokers, logLevel: logLevel.NOTHING }).admin();

afterAll(async () => {
  const topics = (await admin.listTopics()).filter((topic) => prefixes.some((prefix) => topic.startsWith(prefix)));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  await admin.disconnect();
});

/**
 * Replicas of a service start together (a deployment's pods, a scale-out test) and each one
 * ensures its topics. When a topic has fewer partitions than KAFKA_TOPIC_PARTITIONS, every one
 * of them sees it short and asks the broker to grow it; only the first can, the others get
 * INVALID_PARTITIONS — which stopped their start (seen: a detector of the scale-out test died
 * at boot). A member that lost the race must find the topic grown and go on.
 */
it('members growing the same topics at the same moment all start, and the topics have the partitions asked for', async () => {
  await admin.connect();
  for (let round = 0; round < 3; round++) {
    const prefix = `ensure-${randomUUID().slice(0, 8)}.`;
    prefixes.push(prefix);
    const members = Array.from({ length: 3 }, (_, index) => new KafkaBus({ brokers, clientId: `ensure-topics-${index}`, topicPrefix: prefix, logger }));
    await members[0]!.ensureTopics([{ topic: TOPICS.registryChanges, partitions: 1 }]);
    const outcomes = await Promise.allSettled(members.map((bus) => bus.ensureTopics([{ topic: TOPICS.registryChanges, partitions: 4 }])));
    expect(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => String((outcome as PromiseRejectedResult).reason))).toEqual([]);
    const { topics } = await admin.fetchTopicMetadata({ topics: [`${prefix}${TOPICS.registryChanges}`, `${prefix}${TOPICS.registryChanges}.dlq`] });
    expect(topics.map((topic) => topic.partitions.length)).toEqual([4, 4]);
    await Promise.all(members.map((bus) => bus.close()));
  }
});
