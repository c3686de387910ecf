import { TOPICS } from '@roadwatch/contracts';
import type { Bus, OutgoingMessage } from '@roadwatch/messaging';

type PositionMessage = OutgoingMessage<typeof TOPICS.positions>;

interface Waiter {
  count: number;
  /** When it was submitted (the batcher's clock). */
  submittedAtMs: number;
  /** Resolved, rejected or timed out: later outcomes are ignored. */
  settled: boolean;
  /** Its publish completed (acknowledged or failed); a timed-out submit is settled but not done. */
  done: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The positions of a submit were not acknowledged by Kafka within `maxAckWaitMs`: the session
 * answers 0x8001 result 1 and the terminal keeps them for a 0x0704 re-send. Their publish may
 * still succeed later (a duplicate on Kafka then — at-least-once, consumers dedupe).
 */
export class AckTimeoutError extends Error {
  constructor(readonly waitedMs: number) {
    super(`positions not acknowledged by Kafka within ${Math.round(waitedMs)} ms`);
    this.name = 'AckTimeoutError';
  }
}

export interface PositionBatcherOptions {
  bus: Pick<Bus, 'publish'>;
  /** Wait at most this long for more messages before publishing a partial batch. */
  lingerMs: number;
  /** Publish as soon as this many messages are waiting. */
  maxBatch: number;
  /**
   * Publishes in flight at once (default 1). While they are all busy, positions are not cut
   * into more batches: they keep gathering and go out together in the next publish, up to
   * `maxBatch` each. The Kafka producer keeps one request in flight anyway (ordering), so a
   * batch cut earlier would only wait inside it as a request of its own; fewer, larger
   * requests cost the gateway and the broker less per position and no latency.
   */
  maxConcurrentPublishes?: number;
  /** Called with every publish's duration and size (for the latency histogram). */
  onPublished?: (durationMs: number, messages: number, ok: boolean, error?: unknown) => void;
  /** Called whenever the number of unacknowledged positions changes. */
  onInFlightChange?: (inFlight: number) => void;
  /**
   * A submit not acknowledged this long after it was made is rejected with `AckTimeoutError`
   * (checked by `expireLate`). Default: never.
   */
  maxAckWaitMs?: number;
  now?: () => number;
}

/**
 * Collects positions from every connection for a few milliseconds (or up to `maxBatch`)
 * and publishes them in one `bus.publish`. `submit` resolves once Kafka acknowledged the
 * publish its positions went out in — only then does the session answer 0x8001 — and
 * rejects if that publish failed, so the terminal retransmits.
 *
 * `inFlight` counts positions submitted and not yet acknowledged (waiting and publishing);
 * the gateway pauses reading sockets while it is above its bound.
 */
export class PositionBatcher {
  private pending: PositionMessage[] = [];
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private publishing = 0;
  private readonly queue: Array<{ messages: PositionMessage[]; waiters: Waiter[] }> = [];
  private inFlightCount = 0;
  /**
   * Submits in time order from the oldest whose publish has not completed (`head`);
   * `expireCursor` is the first one not yet checked against `maxAckWaitMs`.
   */
  private outstanding: Waiter[] = [];
  private head = 0;
  private expireCursor = 0;
  private readonly now: () => number;
  private readonly maxConcurrent: number;

  constructor(private readonly options: PositionBatcherOptions) {
    this.now = options.now ?? (() => performance.now());
    this.maxConcurrent = options.maxConcurrentPublishes ?? 1;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /**
   * How long the oldest submit whose publish has not completed has waited (0 when none),
   * answered or not: how far behind Kafka is, in time — the gateway sheds new positions
   * while this is above its bound.
   */
  oldestWaitMs(): number {
    this.skipDone();
    const oldest = this.outstanding[this.head];
    return oldest ? this.now() - oldest.submittedAtMs : 0;
  }

  /** Rejects, with `AckTimeoutError`, every submit that has waited longer than `maxAckWaitMs`. */
  expireLate(): void {
    this.skipDone();
    const maxWaitMs = this.options.maxAckWaitMs;
    if (maxWaitMs === undefined) return;
    const nowMs = this.now();
    this.expireCursor = Math.max(this.expireCursor, this.head);
    for (; this.expireCursor < this.outstanding.length; this.expireCursor++) {
      const waiter = this.outstanding[this.expireCursor]!;
      const waitedMs = nowMs - waiter.submittedAtMs;
      if (waitedMs <= maxWaitMs) break;
      if (waiter.settled) continue;
      waiter.settled = true;
      waiter.reject(new AckTimeoutError(waitedMs));
    }
  }

  submit(messages: readonly PositionMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      for (const message of messages) this.pending.push(message);
      const waiter: Waiter = { count: messages.length, submittedAtMs: this.now(), settled: false, done: false, resolve, reject };
      this.waiters.push(waiter);
      this.outstanding.push(waiter);
      this.changeInFlight(messages.length);
      if (this.pending.length >= this.options.maxBatch) this.cut();
      // While the publishes are busy, the one finishing cuts what gathered meanwhile: no timer needed.
      else if (this.timer === null && this.publishing < this.maxConcurrent) this.timer = setTimeout(() => this.cut(), this.options.lingerMs);
    });
  }

  /** Publishes whatever is waiting now (used on shutdown). */
  async flush(): Promise<void> {
    this.cut();
    while (this.publishing > 0 || this.queue.length > 0 || this.pending.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      this.cut();
    }
  }

  private cut(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    // The publishes are busy: let the batch grow (up to maxBatch) until one of them finishes.
    if (this.publishing >= this.maxConcurrent && this.pending.length < this.options.maxBatch) return;
    this.queue.push({ messages: this.pending, waiters: this.waiters });
    this.pending = [];
    this.waiters = [];
    this.pump();
  }

  private pump(): void {
    while (this.publishing < this.maxConcurrent && this.queue.length > 0) {
      const batch = this.queue.shift()!;
      this.publishing++;
      // Up to maxConcurrent publishes run side by side; publish() settles its waiters itself, and
      // should anything in it throw after all, the waiters (the terminals' 0x8001) get that error.
      void this.publish(batch.messages, batch.waiters).catch((error: unknown) => {
        for (const waiter of batch.waiters) waiter.reject(error);
      });
    }
  }

  private async publish(messages: PositionMessage[], waiters: Waiter[]): Promise<void> {
    const started = this.now();
    try {
      // Each position was parsed by positionV1 as it was mapped (toPosition): validated once, at the edge.
      await this.options.bus.publish(TOPICS.positions, messages, { validated: true });
      this.options.onPublished?.(this.now() - started, messages.length, true);
      for (const waiter of waiters) this.settle(waiter, () => waiter.resolve());
    } catch (error) {
      this.options.onPublished?.(this.now() - started, messages.length, false, error);
      for (const waiter of waiters) this.settle(waiter, () => waiter.reject(error));
    } finally {
      this.changeInFlight(-messages.length);
      this.skipDone();
      this.publishing--;
      this.pump();
      // What gathered while the producer was busy has waited long enough: it goes now.
      if (this.publishing < this.maxConcurrent) this.cut();
    }
  }

  private settle(waiter: Waiter, outcome: () => void): void {
    waiter.done = true;
    if (waiter.settled) return; // answered already (timed out)
    waiter.settled = true;
    outcome();
  }

  private skipDone(): void {
    while (this.head < this.outstanding.length && this.outstanding[this.head]!.done) this.head++;
    // Drop the completed prefix now and then rather than shifting on every publish.
    if (this.head > 1024 && this.head * 2 > this.outstanding.length) {
      this.outstanding = this.outstanding.slice(this.head);
      this.expireCursor = Math.max(0, this.expireCursor - this.head);
      this.head = 0;
    }
  }

  private changeInFlight(delta: number): void {
    this.inFlightCount += delta;
    this.options.onInFlightChange?.(this.inFlightCount);
  }
}
