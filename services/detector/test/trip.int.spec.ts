import { waitQuiet } from '@roadwatch/testing';
import { describe, expect, it, vi } from 'vitest';
import { TOPICS } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { startDetector } from '../src/detector.service';
import { RedisStateStore } from '../src/state/redis-state-store';
import { OutputCollector } from './support/collector';
import { detectorTopicSpecs, KAFKA_BROKERS, publishPositions, REDIS_URL, uniqueName } from './support/harness';
import { buildTrip, sampleRoads, type Trip } from './support/trip';

/**
 * End to end over the real Kafka and Redis: the simulated trip (speeding episode, 4 h 30
 * drive, bus moving at 03:10, six-axle truck weighed at 101 t) becomes exactly the expected
 * alerts, once each — in one run, and across a detector restart in the middle of the stream.
 */
const logger = createLogger('trip-int', 'warn');
const consumer = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, maxWaitTimeMs: 200 };

const startMember = async (prefix: string, groupId: string, statePrefix: string, trip: Trip) => {
  const bus = new KafkaBus({ brokers: KAFKA_BROKERS.split(','), clientId: uniqueName('trip-detector'), topicPrefix: prefix, logger, consumer });
  const stateStore = RedisStateStore.connect(REDIS_URL, statePrefix);
  const detector = await startDetector({ bus, stateStore, vehicles: trip.directory, roads: sampleRoads(), groupId, timersIntervalMs: 0, logger });
  return {
    detector,
    stop: async () => {
      await detector.close();
      await bus.close();
      await stateStore.close();
    },
  };
};

const assertTrip = (collector: OutputCollector, trip: Trip) => {
  const distinct = new Map(collector.alerts.map((alert) => [alert.alertId, `${alert.vehicleId}|${alert.rule}|${alert.level}`]));
  expect([...distinct.values()].sort()).toEqual(trip.expected);
  // A re-published (alertId, revision) must be the same alert; here each pair differs only by nothing.
  const byKey = new Map<string, string>();
  for (const alert of collector.alerts) {
    const key = `${alert.alertId}@${alert.revision}`;
    const { raisedAtMs: _raised, ...content } = alert;
    const json = JSON.stringify(content);
    expect(byKey.get(key) ?? json).toBe(json);
    byKey.set(key, json);
  }
  expect(new Set(collector.violations.map((violation) => violation.violationId)).size).toBe(1);
  expect(collector.violations[0]).toMatchObject({ vehicleId: trip.weighed.facts.vehicleId, isBaiDunWang: true });
  expect(new Set(collector.commands.map((command) => command.commandId)).size).toBe(1);
  expect(collector.commands[0]).toMatchObject({
    terminalId: trip.fatigued.terminalPhone,
    command: { text: '您已连续驾驶3小时40分钟，请于20分钟内到就近服务区休息' },
  });
};

const setup = async (label: string) => {
  const trip = buildTrip();
  const prefix = `${uniqueName(label)}.`;
  const bus = new KafkaBus({ brokers: KAFKA_BROKERS.split(','), clientId: uniqueName('trip-test'), topicPrefix: prefix, logger });
  await bus.ensureTopics(detectorTopicSpecs(4));
  const collector = await OutputCollector.start(bus, uniqueName('collector'));
  return { trip, prefix, bus, collector, groupId: uniqueName('detector'), statePrefix: `test:${uniqueName(label)}:` };
};

const done = (collector: OutputCollector, trip: Trip) => () =>
  new Set(collector.alerts.map((alert) => `${alert.vehicleId}|${alert.rule}|${alert.level}`)).size >= trip.expected.length && collector.commands.length > 0;

describe('detector end to end on real Kafka and Redis', () => {
  it('turns the simulated trip into exactly the expected alerts, once each', async () => {
    const { trip, prefix, bus, collector, groupId, statePrefix } = await setup('trip');
    const member = await startMember(prefix, groupId, statePrefix, trip);
    await publishPositions(bus, trip.positions);
    await bus.publish(
      TOPICS.wimMeasurements,
      trip.wim.map((value) => ({ key: value.plate, value })),
    );
    await vi.waitUntil(done(collector, trip), { timeout: 60_000, message: 'the expected alerts' });
    await waitQuiet(() => collector.alerts.length, 1_500, 20_000);
    assertTrip(collector, trip);
    expect(collector.republished()).toEqual([]);
    await member.stop();
    await collector.close();
    await bus.close();
  });

  it('gives the same alerts when the detector is stopped mid-stream and a new one takes over', async () => {
    const { trip, prefix, bus, collector, groupId, statePrefix } = await setup('trip-restart');
    const first = await startMember(prefix, groupId, statePrefix, trip);
    const half = Math.floor(trip.positions.length / 2);
    await publishPositions(bus, trip.positions.slice(0, half), 50);
    await vi.waitUntil(() => collector.alerts.length > 0, { timeout: 60_000, message: 'the first alerts' });
    // Stop while the second half is still arriving.
    const rest = publishPositions(bus, trip.positions.slice(half), 50);
    await first.stop();
    await rest;
    await bus.publish(
      TOPICS.wimMeasurements,
      trip.wim.map((value) => ({ key: value.plate, value })),
    );
    const second = await startMember(prefix, groupId, statePrefix, trip);
    await vi.waitUntil(done(collector, trip), { timeout: 60_000, message: 'the expected alerts after the restart' });
    await waitQuiet(() => collector.alerts.length, 1_500, 20_000);
    assertTrip(collector, trip);
    console.info(
      `restart: ${collector.alerts.length} alert messages, ${collector.latestRevisions().size} alert ids, re-published: ${collector.republished().length}`,
    );
    await second.stop();
    await collector.close();
    await bus.close();
  });
});
