import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deadLetterTopicOf, TOPICS, type DeadLetterV1, type WimMeasurementV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, RedisSeenSet, ServiceMetrics } from '@roadwatch/runtime';
import { startIngestWim, StationKeys, type RunningIngestWim } from '../src/index';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const stationRecord = (recordId: string) => ({
  stationId: 'ST-JJ-007',
  recordId,
  lane: 1,
  direction: '天津方向',
  measuredAt: Date.parse('2026-11-23T09:00:00+08:00'),
  plate: '冀B77777',
  plateColour: 2,
  axleCount: 6,
  axleWeightsKg: [7_500, 18_000, 18_500, 19_000, 19_000, 19_000],
  grossKg: 101_000,
  speedKmh: 38,
  accuracyClassPct: 5,
});

describe('ingest-wim against real Kafka and Redis', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}-`;
  const bus = new KafkaBus({ brokers, clientId: 'ingest-wim-test', topicPrefix: prefix });
  const seen = RedisSeenSet.connect(redisUrl, `${prefix}wim:seen:`);
  const measurements: WimMeasurementV1[] = [];
  const deadLetters: DeadLetterV1[] = [];
  let service: RunningIngestWim;

  beforeAll(async () => {
    await bus.ensureTopics([
      { topic: TOPICS.wimMeasurements, partitions: 2 },
      { topic: TOPICS.wimStationRecords, partitions: 2 },
    ]);
    service = await startIngestWim({
      bus,
      seen,
      stationKeys: StationKeys.parse('ST-JJ-007=k-007'),
      logger: createLogger('ingest-wim-test', 'warn'),
      metrics: new ServiceMetrics('ingest-wim-test', { defaultMetrics: false }),
      httpPort: 0,
      groupId: `${prefix}ingest-wim`,
    });
    await bus.subscribe({
      groupId: `${prefix}reader`,
      topics: [TOPICS.wimMeasurements, deadLetterTopicOf(TOPICS.wimStationRecords) as `${typeof TOPICS.wimStationRecords}.dlq`],
      fromBeginning: true,
      handleBatch: async (batch) => {
        for (const message of batch.messages) {
          if (message.topic === TOPICS.wimMeasurements) measurements.push(message.value);
          else deadLetters.push(message.value as DeadLetterV1);
        }
      },
    });
  });

  afterAll(async () => {
    await service.close();
    await bus.close();
    await seen.close();
  });

  it('a 2xx over HTTP means the record is on Kafka, once, even when submitted twice', async () => {
    const submit = () =>
      fetch(`${service.url}/v1/wim/measurements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k-007' },
        body: JSON.stringify(stationRecord('H-1')),
      });
    const first = await submit();
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ status: 'accepted', measurementId: 'ST-JJ-007/H-1' });
    expect(((await (await submit()).json()) as { status: string }).status).toBe('duplicate');
    const stored = await vi.waitUntil(() => measurements.find((m) => m.measurementId === 'ST-JJ-007/H-1'), { timeout: 30_000, interval: 100 });
    expect(stored).toMatchObject({ grossKg: 101_000, plate: '冀B77777', axleCount: 6 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(measurements.filter((m) => m.measurementId === 'ST-JJ-007/H-1')).toHaveLength(1);
  });

  it('a station publishing to Kafka directly: valid records are normalised, invalid ones dead-lettered with the field named', async () => {
    await bus.publishRaw(TOPICS.wimStationRecords, [
      { key: 'ST-JJ-007', value: Buffer.from(JSON.stringify({ ...stationRecord('K-1'), grossKg: 'heavy' })) },
      { key: 'ST-JJ-007', value: Buffer.from(JSON.stringify(stationRecord('K-2'))) },
    ]);
    const normalised = await vi.waitUntil(() => measurements.find((m) => m.measurementId === 'ST-JJ-007/K-2'), { timeout: 30_000, interval: 100 });
    expect(normalised.measuredAtMs).toBe(Date.parse('2026-11-23T01:00:00Z'));
    const deadLetter = await vi.waitUntil(() => deadLetters[0], { timeout: 30_000, interval: 100 });
    expect(deadLetter.reason).toContain('grossKg');
    expect(measurements.some((m) => m.measurementId === 'ST-JJ-007/K-1')).toBe(false);
  });

  it('a plate with a NUL or a lone surrogate is answered 400 naming the field, and never reaches Kafka', async () => {
    const post = (body: string) =>
      fetch(`${service.url}/v1/wim/measurements`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'k-007' }, body });
    // JSON.stringify writes the NUL as `\u0000` and the lone surrogate as `\ud800`: the station's bytes are valid JSON.
    const nul = await post(JSON.stringify({ ...stationRecord('N-1'), plate: '冀B\u00007777' }));
    expect(nul.status).toBe(400);
    expect(await nul.json()).toMatchObject({
      error: 'validation_failed',
      issues: [{ field: 'plate', message: 'contains a NUL character (U+0000) at index 2' }],
    });
    const surrogate = await post(JSON.stringify({ ...stationRecord('N-2'), plate: '冀B7777\ud800' }));
    expect(surrogate.status).toBe(400);
    expect(await surrogate.json()).toMatchObject({ issues: [{ field: 'plate', message: 'contains an unpaired UTF-16 surrogate (U+D800) at index 6' }] });
    const escape = await post(JSON.stringify({ ...stationRecord('N-3'), direction: '天津\u001b[2J' }));
    expect(await escape.json()).toMatchObject({ issues: [{ field: 'direction', message: 'contains an escape character (U+001B) at index 2' }] });
    // The service keeps serving: the next valid record goes through, and is the only one of these on Kafka.
    expect((await post(JSON.stringify(stationRecord('N-4')))).status).toBe(202);
    await vi.waitUntil(() => measurements.find((m) => m.measurementId === 'ST-JJ-007/N-4'), { timeout: 30_000, interval: 100 });
    expect(measurements.filter((m) => ['ST-JJ-007/N-1', 'ST-JJ-007/N-2', 'ST-JJ-007/N-3'].includes(m.measurementId))).toEqual([]);
  });

  it('on wim.station-records a plate with a NUL goes to the dead-letter topic with the reason; the record behind it is normalised', async () => {
    await bus.publishRaw(TOPICS.wimStationRecords, [
      { key: 'ST-JJ-007', value: Buffer.from(JSON.stringify({ ...stationRecord('KN-1'), plate: '冀B\u00007777' })) },
      { key: 'ST-JJ-007', value: Buffer.from(JSON.stringify(stationRecord('KN-2'))) },
    ]);
    await vi.waitUntil(() => measurements.find((m) => m.measurementId === 'ST-JJ-007/KN-2'), { timeout: 30_000, interval: 100 });
    const deadLetter = await vi.waitUntil(() => deadLetters.find((letter) => letter.reason.includes('NUL')), { timeout: 30_000, interval: 100 });
    expect(deadLetter.reason).toContain('plate: contains a NUL character (U+0000) at index 2');
    expect(JSON.parse(deadLetter.payload).recordId).toBe('KN-1');
    expect(measurements.some((m) => m.measurementId === 'ST-JJ-007/KN-1')).toBe(false);
  });
});
