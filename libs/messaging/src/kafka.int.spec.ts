import { pino } from 'pino';
import { runBusContract } from './bus.contract';
import { KafkaBus } from './kafka.bus';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });

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
});
