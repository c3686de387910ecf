import { TOPICS } from '@roadwatch/contracts';
import type { Bus, OutgoingMessage } from '@roadwatch/messaging';

type PositionMessage = OutgoingMessage<typeof TOPICS.positions>;

interface Waiter {
  count: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface PositionBatcherOptions {
  bus: Pick<Bus, 'publish'>;
  /** Wait at most this long for more messages before publishing a partial batch. */
  lingerMs: number;
  /** Publish as soon as this many messages are waiting. */
  maxBatch: number;
  /** Publishes in flight at once; more batches wait (the Kafka producer serialises anyway). */
  maxConcurrentPublishes?: number;
  /** Called with every publish's duration and size (for the latency histogram). */
  onPublished?: (durationMs: number, messages: number, ok: boolean, error?: unknown) => void;
  /** Called whenever the number of unacknowledged positions changes. */
  onInFlightChange?: (inFlight: number) => void;
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
  private readonly now: () => number;
  private readonly maxConcurrent: number;

  constructor(private readonly options: PositionBatcherOptions) {
    this.now = options.now ?? (() => performance.now());
    this.maxConcurrent = options.maxConcurrentPublishes ?? 4;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  submit(messages: readonly PositionMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      for (const message of messages) this.pending.push(message);
      this.waiters.push({ count: messages.length, resolve, reject });
      this.changeInFlight(messages.length);
      if (this.pending.length >= this.options.maxBatch) this.cut();
      else if (this.timer === null) this.timer = setTimeout(() => this.cut(), this.options.lingerMs);
    });
  }

  /** Publishes whatever is waiting now (used on shutdown). */
  async flush(): Promise<void> {
    this.cut();
    while (this.publishing > 0 || this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private cut(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
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
      await this.options.bus.publish(TOPICS.positions, messages);
      this.options.onPublished?.(this.now() - started, messages.length, true);
      for (const waiter of waiters) waiter.resolve();
    } catch (error) {
      this.options.onPublished?.(this.now() - started, messages.length, false, error);
      for (const waiter of waiters) waiter.reject(error);
    } finally {
      this.changeInFlight(-messages.length);
      this.publishing--;
      this.pump();
    }
  }

  private changeInFlight(delta: number): void {
    this.inFlightCount += delta;
    this.options.onInFlightChange?.(this.inFlightCount);
  }
}
