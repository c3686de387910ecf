import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Partitioners } from 'kafkajs';
import { TOPICS } from '@roadwatch/contracts';
import { runBusContract, position, waitFor } from './bus.contract';
import { InProcessBus } from './in-process.bus';
import { murmur2, partitionForKey } from './murmur2';

const quiet = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

runBusContract('in-process', {
  makeBus: (topicPrefix) => new InProcessBus({ topicPrefix, logger: quiet, backoff: { initialMs: 5, maxMs: 50 }, maxBatchSize: 64 }),
  waitMs: 5_000,
  quietMs: 50,
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
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0], offlineReplicas: [] }));
      for (let i = 0; i < 500; i += 1) {
        const key = i % 2 ? `京A${10000 + i}:1` : `vehicle-${i}`;
        expect(partitionForKey(key, partitions)).toBe(partitioner({ topic: 't', partitionMetadata, message: { key, value: null } }));
      }
    }
  });
});

describe('in-process specifics', () => {
  it('lets an in-flight batch finish and commit when the subscription closes', async () => {
    const bus = new InProcessBus({ logger: quiet, topicPrefix: 'close-test.' });
    await bus.ensureTopics([{ topic: TOPICS.positions, partitions: 1 }]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    let finished = false;
    const sub = await bus.subscribe({
      groupId: 'g',
      topics: [TOPICS.positions],
      fromBeginning: true,
      handleBatch: async () => {
        started = true;
        await gate;
        finished = true;
      },
    });
    await bus.publish(TOPICS.positions, [{ key: 'V1', value: position('V1', 0) }]);
    await waitFor('the handler to start', () => started, 1000);
    const closing = sub.close();
    release();
    await closing;
    expect(finished).toBe(true);
    const again: unknown[] = [];
    await bus.subscribe({ groupId: 'g', topics: [TOPICS.positions], fromBeginning: true, handleBatch: async (b) => void again.push(...b.messages) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(again).toEqual([]);
    await bus.close();
    await expect(bus.publish(TOPICS.positions, [{ key: 'V1', value: position('V1', 1) }])).rejects.toThrow(/closed/);
  });
});
