import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deadLetterTopicOf, TOPICS, type DeadLetterV1, type PositionV1 } from '@roadwatch/contracts';
import { position, sampleMessages } from './sample-messages';
import { decodeValue, encodeAll, payloadBytesOf } from './codec';

export { position };
import { InvalidMessageError, type Batch, type Bus, type RawPublisher, type ReceivedMessage, type Subscription, type TopicPartition } from './bus';

/**
 * The executable definition of the Bus semantics (see bus.ts). Each adapter's spec calls
 * `runBusContract` with a factory; every test gets its own topic prefix, so no two tests
 * (and no two runs) share a topic or a group.
 */
export interface BusContractOptions {
  /** A fresh bus whose topics all carry this prefix. */
  makeBus(topicPrefix: string): Bus & RawPublisher;
  /** How long to wait for something that should happen (Kafka group joins are slow-ish). */
  waitMs: number;
  /** How long to keep watching for something that must not happen. */
  quietMs: number;
  /** A short stall threshold for the watchdog test. */
  stallAfterMs: number;
  /** After each test, once its buses are closed: drop what it left behind (Kafka topics). */
  dispose?(topicPrefixes: string[]): Promise<void>;
}

const positions = TOPICS.positions;
const positionsDlq = deadLetterTopicOf(positions) as `${typeof positions}.dlq`;

/** The sequence number a test put into a position (see `position`). */
export const seqOf = (value: PositionV1): number => (value.deviceTimeMs - 1_764_000_000_000) / 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type PositionMessage = ReceivedMessage<typeof positions>;

/** Records every handled message and batch of one subscription. */
class Recorder {
  readonly messages: PositionMessage[] = [];
  readonly batches: Batch<typeof positions>[] = [];
  readonly assigned: TopicPartition[][] = [];
  readonly revoked: TopicPartition[][] = [];
  handleBatch = async (batch: Batch<typeof positions>): Promise<void> => {
    this.batches.push(batch);
    this.messages.push(...batch.messages);
  };
  /** Partitions this member owns now, replaying its assign/revoke callbacks in order. */
  owned(): Set<number> {
    const owned = new Set<number>();
    for (const event of this.events) {
      for (const tp of event.partitions) {
        if (event.add) owned.add(tp.partition);
        else owned.delete(tp.partition);
      }
    }
    return owned;
  }
  readonly events: { add: boolean; partitions: TopicPartition[] }[] = [];
  callbacks() {
    return {
      onPartitionsAssigned: (partitions: TopicPartition[]) => {
        this.assigned.push(partitions);
        this.events.push({ add: true, partitions });
      },
      onPartitionsRevoked: (partitions: TopicPartition[]) => {
        this.revoked.push(partitions);
        this.events.push({ add: false, partitions });
      },
    };
  }
  seqsByKey(): Map<string, number[]> {
    const byKey = new Map<string, number[]>();
    for (const message of this.messages) {
      const list = byKey.get(message.key!) ?? [];
      list.push(seqOf(message.value));
      byKey.set(message.key!, list);
    }
    return byKey;
  }
}

export const runBusContract = (adapter: string, options: BusContractOptions): void => {
  describe(`Bus contract: ${adapter}`, () => {
    const opened: (Bus & RawPublisher)[] = [];
    const subscriptions: Subscription[] = [];
    const prefixes: string[] = [];
    afterEach(async () => {
      await Promise.allSettled(subscriptions.splice(0).map((subscription) => subscription.close()));
      await Promise.allSettled(opened.splice(0).map((bus) => bus.close()));
      await options.dispose?.(prefixes.splice(0));
    });

    const newPrefix = () => {
      const prefix = `msgc-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}.`;
      prefixes.push(prefix);
      return prefix;
    };
    const newBus = (partitions = 4) => {
      const bus = options.makeBus(newPrefix());
      opened.push(bus);
      return { bus, ready: bus.ensureTopics([{ topic: positions, partitions }]) };
    };
    const group = () => `g-${randomUUID().slice(0, 12)}`;
    const track = (subscription: Subscription) => {
      subscriptions.push(subscription);
      return subscription;
    };
    const publishSeq = async (bus: Bus, vehicles: number, perVehicle: number, firstSeq = 0) => {
      for (let seq = firstSeq; seq < firstSeq + perVehicle; seq += 1) {
        await bus.publish(
          positions,
          Array.from({ length: vehicles }, (_, v) => ({ key: `V${v}`, value: position(`V${v}`, seq) })),
        );
      }
    };

    it('refuses to publish a value that fails its schema, and writes nothing of that call', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      const bad = { ...position('V1', 1), speedKmh: -5 };
      await expect(
        bus.publish(positions, [
          { key: 'V1', value: position('V1', 0) },
          { key: 'V1', value: bad },
        ]),
      ).rejects.toBeInstanceOf(InvalidMessageError);
      await expect(bus.publish(positions, [{ key: 'V1', value: bad }])).rejects.toThrow(/speedKmh/);
      await bus.publish(positions, [{ key: 'V1', value: position('V1', 2) }]);
      const recorder = new Recorder();
      track(await bus.subscribe({ groupId: group(), topics: [positions], fromBeginning: true, handleBatch: recorder.handleBatch }));
      await vi.waitUntil(() => recorder.messages.length >= 1, { timeout: options.waitMs, interval: 20, message: 'the valid message' });
      await sleep(options.quietMs);
      expect(recorder.messages.map((m) => seqOf(m.value))).toEqual([2]);
    });

    it('keeps per-key order, and a key always lands on the same partition', async () => {
      const { bus, ready } = newBus(4);
      await ready;
      await publishSeq(bus, 12, 25);
      const recorder = new Recorder();
      track(await bus.subscribe({ groupId: group(), topics: [positions], fromBeginning: true, handleBatch: recorder.handleBatch }));
      await vi.waitUntil(() => recorder.messages.length >= 300, { timeout: options.waitMs, interval: 20, message: '300 messages' });
      const expected = Array.from({ length: 25 }, (_, i) => i);
      for (const [, seqs] of recorder.seqsByKey()) expect(seqs).toEqual(expected);
      const partitionOfKey = new Map<string, Set<number>>();
      for (const m of recorder.messages) partitionOfKey.set(m.key!, (partitionOfKey.get(m.key!) ?? new Set()).add(m.partition));
      for (const [, parts] of partitionOfKey) expect(parts.size).toBe(1);
      expect(new Set(recorder.messages.map((m) => m.partition)).size).toBeGreaterThan(1);
      // A batch is one partition, ascending offsets, validated values.
      for (const batch of recorder.batches) {
        expect(batch.messages.length).toBeGreaterThan(0);
        expect(batch.messages.every((m) => m.partition === batch.partition && m.topic === positions)).toBe(true);
        const offsets = batch.messages.map((m) => BigInt(m.offset));
        expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        expect(typeof batch.messages[0]!.timestampMs).toBe('number');
      }
    });

    it('two members of one group share the partitions and together see everything once; another group sees everything too', async () => {
      const { bus, ready } = newBus(4);
      await ready;
      const g = group();
      const a = new Recorder();
      const b = new Recorder();
      track(await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: a.handleBatch, ...a.callbacks() }));
      track(await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: b.handleBatch, ...b.callbacks() }));
      await vi.waitUntil(() => a.owned().size > 0 && b.owned().size > 0 && a.owned().size + b.owned().size === 4, {
        timeout: options.waitMs,
        interval: 20,
        message: 'both members to own partitions',
      });
      expect([...a.owned()].filter((p) => b.owned().has(p))).toEqual([]);

      await publishSeq(bus, 40, 5);
      await vi.waitUntil(() => a.messages.length + b.messages.length >= 200, {
        timeout: options.waitMs,
        interval: 20,
        message: '200 messages across the group',
      });
      await sleep(options.quietMs);
      const all = [...a.messages, ...b.messages].map((m) => `${m.key}/${seqOf(m.value)}`);
      expect(all.length).toBe(200);
      expect(new Set(all).size).toBe(200);
      expect(a.messages.length).toBeGreaterThan(0);
      expect(b.messages.length).toBeGreaterThan(0);

      const other = new Recorder();
      track(await bus.subscribe({ groupId: group(), topics: [positions], fromBeginning: true, handleBatch: other.handleBatch }));
      await vi.waitUntil(() => other.messages.length >= 200, { timeout: options.waitMs, interval: 20, message: 'the second group to see all 200' });
      expect(new Set(other.messages.map((m) => `${m.key}/${seqOf(m.value)}`)).size).toBe(200);
    });

    it('calls assign/revoke as members join and leave, never giving a partition to two members', async () => {
      const { bus, ready } = newBus(4);
      await ready;
      const g = group();
      const a = new Recorder();
      const b = new Recorder();
      track(await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: a.handleBatch, ...a.callbacks() }));
      await vi.waitUntil(() => a.owned().size === 4, { timeout: options.waitMs, interval: 20, message: 'the first member to own all 4' });
      const subB = await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: b.handleBatch, ...b.callbacks() });
      await vi.waitUntil(() => b.owned().size > 0 && a.owned().size + b.owned().size === 4, { timeout: options.waitMs, interval: 20, message: 'a split' });
      expect(a.revoked.flat().length).toBeGreaterThan(0);
      await subB.close();
      await vi.waitUntil(() => a.owned().size === 4, { timeout: options.waitMs, interval: 20, message: 'the first member to own all 4 again' });
      expect(b.owned().size).toBe(0);
    });

    it('commits after the handler: no redelivery of committed batches, redelivery of uncommitted ones after a restart', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      const g = group();
      await publishSeq(bus, 1, 10);
      const first = new Recorder();
      const sub1 = await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: first.handleBatch });
      await vi.waitUntil(() => first.messages.length >= 10, { timeout: options.waitMs, interval: 20, message: 'the first 10' });
      await sub1.close();

      await publishSeq(bus, 1, 10, 10);
      // This member never gets past its first batch: nothing it sees may be committed.
      const failingSeen: number[] = [];
      const sub2 = await bus.subscribe({
        groupId: g,
        topics: [positions],
        fromBeginning: true,
        handleBatch: async (batch) => {
          failingSeen.push(...batch.messages.map((m) => seqOf(m.value)));
          throw new Error('simulated crash before the effects are durable');
        },
      });
      await vi.waitUntil(() => failingSeen.length > 0, { timeout: options.waitMs, interval: 20, message: 'the failing member to get a batch' });
      expect(Math.min(...failingSeen)).toBe(10);
      await sub2.close();

      const third = new Recorder();
      track(await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: third.handleBatch }));
      await vi.waitUntil(() => third.messages.length >= 10, { timeout: options.waitMs, interval: 20, message: 'the uncommitted 10 again' });
      await sleep(options.quietMs);
      expect(third.messages.map((m) => seqOf(m.value))).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
    });

    it('a handler holding effects in memory: the bus goes on fetching, commits only through durableThrough, and later through Subscription.commit', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      const g = group();
      await publishSeq(bus, 1, 10);
      // Holds everything: nothing durable, yet every record is fetched once, in order.
      const held: PositionMessage[] = [];
      const sub1 = await bus.subscribe({
        groupId: g,
        topics: [positions],
        fromBeginning: true,
        handleBatch: async (batch) => {
          held.push(...batch.messages);
          return { durableThrough: null };
        },
      });
      await vi.waitUntil(() => held.length >= 10, { timeout: options.waitMs, interval: 20, message: 'the first 10 held' });
      await sleep(options.quietMs);
      expect(held.map((m) => seqOf(m.value))).toEqual(Array.from({ length: 10 }, (_, i) => i));
      // Durable through seq 3 (a checkpoint after the batch), and a stale, lower offset that must not move the commit back.
      await sub1.commit(positions, 0, held[3]!.offset);
      await sub1.commit(positions, 0, held[1]!.offset);
      await sub1.close();

      // A crash now: the next member gets everything after the durable offset again, nothing before it.
      const second: PositionMessage[] = [];
      const sub2 = await bus.subscribe({
        groupId: g,
        topics: [positions],
        fromBeginning: true,
        handleBatch: async (batch) => {
          second.push(...batch.messages);
          // Durable through seq 7 only, whatever the batches are.
          return { durableThrough: batch.messages.find((m) => seqOf(m.value) === 7) ? held[7]!.offset : null };
        },
      });
      await vi.waitUntil(() => second.length >= 6, { timeout: options.waitMs, interval: 20, message: 'the 6 not durable' });
      await sleep(options.quietMs);
      expect(second.map((m) => seqOf(m.value))).toEqual([4, 5, 6, 7, 8, 9]);
      // Not owned (closed): ignored, nothing moves.
      await sub2.close();
      await sub2.commit(positions, 0, held[9]!.offset);

      const third = new Recorder();
      track(await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: third.handleBatch }));
      await vi.waitUntil(() => third.messages.length >= 2, { timeout: options.waitMs, interval: 20, message: 'the 2 after seq 7' });
      await sleep(options.quietMs);
      expect(third.messages.map((m) => seqOf(m.value))).toEqual([8, 9]);
    });

    it('retries a failing batch (not skipped, not committed) and then goes on in order', async () => {
      const { bus, ready } = newBus(2);
      await ready;
      await publishSeq(bus, 4, 10);
      let failures = 0;
      const attempts: number[][] = [];
      const recorder = new Recorder();
      track(
        await bus.subscribe({
          groupId: group(),
          topics: [positions],
          fromBeginning: true,
          handleBatch: async (batch) => {
            attempts.push(batch.messages.map((m) => seqOf(m.value)));
            if (failures < 3) {
              failures += 1;
              throw new Error(`transient failure #${failures}`);
            }
            await recorder.handleBatch(batch);
          },
        }),
      );
      await vi.waitUntil(() => recorder.messages.length >= 40, { timeout: options.waitMs, interval: 20, message: 'all 40 after the failures' });
      await sleep(options.quietMs);
      expect(failures).toBe(3);
      expect(recorder.messages.length).toBe(40);
      for (const [, seqs] of recorder.seqsByKey()) expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => i));
      // The first failed batch came back (it starts where the failed one started).
      expect(attempts.length).toBeGreaterThan(3);
    });

    it('closing lets the in-flight batch finish and commit; a closed bus refuses to publish', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      const g = group();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started = false;
      let finished = false;
      const sub = await bus.subscribe({
        groupId: g,
        topics: [positions],
        fromBeginning: true,
        handleBatch: async () => {
          started = true;
          await gate;
          finished = true;
        },
      });
      await bus.publish(positions, [{ key: 'V1', value: position('V1', 0) }]);
      await vi.waitUntil(() => started, { timeout: options.waitMs, interval: 20, message: 'the handler to start' });
      const closing = sub.close();
      await sleep(50);
      release();
      await closing;
      expect(finished).toBe(true);
      const again = new Recorder();
      track(await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: again.handleBatch, ...again.callbacks() }));
      await vi.waitUntil(() => again.owned().size === 1, { timeout: options.waitMs, interval: 20, message: 'the new member to be assigned' });
      await sleep(options.quietMs);
      expect(again.messages).toEqual([]);
      await bus.close();
      await expect(bus.publish(positions, [{ key: 'V1', value: position('V1', 1) }])).rejects.toThrow(/closed/);
    });

    it('dead-letters malformed JSON and schema-invalid values with the reason and goes on', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      const good = (seq: number) => Buffer.from(JSON.stringify(position('V1', seq)));
      await bus.publishRaw(positions, [
        { key: 'V1', value: good(0) },
        { key: 'V1', value: Buffer.from('{"v":1,"vehicleId":') },
        { key: 'V1', value: Buffer.from(JSON.stringify({ ...position('V1', 2), latitudeDeg: 123 })) },
        { key: 'V1', value: Buffer.from([0xff, 0xfe, 0x00, 0x01]) },
        { key: 'V1', value: good(4) },
      ]);
      const recorder = new Recorder();
      const letters: DeadLetterV1[] = [];
      track(await bus.subscribe({ groupId: group(), topics: [positions], fromBeginning: true, handleBatch: recorder.handleBatch }));
      track(
        await bus.subscribe({
          groupId: group(),
          topics: [positionsDlq],
          fromBeginning: true,
          handleBatch: async (batch) => {
            letters.push(...batch.messages.map((m) => m.value));
          },
        }),
      );
      await vi.waitUntil(() => letters.length >= 3, { timeout: options.waitMs, interval: 20, message: '3 dead letters' });
      await vi.waitUntil(() => recorder.messages.length >= 2, { timeout: options.waitMs, interval: 20, message: 'both good messages' });
      await sleep(options.quietMs);
      expect(recorder.messages.map((m) => seqOf(m.value))).toEqual([0, 4]);
      expect(letters.length).toBe(3);
      const [json, schema, binary] = [...letters].sort((x, y) => Number(x.offset) - Number(y.offset));
      expect(json!.reason).toMatch(/malformed JSON/);
      expect(json!.payload).toBe('{"v":1,"vehicleId":');
      expect(json!.payloadEncoding).toBe('utf8');
      expect(json!.sourceTopic.endsWith(positions)).toBe(true);
      expect(json!.key).toBe('V1');
      expect(json!.offset).toBe('1');
      expect(schema!.reason).toMatch(/latitudeDeg/);
      expect(binary!.payloadEncoding).toBe('base64');
      expect(Buffer.from(binary!.payload, 'base64')).toEqual(Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    });

    it('reads a topic holding JSON positions (written before the binary form) and binary ones, in offset order; garbage bytes on it are dead-lettered with the reason', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      const json = (seq: number) => ({ key: 'V1', value: Buffer.from(JSON.stringify(position('V1', seq))) });
      const binary = (value: unknown) => encodeAll(positions, [{ key: 'V1', value: value as PositionV1 }], { validated: true })[0]!.value as Buffer;
      const garbage = Buffer.from([0xff, 0x01, 0x02, 0xff, 0xff, 0xff, 0xff, 0x0f]);
      const outOfRange = binary({ ...position('V1', 4), latitudeDeg: 123 });
      await bus.publishRaw(positions, [json(0)]);
      await bus.publish(positions, [{ key: 'V1', value: position('V1', 1) }]);
      await bus.publishRaw(positions, [
        json(2),
        { key: 'V1', value: garbage },
        { key: 'V1', value: outOfRange },
        { key: 'V1', value: binary(position('V1', 5)) },
      ]);
      await bus.publish(positions, [{ key: 'V1', value: position('V1', 6) }]);
      const recorder = new Recorder();
      const letters: DeadLetterV1[] = [];
      track(await bus.subscribe({ groupId: group(), topics: [positions], fromBeginning: true, handleBatch: recorder.handleBatch }));
      track(
        await bus.subscribe({
          groupId: group(),
          topics: [positionsDlq],
          fromBeginning: true,
          handleBatch: async (batch) => {
            letters.push(...batch.messages.map((m) => m.value));
          },
        }),
      );
      await vi.waitUntil(() => letters.length >= 2 && recorder.messages.length >= 5, {
        timeout: options.waitMs,
        interval: 20,
        message: '5 positions, 2 dead letters',
      });
      await sleep(options.quietMs);
      expect(recorder.messages.map((m) => seqOf(m.value))).toEqual([0, 1, 2, 5, 6]);
      expect(recorder.messages.map((m) => m.value)).toEqual([0, 1, 2, 5, 6].map((seq) => position('V1', seq)));
      const [first, second] = [...letters].sort((x, y) => Number(x.offset) - Number(y.offset));
      expect(first).toMatchObject({ offset: '3', payloadEncoding: 'base64', reason: expect.stringMatching(/^malformed binary record/) });
      expect(payloadBytesOf(first!)).toEqual(garbage);
      expect(second).toMatchObject({ offset: '4', payloadEncoding: 'base64', reason: `schema ${positions}: latitudeDeg: 123 is not within -90…90` });
      expect(payloadBytesOf(second!)).toEqual(outOfRange);
    });

    it('a record the consumer does not want (by key) is not parsed, handed nor dead-lettered, and its offset commits', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      const good = (key: string, seq: number) => ({ key, value: Buffer.from(JSON.stringify(position(key, seq))) });
      // Unwanted: good and unparseable alike; a null key is judged like any other.
      await bus.publishRaw(positions, [
        good('V1', 0),
        { key: 'V2', value: Buffer.from('{"v":1,"vehicleId":') },
        good('V2', 2),
        { key: 'V1', value: Buffer.from('not json') },
        { key: null, value: Buffer.from([0xff, 0xfe]) },
        good('V1', 5),
      ]);
      const recorder = new Recorder();
      const judged: (string | null)[] = [];
      const letters: DeadLetterV1[] = [];
      const g = group();
      const wants = ({ key }: { key: string | null }) => (judged.push(key), key === 'V1');
      const first = await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: recorder.handleBatch, wants });
      track(
        await bus.subscribe({
          groupId: group(),
          topics: [positionsDlq],
          fromBeginning: true,
          handleBatch: async (batch) => {
            letters.push(...batch.messages.map((m) => m.value));
          },
        }),
      );
      await vi.waitUntil(() => recorder.messages.length >= 2 && letters.length >= 1, { timeout: options.waitMs, interval: 20, message: 'the wanted records' });
      await sleep(options.quietMs);
      expect(recorder.messages.map((m) => [m.key, seqOf(m.value)])).toEqual([
        ['V1', 0],
        ['V1', 5],
      ]);
      // Only the wanted malformed record was parsed (and refused).
      expect(letters.map((l) => [l.key, l.offset, l.payload])).toEqual([['V1', '3', 'not json']]);
      expect(judged).toEqual(['V1', 'V2', 'V2', 'V1', null, 'V1']);
      // Everything committed, the skipped records' offsets too: the group's next member starts after the last record.
      await first.close();
      const next = new Recorder();
      track(await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: next.handleBatch }));
      await bus.publish(positions, [{ key: 'V2', value: position('V2', 6) }]);
      await vi.waitUntil(() => next.messages.length >= 1, { timeout: options.waitMs, interval: 20, message: 'the next one' });
      await sleep(options.quietMs);
      expect(next.messages.map((m) => [m.key, seqOf(m.value)])).toEqual([['V2', 6]]);
    });

    it('dead-letters a malformed message on every topic, with its reason, and goes on to the next good one', async () => {
      const prefix = newPrefix();
      const bus = options.makeBus(prefix);
      opened.push(bus);
      const topics = Object.values(TOPICS);
      await bus.ensureTopics(topics.map((topic) => ({ topic, partitions: 1 })));
      for (const topic of topics) {
        const sample = sampleMessages[topic];
        await bus.publish(topic, [sample(1)] as never);
        await bus.publishRaw(topic, [
          { key: sample(2).key, value: Buffer.from('{"v":1,') },
          { key: sample(3).key, value: Buffer.from(JSON.stringify({ v: 2 })) },
        ]);
        await bus.publish(topic, [sample(4)] as never);
      }
      const good = new Map<string, string[]>();
      const letters = new Map<string, DeadLetterV1[]>();
      track(
        await bus.subscribe({
          groupId: group(),
          topics,
          fromBeginning: true,
          handleBatch: async (batch) => void good.set(batch.topic, [...(good.get(batch.topic) ?? []), ...batch.messages.map((m) => m.offset)]),
        }),
      );
      track(
        await bus.subscribe({
          groupId: group(),
          topics: topics.map((topic) => deadLetterTopicOf(topic) as `${typeof topic}.dlq`),
          fromBeginning: true,
          handleBatch: async (batch) =>
            void letters.set(batch.topic, [...(letters.get(batch.topic) ?? []), ...batch.messages.map((m) => m.value as DeadLetterV1)]),
        }),
      );
      const total = (map: Map<string, unknown[]>) => [...map.values()].reduce((sum, list) => sum + list.length, 0);
      await vi.waitUntil(() => total(good) >= 2 * topics.length && total(letters) >= 2 * topics.length, {
        timeout: options.waitMs,
        interval: 20,
        message: '2 good messages and 2 dead letters per topic',
      });
      await sleep(options.quietMs);
      for (const topic of topics) {
        expect(good.get(topic), topic).toEqual(['0', '3']);
        const dead = [...(letters.get(deadLetterTopicOf(topic)) ?? [])].sort((x, y) => Number(x.offset) - Number(y.offset));
        expect(
          dead.map((letter) => letter.offset),
          topic,
        ).toEqual(['1', '2']);
        expect(dead[0]!.reason, topic).toMatch(/malformed JSON/);
        expect(dead[1]!.reason, topic).toContain(`schema ${topic}`);
        expect(
          dead.every((letter) => letter.sourceTopic === `${prefix}${topic}` && letter.key === sampleMessages[topic](0).key),
          topic,
        ).toBe(true);
      }
    });

    /** Every dead letter of the positions topic, by a group of its own. */
    const collectLetters = async (bus: Bus): Promise<DeadLetterV1[]> => {
      const letters: DeadLetterV1[] = [];
      track(
        await bus.subscribe({
          groupId: group(),
          topics: [positionsDlq],
          fromBeginning: true,
          handleBatch: async (batch) => void letters.push(...batch.messages.map((m) => m.value)),
        }),
      );
      return letters;
    };
    /** An error as `pg` raises it: the SQLSTATE in `code`. */
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });

    it('isolates a record the handler refuses for good (a data error): the others are handled in order, it goes to the dead-letter topic with the error, and the group commits past it', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      await publishSeq(bus, 1, 40);
      const letters = await collectLetters(bus);
      const g = group();
      const handled: number[] = [];
      let poisonCalls = 0;
      const sub = await bus.subscribe({
        groupId: g,
        topics: [positions],
        fromBeginning: true,
        failurePolicy: { maxAttempts: 3 },
        handleBatch: async (batch) => {
          const seqs = batch.messages.map((m) => seqOf(m.value));
          if (seqs.includes(17)) {
            poisonCalls += 1;
            // Like a multi-row INSERT: one refused row fails the whole statement.
            throw pgError('22003', 'value "70000" is out of range for type smallint');
          }
          handled.push(...seqs);
        },
      });
      await vi.waitUntil(() => handled.length >= 39 && letters.length >= 1, { timeout: options.waitMs, interval: 20, message: '39 handled and 1 dead letter' });
      await sleep(options.quietMs);
      expect(handled).toEqual(Array.from({ length: 40 }, (_, i) => i).filter((seq) => seq !== 17));
      expect(letters).toHaveLength(1);
      // A position travels in its binary form, which is never UTF-8: its dead letter keeps the bytes as base64.
      expect(letters[0]).toMatchObject({ offset: '17', key: 'V0', payloadEncoding: 'base64' });
      expect(letters[0]!.reason).toContain(g);
      expect(letters[0]!.reason).toMatch(/data error/);
      expect(letters[0]!.reason).toContain('out of range for type smallint [22003]');
      const refused = decodeValue(positions, payloadBytesOf(letters[0]!));
      expect(refused.ok && seqOf(refused.value as PositionV1)).toBe(17);
      // A data error is not retried as such: bisecting needs about log2(40) calls, not maxAttempts per level.
      expect(poisonCalls).toBeLessThanOrEqual(8);
      // Committed past it: the group's next member gets nothing again.
      await sub.close();
      const again = new Recorder();
      track(await bus.subscribe({ groupId: g, topics: [positions], fromBeginning: true, handleBatch: again.handleBatch, ...again.callbacks() }));
      await vi.waitUntil(() => again.owned().size === 1, { timeout: options.waitMs, interval: 20, message: 'the next member to be assigned' });
      await sleep(options.quietMs);
      expect(again.messages).toEqual([]);
    });

    it('retries a record failing with an unknown error maxAttempts times on its own before dead-lettering it, and keeps the order of the rest', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      await publishSeq(bus, 1, 12);
      const letters = await collectLetters(bus);
      const handled: number[] = [];
      let aloneCalls = 0;
      track(
        await bus.subscribe({
          groupId: group(),
          topics: [positions],
          fromBeginning: true,
          failurePolicy: { maxAttempts: 3, backoff: { initialMs: 5, maxMs: 20 } },
          handleBatch: async (batch) => {
            const seqs = batch.messages.map((m) => seqOf(m.value));
            if (seqs.includes(5)) {
              if (seqs.length === 1) aloneCalls += 1;
              throw new TypeError("Cannot read properties of undefined (reading 'x')");
            }
            handled.push(...seqs);
          },
        }),
      );
      await vi.waitUntil(() => handled.length >= 11 && letters.length >= 1, { timeout: options.waitMs, interval: 20, message: '11 handled and 1 dead letter' });
      await sleep(options.quietMs);
      expect(handled).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]);
      expect(aloneCalls).toBe(3);
      expect(letters.map((letter) => letter.offset)).toEqual(['5']);
      expect(letters[0]!.reason).toMatch(/unknown error, 3 attempts\): Cannot read properties/);
    });

    it('retries a transient failure (database unreachable) past maxAttempts and never dead-letters it', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      await publishSeq(bus, 2, 5);
      const letters = await collectLetters(bus);
      const recorder = new Recorder();
      let failures = 0;
      track(
        await bus.subscribe({
          groupId: group(),
          topics: [positions],
          fromBeginning: true,
          failurePolicy: { maxAttempts: 2, backoff: { initialMs: 5, maxMs: 20 } },
          handleBatch: async (batch) => {
            if (failures < 8) {
              failures += 1;
              const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });
              // Alternate with the way pg-pool and the server say it.
              throw failures % 3 === 0
                ? pgError('57P01', 'terminating connection due to administrator command')
                : failures % 3 === 1
                  ? refused
                  : new Error('timeout exceeded when trying to connect');
            }
            await recorder.handleBatch(batch);
          },
        }),
      );
      await vi.waitUntil(() => recorder.messages.length >= 10, { timeout: options.waitMs, interval: 20, message: 'all 10 after the outage' });
      await sleep(options.quietMs);
      expect(failures).toBe(8);
      expect(recorder.messages.map((m) => `${m.key}/${seqOf(m.value)}`)).toHaveLength(10);
      for (const [, seqs] of recorder.seqsByKey()) expect(seqs).toEqual([0, 1, 2, 3, 4]);
      expect(letters).toEqual([]);
    });

    it('reports a consumer stalled when it makes no committed progress with lag for stallAfterMs, and not once it moves again', async () => {
      const { bus, ready } = newBus(1);
      await ready;
      const g = group();
      let outage = true;
      let calls = 0;
      const sub = track(
        await bus.subscribe({
          groupId: g,
          topics: [positions],
          fromBeginning: true,
          stallAfterMs: options.stallAfterMs,
          failurePolicy: { backoff: { initialMs: 20, maxMs: 100 } },
          handleBatch: async () => {
            calls += 1;
            if (outage) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
          },
        }),
      );
      // Idle, no lag: never stalled, however long.
      await sleep(options.stallAfterMs * 1.5);
      expect(sub.stalled()).toEqual([]);
      await bus.publish(
        positions,
        [0, 1, 2].map((seq) => ({ key: 'V0', value: position('V0', seq) })),
      );
      await vi.waitUntil(() => sub.stalled().length === 1, {
        timeout: options.waitMs + options.stallAfterMs * 3,
        interval: 20,
        message: 'the stall to be reported',
      });
      const [stalled] = sub.stalled();
      expect(stalled).toMatchObject({ groupId: g, partition: 0, lag: 3 });
      expect(stalled!.topic.endsWith(positions)).toBe(true);
      expect(stalled!.noProgressForMs).toBeGreaterThanOrEqual(options.stallAfterMs);
      expect(bus.stalledConsumers()).toContainEqual(expect.objectContaining({ groupId: g, partition: 0 }));
      expect(calls).toBeGreaterThan(1);
      outage = false;
      await vi.waitUntil(() => sub.stalled().length === 0, { timeout: options.waitMs, interval: 20, message: 'the consumer to move again' });
      expect(bus.stalledConsumers().filter((s) => s.groupId === g)).toEqual([]);
    });

    it('fetches nothing of a paused topic (not even with fromBeginning), never calls it stalled, and resumes from the end as it is then', async () => {
      const { bus, ready } = newBus(4);
      await ready;
      await bus.ensureTopics([{ topic: TOPICS.alerts, partitions: 2 }]);
      // Already on the topic before the member joins: fromBeginning would hand them, the pause must not.
      await publishSeq(bus, 8, 2);
      const handled: PositionMessage[] = [];
      let alerts = 0;
      let positionsOffered = 0;
      const sub = track(
        await bus.subscribe({
          groupId: group(),
          topics: [positions, TOPICS.alerts],
          fromBeginning: true,
          paused: [positions],
          stallAfterMs: options.stallAfterMs,
          // Asked for every fetched record before it is parsed: counts what was fetched at all.
          wants: ({ topic }) => {
            if (topic === positions) positionsOffered += 1;
            return true;
          },
          handleBatch: async (batch) => {
            if (batch.topic === positions) handled.push(...batch.messages);
            else alerts += batch.messages.length;
          },
        }),
      );
      await publishSeq(bus, 8, 2, 2);
      await bus.publish(TOPICS.alerts, [sampleMessages[TOPICS.alerts](0), sampleMessages[TOPICS.alerts](1)]);
      // The other topic goes on meanwhile.
      await vi.waitUntil(() => alerts >= 2, { timeout: options.waitMs, interval: 20, message: 'the alerts, while positions are paused' });
      await sleep(Math.max(options.quietMs, options.stallAfterMs * 1.5));
      expect(positionsOffered).toBe(0);
      expect(handled).toEqual([]);
      // 32 records wait on the paused topic and nothing moves: by design, not a stall.
      expect(sub.stalled()).toEqual([]);

      await sub.resumeFromLatest([positions]);
      await sub.resumeFromLatest([positions]); // not paused any more: nothing happens
      await publishSeq(bus, 8, 1, 10);
      await vi.waitUntil(() => handled.length >= 8, { timeout: options.waitMs, interval: 20, message: 'the positions published after the resume' });
      await sleep(options.quietMs);
      // Only what came after the resume: the 32 published while paused are skipped.
      expect(handled.map((m) => seqOf(m.value))).toEqual(Array(8).fill(10));

      sub.pause([positions]);
      await publishSeq(bus, 8, 1, 11);
      await bus.publish(TOPICS.alerts, [sampleMessages[TOPICS.alerts](2)]);
      await vi.waitUntil(() => alerts >= 3, { timeout: options.waitMs, interval: 20, message: 'an alert after pausing again' });
      await sleep(Math.max(options.quietMs, options.stallAfterMs * 1.5));
      expect(handled.length).toBe(8);
      expect(sub.stalled()).toEqual([]);
    });

    it('replays from the start for a new group with fromBeginning; without it a new group starts at the end', async () => {
      const { bus, ready } = newBus(2);
      await ready;
      await publishSeq(bus, 3, 5);
      const replay = new Recorder();
      const latest = new Recorder();
      track(await bus.subscribe({ groupId: group(), topics: [positions], fromBeginning: true, handleBatch: replay.handleBatch }));
      track(await bus.subscribe({ groupId: group(), topics: [positions], fromBeginning: false, handleBatch: latest.handleBatch, ...latest.callbacks() }));
      await vi.waitUntil(() => replay.messages.length >= 15, { timeout: options.waitMs, interval: 20, message: 'the replay of 15' });
      await vi.waitUntil(() => latest.owned().size === 2, { timeout: options.waitMs, interval: 20, message: 'the latest-group to be assigned' });
      await sleep(options.quietMs);
      await publishSeq(bus, 3, 2, 5);
      await vi.waitUntil(() => latest.messages.length >= 6, { timeout: options.waitMs, interval: 20, message: 'the 6 new ones' });
      await sleep(options.quietMs);
      expect(latest.messages.map((m) => seqOf(m.value)).every((seq) => seq >= 5)).toBe(true);
      expect(latest.messages.length).toBe(6);
      expect(replay.messages.length).toBe(21);
    });
  });
};
