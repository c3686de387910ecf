/**
 * kafkajs 2.2.4 (what libs/messaging uses) against @platformatic/kafka, a maintained pure-JS
 * client, on the local broker: CPU-µs per record and records/s to produce and to consume
 * 200-byte records in batches, as the services do (prints figures; not a test).
 *
 *   npx tsx loadtests/kafka-client.bench.ts
 *   env: BENCH_RECORDS (200000), BENCH_BATCH (records per send, 500), BENCH_CONCURRENCY (sends
 *   in flight, 4), BENCH_PARTITIONS (12), BENCH_CLIENTS (kafkajs,platformatic), BENCH_ROUNDS (2)
 *
 * Each client runs in a child process of its own (no shared JIT, heap or sockets), once per
 * round, alternating, on a fresh topic it deletes afterwards:
 * - produce: BENCH_RECORDS records (key = a vehicle id, value = 200 bytes of JSON, one header)
 *   in sends of BENCH_BATCH records with BENCH_CONCURRENCY sends in flight, idempotent, acks =
 *   all, as KafkaBus publishes the gateway's position batches;
 * - consume: a consumer group reads them from the earliest offset and commits by hand after
 *   every batch (KafkaBus: `eachBatch`, autoCommit off); the handler turns each value into a
 *   string, as the bus's decoder does before its JSON.parse.
 * CPU is the child's own `process.cpuUsage()` over each phase (user + system), so the broker's
 * cost and the other tenants of the box are outside it; wall-clock rates are noisier.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners, type Consumer as KafkajsConsumer } from 'kafkajs';
import { compatibilityPartitioner, Consumer, Producer, type Message } from '@platformatic/kafka';
import { infraEnv, uniqueName } from '@roadwatch/testing';
import { recordOutput } from './perf-doc';

// `--record` (the parent only; its children get other arguments): what this bench prints becomes its section of docs/performance.md.
recordOutput('kafka-client');

type ClientName = 'kafkajs' | 'platformatic';
interface PhaseFigures {
  records: number;
  cpuUs: number;
  wallMs: number;
}
interface RunFigures {
  client: ClientName;
  produce: PhaseFigures;
  consume: PhaseFigures;
  rssMb: number;
}

const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 200_000);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 500);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 4);
const PARTITIONS = Number(process.env['BENCH_PARTITIONS'] ?? 12);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const CLIENTS = (process.env['BENCH_CLIENTS'] ?? 'kafkajs,platformatic').split(',') as ClientName[];
/** @platformatic/kafka's stream buffer in records (its default is 1,024; kafkajs hands over up to 1 MB per partition). */
const HIGH_WATER_MARK = Number(process.env['BENCH_HIGH_WATER_MARK'] ?? 0);
const RECORD_BYTES = 200;
const brokers = infraEnv().kafkaBrokers.split(',');

/** A position-like JSON text padded to exactly RECORD_BYTES bytes. */
const recordValue = (index: number): string => {
  const head = JSON.stringify({ v: 1, vehicleId: `京A${String(10_000 + (index % 10_000))}_2`, deviceTimeMs: 1_741_914_000_000 + index * 1000, pad: '' });
  return head.replace('"pad":""', `"pad":"${'x'.repeat(RECORD_BYTES - Buffer.byteLength(head))}"`);
};
const keyOf = (index: number): string => `vehicle-${index % 10_000}`;

const cpuUsNow = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const measure = async (records: number, work: () => Promise<void>): Promise<PhaseFigures> => {
  const cpuStart = cpuUsNow();
  const wallStart = performance.now();
  await work();
  return { records, cpuUs: cpuUsNow() - cpuStart, wallMs: performance.now() - wallStart };
};

/** Runs `send(first, count)` over the records in BATCH-sized sends, CONCURRENCY at a time. */
const produceAll = async (send: (first: number, count: number) => Promise<void>): Promise<void> => {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < RECORDS) {
      const first = next;
      const count = Math.min(BATCH, RECORDS - first);
      next += count;
      await send(first, count);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
};

const createTopic = async (topic: string): Promise<void> => {
  const admin = new Kafka({ clientId: 'kafka-client-bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
};

const deleteTopic = async (topic: string): Promise<void> => {
  const admin = new Kafka({ clientId: 'kafka-client-bench-admin', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
};

const runKafkajs = async (topic: string): Promise<Omit<RunFigures, 'client' | 'rssMb'>> => {
  const kafka = new Kafka({ clientId: 'kafka-client-bench', brokers, logLevel: logLevel.NOTHING });
  // As KafkaBus: idempotent, one request in flight, murmur2 (the Java client's partitioner).
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const produce = await measure(RECORDS, () =>
    produceAll(async (first, count) => {
      const messages = Array.from({ length: count }, (_, i) => ({
        key: keyOf(first + i),
        value: recordValue(first + i),
        headers: { 'content-type': 'application/json' },
      }));
      await producer.send({ topic, acks: -1, messages });
    }),
  );
  await producer.disconnect();

  const consumer: KafkajsConsumer = kafka.consumer({ groupId: uniqueName('bench_kafkajs'), maxWaitTimeInMs: 500, maxBytesPerPartition: 1_048_576 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  let valueChars = 0;
  const consume = await measure(RECORDS, async () => {
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: 4,
          eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
            for (const message of batch.messages) valueChars += message.value?.toString().length ?? 0;
            const last = batch.messages.at(-1);
            if (last) resolveOffset(last.offset);
            await commitOffsetsIfNecessary({
              topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(BigInt(batch.lastOffset()) + 1n) }] }],
            });
            seen += batch.messages.length;
            if (seen >= RECORDS) resolve();
          },
        })
        .catch(reject);
    });
  });
  await consumer.disconnect();
  if (valueChars < RECORDS * RECORD_BYTES * 0.5) throw new Error(`kafkajs: values read look short (${valueChars} characters)`);
  return { produce, consume };
};

const runPlatformatic = async (topic: string): Promise<Omit<RunFigures, 'client' | 'rssMb'>> => {
  // As KafkaBus: idempotent, acks = all; the compatibility partitioner is the Java client's
  // murmur2 & 0x7fffffff that kafkajs uses (the default one, murmur2 >>> 0, places keys elsewhere).
  const producer = new Producer({
    clientId: 'kafka-client-bench',
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: -1,
    partitioner: compatibilityPartitioner,
  });
  const produce = await measure(RECORDS, () =>
    produceAll(async (first, count) => {
      const messages = Array.from({ length: count }, (_, i) => ({
        topic,
        key: Buffer.from(keyOf(first + i)),
        value: Buffer.from(recordValue(first + i)),
        headers: new Map([[Buffer.from('content-type'), Buffer.from('application/json')]]),
      }));
      await producer.send({ messages });
    }),
  );
  await producer.close();

  const consumer = new Consumer({
    clientId: 'kafka-client-bench',
    groupId: uniqueName('bench_platformatic'),
    bootstrapBrokers: brokers,
    maxWaitTime: 500,
    maxBytesPerPartition: 1_048_576,
  });
  let seen = 0;
  let valueChars = 0;
  const consume = await measure(RECORDS, async () => {
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'earliest',
      autocommit: false,
      ...(HIGH_WATER_MARK ? { highWaterMark: HIGH_WATER_MARK } : {}),
    });
    // The stream yields records one by one; a batch is what arrived together, committed per
    // partition at its last offset, as KafkaBus commits after each eachBatch.
    let batch: Message[] = [];
    const commitBatch = async (): Promise<void> => {
      const last = new Map<number, Message>();
      for (const message of batch) last.set(message.partition, message);
      batch = [];
      await consumer.commit({
        offsets: [...last.values()].map((m) => ({ topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: m.leaderEpoch })),
      });
    };
    // 'data' events (the library's fast path; for-await over the stream costs more per record),
    // the stream paused while a batch's commit is in flight, as eachBatch holds the partition.
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('data', (message: Message) => {
        valueChars += message.value.toString().length;
        batch.push(message);
        seen += 1;
        if (batch.length >= BATCH || seen >= RECORDS || stream.readableLength === 0) {
          stream.pause();
          commitBatch().then(() => (seen >= RECORDS ? resolve() : stream.resume()), reject);
        }
      });
    });
    await stream.close();
  });
  await consumer.close(true);
  if (valueChars < RECORDS * RECORD_BYTES * 0.5) throw new Error(`platformatic: values read look short (${valueChars} characters)`);
  return { produce, consume };
};

const child = async (client: ClientName): Promise<void> => {
  const topic = uniqueName(`kafka_client_bench_${client}`);
  await createTopic(topic);
  try {
    const figures = client === 'kafkajs' ? await runKafkajs(topic) : await runPlatformatic(topic);
    const result: RunFigures = { client, ...figures, rssMb: process.memoryUsage().rss / 1_048_576 };
    process.send?.(result);
  } finally {
    await deleteTopic(topic);
  }
};

const runChild = (client: ClientName): Promise<RunFigures> =>
  new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ['--child', client], { stdio: 'inherit', serialization: 'advanced' });
    let result: RunFigures | undefined;
    proc.on('message', (message) => (result = message as RunFigures));
    proc.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`${client} bench exited with ${code}`))));
  });

const row = (figures: RunFigures, phase: 'produce' | 'consume'): string => {
  const p = figures[phase];
  return [
    figures.client.padEnd(12),
    phase.padEnd(8),
    (p.cpuUs / p.records).toFixed(2).padStart(14),
    Math.round(p.records / (p.wallMs / 1000))
      .toLocaleString('en-US')
      .padStart(12),
    figures.rssMb.toFixed(0).padStart(8),
  ].join('  ');
};

const main = async (): Promise<void> => {
  const childIndex = process.argv.indexOf('--child');
  if (childIndex >= 0) {
    await child(process.argv[childIndex + 1] as ClientName);
    return;
  }
  console.log(
    `${RECORDS.toLocaleString('en-US')} records of ${RECORD_BYTES} B, sends of ${BATCH} × ${CONCURRENCY} in flight, ${PARTITIONS} partitions, broker ${brokers.join(',')}`,
  );
  console.log(['client'.padEnd(12), 'phase'.padEnd(8), 'CPU-µs/record'.padStart(14), 'records/s'.padStart(12), 'RSS MB'.padStart(8)].join('  '));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const client of round % 2 === 0 ? CLIENTS : [...CLIENTS].reverse()) {
      const figures = await runChild(client);
      console.log(row(figures, 'produce'));
      console.log(row(figures, 'consume'));
    }
  }
};

await main();
