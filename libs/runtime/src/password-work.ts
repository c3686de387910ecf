/**
 * scrypt is deliberately expensive (~50 ms of CPU each here). Node runs it on libuv's pool of
 * four threads, so a burst of sign-ins — a brute-force attempt — could occupy both cores of a
 * small box and slow every other request. All password work goes through this gate instead:
 * at most `concurrency` derivations at a time, at most `maxQueued` waiting; beyond that the
 * caller is told at once (503, retry) instead of queueing without bound.
 */
export class PasswordWorkBusyError extends Error {
  constructor(readonly retryAfterMs: number) {
    super('too many sign-ins are being checked right now; retry shortly');
    this.name = 'PasswordWorkBusyError';
  }
}

export class BoundedWorkGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** The most that ever ran at once (observability, and what the tests assert). */
  peakRunning = 0;

  constructor(
    private readonly concurrency: number,
    private readonly maxQueued: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueued) throw new PasswordWorkBusyError(1_000);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    this.peakRunning = Math.max(this.peakRunning, this.running);
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/** One derivation at a time: one of the two cores stays for everything else. */
export const passwordWork = new BoundedWorkGate(1, 64);
