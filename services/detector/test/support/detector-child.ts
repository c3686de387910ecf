/**
 * One detector member in a process of its own, for tests that kill it with SIGKILL: no
 * graceful close, no last commit, no last checkpoint — what a crashed pod does.
 * Configured by env: KAFKA_BROKERS, TOPIC_PREFIX, GROUP_ID, REDIS_URL, STATE_PREFIX,
 * RULES (toy | libs), SLOW_CHECKPOINT_MS (a slow Redis: widens the window between publishing a
 * batch's alerts and checkpointing it, where a kill hurts most). With a slow checkpoint the
 * child prints `CHECKPOINT_PENDING <alerts>` when it enters one with alerts published and not
 * yet checkpointed, so a test can kill it inside that window instead of at a random moment.
 */
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { startDetector } from '../../src/detector.service';
import { RedisStateStore } from '../../src/state/redis-state-store';
import type { StateStore } from '../../src/state/state-store';
import { testDirectory, testPositionRules } from './scenario';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const logger = createLogger(`detector-child-${process.pid}`, process.env['LOG_LEVEL'] ?? 'warn');
const bus = new KafkaBus({
  brokers: env('KAFKA_BROKERS').split(','),
  clientId: `detector-child-${process.pid}`,
  topicPrefix: env('TOPIC_PREFIX'),
  logger,
  consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000, maxWaitTimeMs: 200 },
});
const redisStore = RedisStateStore.connect(env('REDIS_URL'), env('STATE_PREFIX'));
const slowMs = Number(process.env['SLOW_CHECKPOINT_MS'] ?? 0);
let alertsSinceCheckpoint = 0;
const publish = bus.publish.bind(bus);
bus.publish = async (topic, messages) => {
  await publish(topic, messages);
  if (topic === 'alerts') alertsSinceCheckpoint += messages.length;
};
const stateStore: StateStore =
  slowMs > 0
    ? {
        load: (ref) => redisStore.load(ref),
        checkpoint: async (ref, checkpoint) => {
          if (alertsSinceCheckpoint > 0) process.stdout.write(`CHECKPOINT_PENDING ${alertsSinceCheckpoint}\n`);
          alertsSinceCheckpoint = 0;
          await new Promise((resolve) => setTimeout(resolve, slowMs));
          return redisStore.checkpoint(ref, checkpoint);
        },
        clear: (ref) => redisStore.clear(ref),
        ping: () => redisStore.ping(),
        close: () => redisStore.close(),
      }
    : redisStore;
await startDetector({
  bus,
  stateStore,
  vehicles: testDirectory(),
  positionRules: testPositionRules(env('RULES')),
  groupId: env('GROUP_ID'),
  timersIntervalMs: 0,
  logger,
});
process.stdout.write(`READY ${process.pid}\n`);
