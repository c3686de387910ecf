import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bus, OutgoingMessage } from '@roadwatch/messaging';
import type { TOPICS } from '@roadwatch/contracts';
import { AckTimeoutError, PositionBatcher } from './position-batcher';

type PositionMessage = OutgoingMessage<typeof TOPICS.positions>;

/** A bus whose publishes stay pending until the test settles them, oldest first. */
const gatedBus = () => {
  const publishes: Array<{ keys: string[]; resolve: () => void; reject: (error: unknown) => void }> = [];
  return {
    publishes,
    bus: {
      publish: (async (_topic: unknown, messages: readonly PositionMessage[]) =>
        new Promise<void>((resolve, reject) => publishes.push({ keys: messages.map((message) => message.key), resolve, reject }))) as Pick<
        Bus,
        'publish'
      >['publish'],
    },
  };
};

// Only the key matters to the batcher; the value is handed to the bus as it is.
const position = (key: string): PositionMessage => ({ key, value: {} as PositionMessage['value'] });

describe('PositionBatcher', () => {
  /** Rejections no test expects: each test ends with none. */
  let unexpected: unknown[] = [];
  const keep = (error: unknown): void => void unexpected.push(error);
  beforeEach(() => {
    unexpected = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    expect(unexpected).toEqual([]);
  });

  it('gathers what arrives while a publish is in flight into one next publish, not one request per linger', async () => {
    const { bus, publishes } = gatedBus();
    const batcher = new PositionBatcher({ bus, lingerMs: 5, maxBatch: 100 });
    const acked: string[] = [];
    const submit = (key: string): void => {
      batcher
        .submit([position(key)])
        .then(() => acked.push(key))
        .catch(keep);
    };

    submit('a');
    await vi.advanceTimersByTimeAsync(5);
    expect(publishes.map((p) => p.keys)).toEqual([['a']]);

    // Three lingers pass while Kafka holds the first publish.
    submit('b');
    await vi.advanceTimersByTimeAsync(5);
    submit('c');
    await vi.advanceTimersByTimeAsync(5);
    submit('d');
    await vi.advanceTimersByTimeAsync(5);
    expect(publishes).toHaveLength(1);
    expect(batcher.inFlight).toBe(4);

    publishes[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(acked).toEqual(['a']);
    expect(publishes.map((p) => p.keys)).toEqual([['a'], ['b', 'c', 'd']]);

    publishes[1]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(acked).toEqual(['a', 'b', 'c', 'd']);
    expect(batcher.inFlight).toBe(0);
  });

  it('still cuts at maxBatch while busy, and publishes the full batches in order before the rest', async () => {
    const { bus, publishes } = gatedBus();
    const batcher = new PositionBatcher({ bus, lingerMs: 5, maxBatch: 2 });
    for (const key of ['a', 'b', 'c', 'd', 'e']) batcher.submit([position(key)]).catch(keep);
    expect(publishes.map((p) => p.keys)).toEqual([['a', 'b']]);

    publishes[0]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(publishes.map((p) => p.keys)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    publishes[1]!.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(publishes.map((p) => p.keys)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('rejects only the failed publish’s submits; a gathered one goes out next and still times out when unacknowledged', async () => {
    let nowMs = 0;
    const { bus, publishes } = gatedBus();
    const batcher = new PositionBatcher({ bus, lingerMs: 5, maxBatch: 100, maxAckWaitMs: 800, now: () => nowMs });
    const first = batcher.submit([position('a')]);
    await vi.advanceTimersByTimeAsync(5);
    nowMs = 100;
    const second = batcher.submit([position('b')]);
    let settled = false;
    const outcome = second.then(
      () => 'acked',
      (error: unknown) => error,
    );
    outcome.then(() => (settled = true)).catch(keep);
    publishes[0]!.reject(new Error('broker down'));
    await expect(first).rejects.toThrow('broker down');
    await vi.advanceTimersByTimeAsync(0);
    expect(publishes.map((p) => p.keys)).toEqual([['a'], ['b']]);
    nowMs = 850; // 'b' has waited 750 ms: not yet
    batcher.expireLate();
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    nowMs = 901;
    batcher.expireLate();
    expect(await outcome).toBeInstanceOf(AckTimeoutError);
  });

  it('flush publishes what gathered behind a busy publish', async () => {
    const { bus, publishes } = gatedBus();
    const batcher = new PositionBatcher({ bus, lingerMs: 5, maxBatch: 100 });
    batcher.submit([position('a')]).catch(keep);
    await vi.advanceTimersByTimeAsync(5);
    batcher.submit([position('b')]).catch(keep);
    let flushed = false;
    batcher
      .flush()
      .then(() => (flushed = true))
      .catch(keep);
    publishes[0]!.resolve();
    await vi.advanceTimersByTimeAsync(10);
    expect(publishes.map((p) => p.keys)).toEqual([['a'], ['b']]);
    expect(flushed).toBe(false);
    publishes[1]!.resolve();
    await vi.advanceTimersByTimeAsync(10);
    expect(flushed).toBe(true);
  });
});
