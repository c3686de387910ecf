import { Redis } from 'ioredis';
import type { PositionV1 } from '@roadwatch/contracts';
import { DEFAULT_CLOCK_SKEW_MS } from '@roadwatch/domain';
import { latestPositionKeys } from '@roadwatch/storage';
import { newestPerVehicle, type LatestPositionStore } from './latest-position-store';

/**
 * Cluster mode. Two hashes under one hash tag (one Redis Cluster slot, so one script may
 * touch both), named by libs/storage's `latestPositionKeys`: the device time and the position
 * per vehicle.
 * The compare-and-set is one Lua script, so two archiver members racing on one vehicle
 * (a rebalance) can never move an entry back: the older write finds the newer time and
 * changes nothing. Device times in ms fit a Lua double exactly. ARGV[1] is the clock now plus
 * the skew: a stored time beyond it is future-dated (stored before such reports were left
 * out) and gives way — `replacesLatest` of libs/domain; future-dated candidates never get here.
 */
const ADVANCE_SCRIPT = `
local moved = 0
local ceiling = tonumber(ARGV[1])
for i = 2, #ARGV, 3 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if (not current) or tonumber(current) < tonumber(ARGV[i + 1]) or tonumber(current) > ceiling then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 2])
    moved = moved + 1
  end
end
return moved
`;

/** Vehicles per script call: bounds the time one call holds Redis. */
const CHUNK = 500;

interface AdvanceCommand {
  roadwatchAdvanceLatest(timeKey: string, positionKey: string, ...args: string[]): Promise<number>;
}

export class RedisLatestPositionStore implements LatestPositionStore {
  readonly timeKey: string;
  readonly positionKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly ownsConnection = false,
  ) {
    const keys = latestPositionKeys(prefix);
    this.timeKey = keys.time;
    this.positionKey = keys.position;
    this.redis.defineCommand('roadwatchAdvanceLatest', { numberOfKeys: 2, lua: ADVANCE_SCRIPT });
  }

  static connect(url: string, prefix: string): RedisLatestPositionStore {
    return new RedisLatestPositionStore(new Redis(url, { maxRetriesPerRequest: 3 }), prefix, true);
  }

  async advance(positions: readonly PositionV1[], nowMs: number, clockSkewMs = DEFAULT_CLOCK_SKEW_MS): Promise<number> {
    const newest = [...newestPerVehicle(positions, clockSkewMs).values()];
    let moved = 0;
    for (let start = 0; start < newest.length; start += CHUNK) {
      const args: string[] = [String(nowMs + clockSkewMs)];
      for (const position of newest.slice(start, start + CHUNK)) {
        args.push(position.vehicleId, String(position.deviceTimeMs), JSON.stringify(position));
      }
      moved += await (this.redis as unknown as AdvanceCommand).roadwatchAdvanceLatest(this.timeKey, this.positionKey, ...args);
    }
    return moved;
  }

  async get(vehicleId: string): Promise<PositionV1 | null> {
    const json = await this.redis.hget(this.positionKey, vehicleId);
    return json === null ? null : (JSON.parse(json) as PositionV1);
  }

  async getMany(vehicleIds: readonly string[]): Promise<PositionV1[]> {
    const out: PositionV1[] = [];
    for (let start = 0; start < vehicleIds.length; start += CHUNK) {
      const values = await this.redis.hmget(this.positionKey, ...vehicleIds.slice(start, start + CHUNK));
      for (const json of values) if (json !== null) out.push(JSON.parse(json) as PositionV1);
    }
    return out;
  }

  async all(): Promise<PositionV1[]> {
    // HSCAN rather than HGETALL: a fleet of 100k vehicles is not one reply that blocks
    // Redis. HSCAN may return a field twice; the map keeps one per vehicle.
    const out = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, fields] = await this.redis.hscan(this.positionKey, cursor, 'COUNT', 1000);
      for (let i = 0; i + 1 < fields.length; i += 2) out.set(fields[i] as string, fields[i + 1] as string);
      cursor = next;
    } while (cursor !== '0');
    return [...out.values()].map((json) => JSON.parse(json) as PositionV1);
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit();
  }
}
