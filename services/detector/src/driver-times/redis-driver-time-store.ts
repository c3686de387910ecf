import type { DriverTimeCarry } from '@roadwatch/rules';
import { Redis } from 'ioredis';
import { newerThanHeld, type DriverTimeStore } from './driver-time-store';

/**
 * Cluster mode: one key per driver, `{prefix}driver-time:{driverId}`, holding
 * `<lastReportMs>|<carry as JSON>` and expiring `ttlMs` after its last write (a driver's time
 * matters for the trailing 24 h and no longer). The put is a script comparing the stored
 * last report with the new one, so concurrent members keep the newer; one key per command,
 * so it runs on Redis Cluster too.
 */
const PUT_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local stored = tonumber(string.match(current, '^(%d+)|'))
  if stored and stored > tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 'PX', ARGV[3])
return 1
`;

export class RedisDriverTimeStore implements DriverTimeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly ownsConnection = false,
  ) {
    this.redis.defineCommand('roadwatchPutDriverTime', { numberOfKeys: 1, lua: PUT_IF_NEWER });
  }

  static connect(url: string, prefix: string, ttlMs: number): RedisDriverTimeStore {
    return new RedisDriverTimeStore(new Redis(url, { maxRetriesPerRequest: 3 }), prefix, ttlMs, true);
  }

  private key(driverId: string): string {
    return `${this.prefix}driver-time:{${driverId}}`;
  }

  async get(driverIds: readonly string[], heldLastReportMs?: (driverId: string) => number | undefined): Promise<Map<string, DriverTimeCarry>> {
    const found = new Map<string, DriverTimeCarry>();
    if (driverIds.length === 0) return found;
    const pipeline = this.redis.pipeline();
    for (const id of driverIds) pipeline.get(this.key(id));
    const results = (await pipeline.exec()) ?? [];
    results.forEach(([error, value], i) => {
      if (error) throw error;
      if (typeof value !== 'string') return;
      const bar = value.indexOf('|');
      const driverId = driverIds[i] as string;
      // The last report leads the value: a time no newer than the caller's is not decoded.
      if (newerThanHeld(Number(value.slice(0, bar)), heldLastReportMs?.(driverId))) found.set(driverId, JSON.parse(value.slice(bar + 1)) as DriverTimeCarry);
    });
    return found;
  }

  async put(carries: readonly DriverTimeCarry[]): Promise<void> {
    if (carries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const carry of carries) {
      (pipeline as unknown as PutCommand).roadwatchPutDriverTime(
        this.key(carry.driverId),
        String(Math.trunc(carry.lastReportMs)),
        JSON.stringify(carry),
        String(this.ttlMs),
      );
    }
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit();
  }
}

interface PutCommand {
  roadwatchPutDriverTime(key: string, lastReportMs: string, json: string, ttlMs: string): unknown;
}
