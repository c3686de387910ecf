import type { Logger } from 'pino';

export interface ReloaderOptions<T> {
  /** Named in the log lines (`vehicle registry`, `road speed zones`). */
  name: string;
  load: () => Promise<T>;
  /** Reload period; 0 reloads only when asked (`reload()`). */
  intervalMs: number;
  logger: Logger;
  /** Called with every value loaded, the first included. */
  onLoaded?: (value: T) => void;
}

/**
 * A value read from somewhere slow (the registry tables) and kept in memory for
 * synchronous lookups, reloaded on a timer. A reload that fails keeps the last good value
 * and logs: a database blip must not make every vehicle unknown to the detector. The first
 * load must succeed (`start` rejects): a service must not run on a registry it never had.
 */
export class Reloader<T> {
  private value: T;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<boolean> | undefined;
  private again = false;
  private loadedAtMs: number;
  private failures = 0;

  private constructor(
    private readonly options: ReloaderOptions<T>,
    first: T,
  ) {
    this.value = first;
    this.loadedAtMs = Date.now();
  }

  static async start<T>(options: ReloaderOptions<T>): Promise<Reloader<T>> {
    const reloader = new Reloader(options, await options.load());
    options.onLoaded?.(reloader.value);
    if (options.intervalMs > 0) {
      // A failed load is logged by reload() itself and the last value kept; the catch is for what
      // escapes that (a throwing onLoaded), which must not end the process as an unhandled rejection.
      reloader.timer = setInterval(
        () => void reloader.reload().catch((error: unknown) => options.logger.error({ err: error }, `${options.name} reload failed`)),
        options.intervalMs,
      );
      reloader.timer.unref();
    }
    return reloader;
  }

  /** The last value loaded successfully. */
  get current(): T {
    return this.value;
  }

  /** When `current` was loaded, and how many reloads have failed in a row since. */
  get status(): { loadedAtMs: number; consecutiveFailures: number } {
    return { loadedAtMs: this.loadedAtMs, consecutiveFailures: this.failures };
  }

  /**
   * Load now; true when the value was replaced. Calls during a load are folded into one
   * more load after it, so a change made while a load was reading is never missed.
   */
  reload(): Promise<boolean> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<boolean> => {
      let replaced = false;
      do {
        this.again = false;
        replaced = await this.loadOnce();
      } while (this.again);
      return replaced;
    };
    this.running = run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the timer and waits for a load in progress. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async loadOnce(): Promise<boolean> {
    try {
      const next = await this.options.load();
      this.value = next;
      this.loadedAtMs = Date.now();
      this.failures = 0;
      this.options.onLoaded?.(next);
      return true;
    } catch (error) {
      this.failures += 1;
      this.options.logger.error(
        { err: error instanceof Error ? error.message : String(error), consecutiveFailures: this.failures, loadedAtMs: this.loadedAtMs },
        `${this.options.name} reload failed; keeping the last one loaded`,
      );
      return false;
    }
  }
}
