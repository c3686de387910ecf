import { Redis } from 'ioredis';

/**
 * Remembers which natural keys were already accepted, so a duplicate submission is
 * answered as such instead of being published twice. Losing this memory is harmless:
 * every consumer is idempotent on the same key; this only spares the extra message.
 */
export interface SeenSet {
  has(key: string): Promise<boolean>;
  add(key: string, ttlMs: number): Promise<void>;
  /** Readiness: the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class RedisSeenSet implements SeenSet {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  static connect(url: string, prefix: string): RedisSeenSet {
    return new RedisSeenSet(new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 }), prefix);
  }

  async has(key: string): Promise<boolean> {
    return (await this.redis.exists(this.prefix + key)) === 1;
  }

  async add(key: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + key, '1', 'PX', ttlMs);
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/** The embedded default: bounded, oldest forgotten first. */
export class MemorySeenSet implements SeenSet {
  private readonly expiresAt = new Map<string, number>();
  constructor(
    private readonly maxEntries = 1_000_000,
    private readonly now: () => number = Date.now,
  ) {}

  async has(key: string): Promise<boolean> {
    const expiry = this.expiresAt.get(key);
    if (expiry === undefined) return false;
    if (expiry <= this.now()) {
      this.expiresAt.delete(key);
      return false;
    }
    return true;
  }

  async add(key: string, ttlMs: number): Promise<void> {
    this.expiresAt.delete(key);
    this.expiresAt.set(key, this.now() + ttlMs);
    if (this.expiresAt.size > this.maxEntries) {
      const oldest = this.expiresAt.keys().next().value;
      if (oldest !== undefined) this.expiresAt.delete(oldest);
    }
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.expiresAt.clear();
  }
}
