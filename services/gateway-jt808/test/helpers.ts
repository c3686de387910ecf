import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { TOPICS, type TopicName } from '@roadwatch/contracts';
import { KafkaBus, type Bus, type KafkaBusOptions } from '@roadwatch/messaging';

export const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const quiet = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

/**
 * A Kafka bus whose topics carry a prefix no other test uses (of `Bus`, a KafkaBus subclass, when
 * given), on the shared broker unless `onBrokers` names another (a test's private broker).
 */
export const isolatedKafkaBus = <B extends KafkaBus = KafkaBus>(
  name: string,
  Bus: new (options: KafkaBusOptions) => B = KafkaBus as never,
  onBrokers: readonly string[] = brokers,
): { bus: B; prefix: string } => {
  const prefix = `t${Date.now().toString(36)}-${randomUUID().slice(0, 8)}.${name}.`;
  const bus = new Bus({
    brokers: [...onBrokers],
    clientId: `gateway-e2e-${name}`,
    topicPrefix: prefix,
    logger: quiet,
    backoff: { initialMs: 50, maxMs: 500 },
    consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000, maxWaitTimeMs: 100 },
  });
  return { bus, prefix };
};

export const ensureGatewayTopics = (bus: Bus, partitions = 3): Promise<void> =>
  bus.ensureTopics([TOPICS.positions, TOPICS.terminalCommands, TOPICS.commandResults].map((topic) => ({ topic, partitions })));

/** Everything on `topic`, read by a fresh consumer group from the beginning. */
export const readTopic = async <T>(bus: Bus, topic: TopicName): Promise<{ values: T[]; close: () => Promise<void> }> => {
  const values: T[] = [];
  const subscription = await bus.subscribe({
    groupId: `reader-${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    handleBatch: async (batch) => {
      for (const message of batch.messages) values.push(message.value as T);
    },
  });
  return { values, close: () => subscription.close() };
};
