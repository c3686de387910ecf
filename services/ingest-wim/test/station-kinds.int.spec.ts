import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type WimMeasurementV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger, RedisSeenSet, ServiceMetrics } from '@roadwatch/runtime';
import { startIngestWim, StationKeys, type RunningIngestWim } from '../src/index';
import { parseStationKinds } from '../src/station-keys';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const exitRecord = (recordId: string, stationId = 'EX-K1') => ({
  kind: 'site_exit',
  stationId,
  recordId,
  measuredAt: '2026-11-23T08:00:00+08:00',
  plate: '冀A88888',
  plateColour: 2,
  axleCount: 6,
  grossKg: 58_000,
  tareKg: 16_000,
  netKg: 42_000,
  loadingSlipNo: 'ZD-1',
});

// Issue #15 item 4: exit-scale records published to wim.station-records over the real broker.
describe('ingest-wim: exit-scale records on Kafka', () => {
  const prefix = `t-${randomUUID().slice(0, 8)}-`;
  const bus = new KafkaBus({ brokers, clientId: 'ingest-wim-kinds-test', topicPrefix: prefix });
  const seen = RedisSeenSet.connect(redisUrl, `${prefix}wim:seen:`);
  const measurements: WimMeasurementV1[] = [];
  let service: RunningIngestWim;

  beforeAll(async () => {
    await bus.ensureTopics([
      { topic: TOPICS.wimMeasurements, partitions: 1 },
      { topic: TOPICS.wimStationRecords, partitions: 1 },
    ]);
    service = await startIngestWim({
      bus,
      seen,
      stationKeys: StationKeys.parse('EX-K1=k-exit'),
      stationKindOf: parseStationKinds('EX-K1=site_exit'),
      logger: createLogger('ingest-wim-kinds-test', 'error'),
      metrics: new ServiceMetrics('ingest-wim-kinds-test', { defaultMetrics: false }),
      httpPort: 0,
      groupId: `${prefix}ingest-wim`,
    });
    await bus.subscribe({
      groupId: `${prefix}reader`,
      topics: [TOPICS.wimMeasurements],
      fromBeginning: true,
      handleBatch: async (batch) => {
        for (const message of batch.messages) measurements.push(message.value);
      },
    });
  });

  afterAll(async () => {
    await service?.close();
    await bus.close();
    await seen.close();
  });

  it('an exit record reaches wim.measurements with its kind and fields; one of the wrong kind behind the same station is refused, and the next goes on', async () => {
    const { kind: _kind, tareKg: _tare, netKg: _net, loadingSlipNo: _slip, ...asWim } = exitRecord('K-WRONG');
    await bus.publishRaw(TOPICS.wimStationRecords, [
      { key: 'EX-K1', value: Buffer.from(JSON.stringify(exitRecord('K-1'))) },
      {
        key: 'EX-K1',
        value: Buffer.from(JSON.stringify({ ...asWim, lane: 1, direction: 'N', axleWeightsKg: [9_000, 9_000, 10_000, 10_000, 10_000, 10_000], speedKmh: 5 })),
      },
      { key: 'EX-K1', value: Buffer.from(JSON.stringify(exitRecord('K-2'))) },
    ]);
    await vi.waitUntil(() => measurements.find((m) => m.measurementId === 'EX-K1/K-2'), { timeout: 30_000, interval: 100 });
    expect(measurements.find((m) => m.measurementId === 'EX-K1/K-1')).toMatchObject({
      recordKind: 'site_exit',
      tareKg: 16_000,
      netKg: 42_000,
      loadingSlipNo: 'ZD-1',
    });
    expect(measurements.some((m) => m.measurementId === 'EX-K1/K-WRONG')).toBe(false);
  });
});
