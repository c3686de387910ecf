import { waitQuiet } from '@roadwatch/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { OutputCollector } from './support/collector';
import { detectorTopicSpecs, KAFKA_BROKERS, publishPositions, REDIS_URL, referenceRun, spawnDetector, uniqueName, type ChildDetector } from './support/harness';
import { failoverPositions, testDirectory, testPositionRules } from './support/scenario';

/**
 * Scale-out and failover on real Kafka: two detector members share the partitions; one is
 * killed with SIGKILL mid-stream (no graceful close: its in-flight batch is neither
 * checkpointed nor committed). The survivor takes its partitions over from the Redis
 * checkpoints and must produce exactly what one detector alone produces over the same
 * input: the same alert ids with the same revisions, none missing, none extra. A
 * re-publication of an (alertId, revision) already sent is allowed (downstream dedupes on it).
 */
const RULES = process.env['DETECTOR_TEST_RULES'] ?? 'toy';

describe('detector failover on real Kafka', () => {
  const children: ChildDetector[] = [];
  afterAll(() => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  });

  it('a survivor continues every vehicle after its peer is SIGKILLed: no alert lost, none duplicated', async () => {
    const prefix = `${uniqueName('failover')}.`;
    const groupId = uniqueName('detector');
    const statePrefix = `test:${uniqueName('failover')}:`;
    const input = failoverPositions(90);
    const reference = await referenceRun(input, testDirectory(), testPositionRules(RULES));
    const expected = new Set(reference.alerts.map((alert) => `${alert.alertId}@${alert.revision}`));
    expect(expected.size).toBeGreaterThan(500);

    const bus = new KafkaBus({
      brokers: KAFKA_BROKERS.split(','),
      clientId: 'failover-test',
      topicPrefix: prefix,
      logger: createLogger('failover-test', 'warn'),
    });
    await bus.ensureTopics(detectorTopicSpecs(6));
    const env = { KAFKA_BROKERS, REDIS_URL, TOPIC_PREFIX: prefix, GROUP_ID: groupId, STATE_PREFIX: statePrefix, RULES, LOG_LEVEL: 'info' };
    const victim = spawnDetector({ ...env, SLOW_CHECKPOINT_MS: '1000' });
    const survivor = spawnDetector(env);
    children.push(victim, survivor);
    await Promise.all([victim.ready, survivor.ready]);
    const collector = await OutputCollector.start(bus, uniqueName('collector'));

    const third = Math.floor(input.length / 4);
    await publishPositions(bus, input.slice(0, third));
    // Both members are working (each owns part of the partitions) before the kill.
    await vi.waitUntil(() => collector.alerts.length > expected.size / 5, { timeout: 60_000, message: 'alerts from the first third' });
    // The rest goes out in small chunks while the members work; the kill lands mid-stream.
    const rest = publishPositions(bus, input.slice(third), 100);
    await vi.waitUntil(() => collector.alerts.length > expected.size / 2, { timeout: 60_000, message: 'alerts from the middle of the stream' });
    // The victim owned positions partitions and had checkpointed some of them when it died.
    expect(victim.output()).toMatch(/"msg":"partitions assigned"/);
    // Kill it inside the window where it has published alerts but not yet checkpointed them:
    // the case a crash makes hardest, and the one that must show up as re-publication.
    const pendingFrom = victim.output().length;
    await vi.waitUntil(() => victim.output().slice(pendingFrom).includes('CHECKPOINT_PENDING'), { timeout: 60_000, message: 'the victim inside a checkpoint' });
    victim.process.kill('SIGKILL');
    expect(await victim.exited).toBeNull();
    await rest;

    // The survivor takes the victim's partitions over only after the victim's session expired,
    // and then re-runs the batch the victim published but never checkpointed: the same alerts
    // again, same ids and revisions. Waiting for that re-publication is what proves the
    // survivor took over (the stream may have been fully published before the kill).
    await vi.waitUntil(() => collector.republished().length > 0, { timeout: 90_000, message: 're-publication of the alerts the victim never checkpointed' });
    const seen = () => new Set(collector.alerts.map((alert) => `${alert.alertId}@${alert.revision}`));
    await vi.waitUntil(() => seen().size >= expected.size, { timeout: 90_000, message: `all ${expected.size} (alertId, revision) pairs` });
    await waitQuiet(() => collector.alerts.length, 2_000, 30_000);

    const actual = seen();
    expect([...expected].filter((key) => !actual.has(key))).toEqual([]);
    expect([...actual].filter((key) => !expected.has(key))).toEqual([]);
    expect(new Set(collector.alerts.map((alert) => alert.alertId))).toEqual(new Set(reference.alerts.map((alert) => alert.alertId)));
    // Same content for the same (id, revision): a re-publication is the same alert, not a new one.
    const referenceByKey = new Map(reference.alerts.map((alert) => [`${alert.alertId}@${alert.revision}`, alert]));
    for (const alert of collector.alerts) expect(alert).toEqual(referenceByKey.get(`${alert.alertId}@${alert.revision}`));
    const skipped = [...survivor.output().matchAll(/"skipped":(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    const loaded = [...survivor.output().matchAll(/"msg":"partition state loaded"/g)].length;
    console.info(`survivor: ${loaded} partition loads, ${skipped} redelivered messages skipped by the checkpoint`);
    console.info(
      `failover: ${input.length} positions, ${expected.size} (alertId, revision) pairs expected and seen, ${collector.alerts.length - actual.size} re-published after the kill`,
    );

    survivor.process.kill('SIGTERM');
    await survivor.exited;
    await collector.close();
    await bus.close();
  });
});
