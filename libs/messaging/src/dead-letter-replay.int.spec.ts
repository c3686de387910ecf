import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { TOPICS, type DeadLetterV1, type PositionV1 } from '@roadwatch/contracts';
import { replayDeadLetters } from './dead-letter-replay';
import { KafkaBus } from './kafka.bus';
import { encodeAll } from './codec';
import { sampleMessages } from './sample-messages';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
const prefix = `dlq-replay-${randomUUID().slice(0, 8)}.`;
const bus = new KafkaBus({
  brokers,
  clientId: 'dlq-replay-test',
  topicPrefix: prefix,
  logger,
  consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 10_000, maxWaitTimeMs: 100 },
});

const letter = (offset: number, payload: string, reason: string, payloadEncoding: DeadLetterV1['payloadEncoding'] = 'utf8'): DeadLetterV1 => ({
  v: 1,
  sourceTopic: `${prefix}${TOPICS.positions}`,
  partition: 0,
  offset: String(offset),
  key: 'V1',
  reason,
  payload,
  payloadEncoding,
  failedAtMs: Date.now(),
});

describe('dead-letter replay on real Kafka (npm run dlq:replay)', () => {
  afterAll(async () => {
    await bus.close();
    const admin = new Kafka({ clientId: 'dlq-replay-cleanup', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  it('replays each letter once onto its topic, skips what cannot be replayed with the reason, and a dry run publishes nothing', async () => {
    await bus.ensureTopics([{ topic: TOPICS.positions, partitions: 1 }]);
    const good = sampleMessages[TOPICS.positions](1).value as PositionV1;
    const stillBad = { ...good, speedKmh: 'fast' };
    await bus.publish(`${TOPICS.positions}.dlq`, [
      { key: 'V1', value: letter(1, JSON.stringify(good), 'data error 22003 in handler (group archiver)') },
      { key: 'V1', value: letter(2, '{not json', 'malformed JSON') },
      { key: 'V1', value: letter(3, JSON.stringify(stillBad), 'schema telemetry.positions: speedKmh') },
    ]);

    const received: PositionV1[] = [];
    const reader = await bus.subscribe({
      groupId: `reader-${randomUUID()}`,
      topics: [TOPICS.positions],
      fromBeginning: true,
      handleBatch: async (batch) => void received.push(...batch.messages.map((m) => m.value)),
    });

    const dry = await replayDeadLetters({ bus, topic: TOPICS.positions, dryRun: true, idleMs: 3_000 });
    expect(dry.replayed).toBe(2);
    expect(dry.skipped.map((s) => s.offset)).toEqual(['2']);

    const first = await replayDeadLetters({ bus, topic: TOPICS.positions, groupId: `replay-${randomUUID()}`, idleMs: 3_000 });
    expect(first.replayed).toBe(1);
    expect(first.skipped).toEqual([
      { partition: 0, offset: '2', why: 'payload is not JSON' },
      { partition: 0, offset: '3', why: expect.stringContaining('refused again on publish') },
    ]);
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    expect(received[0]).toMatchObject({ vehicleId: good.vehicleId, deviceTimeMs: good.deviceTimeMs });

    // The same group again: nothing new to replay, nothing published twice.
    const groupId = `replay-${randomUUID()}`;
    await replayDeadLetters({ bus, topic: TOPICS.positions, groupId, idleMs: 3_000 });
    const again = await replayDeadLetters({ bus, topic: TOPICS.positions, groupId, idleMs: 3_000 });
    expect(again).toEqual({ replayed: 0, skipped: [] });
    await reader.close();
  });

  it('replays a binary position (its dead letter keeps the bytes as base64) and skips binary garbage with the reason', async () => {
    await bus.ensureTopics([{ topic: TOPICS.positions, partitions: 1 }]);
    const good = { ...(sampleMessages[TOPICS.positions](1).value as PositionV1), vehicleId: 'V-binary', plate: '京B12345', mileageKm: 12.5 };
    const bytes = encodeAll(TOPICS.positions, [{ key: 'V-binary', value: good }])[0]!.value as Buffer;
    await bus.publish(`${TOPICS.positions}.dlq`, [
      { key: 'V-binary', value: { ...letter(10, bytes.toString('base64'), 'data error 22003 in handler (group archiver)', 'base64'), key: 'V-binary' } },
      { key: 'V-binary', value: { ...letter(11, Buffer.from([0xff, 0x01, 0x02]).toString('base64'), 'malformed binary record', 'base64'), key: 'V-binary' } },
    ]);
    const received: PositionV1[] = [];
    const reader = await bus.subscribe({
      groupId: `reader-${randomUUID()}`,
      topics: [TOPICS.positions],
      fromBeginning: true,
      handleBatch: async (batch) => void received.push(...batch.messages.map((m) => m.value).filter((p) => p.vehicleId === 'V-binary')),
    });
    const report = await replayDeadLetters({
      bus,
      topic: TOPICS.positions,
      groupId: `replay-${randomUUID()}`,
      idleMs: 3_000,
      accept: (l) => l.key === 'V-binary',
    });
    expect(report.replayed).toBe(1);
    expect(report.skipped.filter((s) => s.offset === '11')).toEqual([
      { partition: 0, offset: '11', why: expect.stringMatching(/^payload does not decode: malformed binary record/) },
    ]);
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    expect(received[0]).toEqual(good);
    await reader.close();
  });
});
