import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Partitioners } from 'kafkajs';
import { runBusContract } from './bus.contract';
import { InProcessBus } from './in-process.bus';
import { murmur2, partitionForKey } from './murmur2';

const quiet = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

runBusContract('in-process', {
  makeBus: (topicPrefix) => new InProcessBus({ topicPrefix, logger: quiet, backoff: { initialMs: 5, maxMs: 50 }, maxBatchSize: 64 }),
  waitMs: 5_000,
  quietMs: 50,
  stallAfterMs: 300,
});

describe('murmur2 partitioning', () => {
  it('matches known Kafka murmur2 values', () => {
    // Values from the Java client's UtilsTest.testMurmur2.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
    expect(murmur2(Buffer.from([97, 98, 99]))).toBe(479470107);
  });

  it('puts every key on the partition kafkajs DefaultPartitioner picks', () => {
    const partitioner = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 4, 12]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [0],
        isr: [0],
        offlineReplicas: [],
      }));
      for (let i = 0; i < 500; i += 1) {
        const key = i % 2 ? `京A${10000 + i}:1` : `vehicle-${i}`;
        expect(partitionForKey(key, partitions)).toBe(partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }));
      }
    }
  });
});
