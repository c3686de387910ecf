import { Redis } from 'ioredis';

/**
 * Which gateway instance holds which terminal's connection, shared by all instances.
 *
 * Every instance reads every command (its own consumer group). The instance holding the
 * terminal sends it; an instance that does not hold it asks the directory: if another
 * live instance holds the terminal, it leaves the command to that instance; if nobody
 * does, the command is undeliverable and exactly one instance (the first to claim the
 * report) says so.
 */
export interface ConnectionDirectory {
  claim(terminalId: string, instanceId: string): Promise<void>;
  release(terminalId: string, instanceId: string): Promise<void>;
  /** The live instance holding the terminal, if any. */
  ownerOf(terminalId: string): Promise<string | undefined>;
  /** True for exactly one caller per key (per `ttlMs`): who reports a command's fate. */
  claimReport(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** One process (standalone mode, tests): several gateways in the same process may share one. */
export class InMemoryConnectionDirectory implements ConnectionDirectory {
  private readonly owners = new Map<string, string>();
  private readonly reported = new Map<string, number>();

  async claim(terminalId: string, instanceId: string): Promise<void> {
    this.owners.set(terminalId, instanceId);
  }

  async release(terminalId: string, instanceId: string): Promise<void> {
    if (this.owners.get(terminalId) === instanceId) this.owners.delete(terminalId);
  }

  async ownerOf(terminalId: string): Promise<string | undefined> {
    return this.owners.get(terminalId);
  }

  /** An instance (a gateway worker) died: the terminals it held are held by nobody until they reconnect. */
  forgetInstance(instanceId: string): number {
    let forgotten = 0;
    for (const [terminalId, owner] of this.owners) {
      if (owner !== instanceId) continue;
      this.owners.delete(terminalId);
      forgotten++;
    }
    return forgotten;
  }

  async claimReport(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const until = this.reported.get(key);
    if (until !== undefined && until > now) return false;
    this.reported.set(key, now + ttlMs);
    if (this.reported.size > 100_000) {
      for (const [k, expiry] of this.reported) if (expiry <= now) this.reported.delete(k);
    }
    return true;
  }

  async close(): Promise<void> {}
}

const RELEASE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Redis: `<prefix>conn:<terminalId>` = instance id, and `<prefix>instance:<id>` kept alive
 * with a TTL the instance refreshes. A crashed instance's entries stop counting when its
 * liveness key expires, so its terminals' commands become undeliverable (until the
 * terminals reconnect elsewhere and are claimed again).
 */
export class RedisConnectionDirectory implements ConnectionDirectory {
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly instanceId: string,
    private readonly prefix = 'roadwatch:gateway-jt808:',
    private readonly livenessTtlMs = 30_000,
  ) {
    this.timer = setInterval(() => this.heartbeat(), Math.floor(livenessTtlMs / 3));
    this.timer.unref();
    this.heartbeat();
  }

  static connect(url: string, instanceId: string, prefix?: string): RedisConnectionDirectory {
    return new RedisConnectionDirectory(new Redis(url, { maxRetriesPerRequest: 3 }), instanceId, prefix);
  }

  private heartbeat(): void {
    if (this.closed) return;
    // A missed heartbeat (Redis away for a moment) is retried at the next tick; the liveness TTL spans three.
    void this.redis.set(`${this.prefix}instance:${this.instanceId}`, '1', 'PX', this.livenessTtlMs).catch(() => undefined);
  }

  async claim(terminalId: string, instanceId: string): Promise<void> {
    await this.redis.set(`${this.prefix}conn:${terminalId}`, instanceId);
  }

  async release(terminalId: string, instanceId: string): Promise<void> {
    await this.redis.eval(RELEASE_IF_OWNER, 1, `${this.prefix}conn:${terminalId}`, instanceId);
  }

  async ownerOf(terminalId: string): Promise<string | undefined> {
    const owner = await this.redis.get(`${this.prefix}conn:${terminalId}`);
    if (!owner) return undefined;
    const alive = await this.redis.exists(`${this.prefix}instance:${owner}`);
    return alive === 1 ? owner : undefined;
  }

  async claimReport(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}report:${key}`, this.instanceId, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.redis.del(`${this.prefix}instance:${this.instanceId}`).catch(() => undefined);
    await this.redis.quit();
  }
}
