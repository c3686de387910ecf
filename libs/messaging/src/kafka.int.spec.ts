import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { runBusContract } from './bus.contract';
import { KafkaBus } from './kafka.bus';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

/** Every test's topics go when it ends: the shared broker's restart time grows with its partition count. */
const deleteTopicsWithPrefixes = async (prefixes: string[]): Promise<void> => {
  if (prefixes.length === 0) return;
  const admin = new Kafka({ clientId: 'messaging-contract-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => prefixes.some((prefix) => topic.startsWith(prefix)));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } catch (error) {
    logger.warn({ err: error, prefixes }, 'could not delete test topics');
  } finally {
    await admin.disconnect();
  }
};

runBusContract('kafka', {
  makeBus: (topicPrefix) =>
    new KafkaBus({
      brokers,
      clientId: 'messaging-contract',
      topicPrefix,
      logger,
      backoff: { initialMs: 50, maxMs: 500 },
      consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000, maxWaitTimeMs: 100 },
    }),
  waitMs: 30_000,
  quietMs: 1_000,
  stallAfterMs: 2_000,
  dispose: (prefixes) => deleteTopicsWithPrefixes(prefixes),
});
