import { pino, type Logger } from 'pino';

export type { Logger };

/** The default structured logger of the bus; services pass their own (with their bindings) instead. */
export const createMessagingLogger = (bindings: Record<string, unknown> = {}): Logger =>
  pino({ name: 'messaging', level: process.env.LOG_LEVEL ?? 'info' }).child(bindings);

/**
 * Swallows repeats of the same line within a window and reports how many were dropped:
 * a broker outage otherwise makes kafkajs log the same connection error many times a second.
 */
export class RepeatSuppressor {
  private readonly seen = new Map<string, { atMs: number; suppressed: number }>();
  constructor(private readonly windowMs = 10_000) {}

  /** Returns null to drop the line, else how many identical lines were dropped before it. */
  admit(key: string, nowMs = Date.now()): number | null {
    const entry = this.seen.get(key);
    if (entry && nowMs - entry.atMs < this.windowMs) {
      entry.suppressed += 1;
      return null;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.seen.set(key, { atMs: nowMs, suppressed: 0 });
    if (this.seen.size > 1000) this.seen.clear();
    return suppressed;
  }
}
