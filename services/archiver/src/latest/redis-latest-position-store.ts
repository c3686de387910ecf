import { Redis } from 'ioredis';
import type { PositionV1 } from '@roadwatch/contracts';
import { DEFAULT_CLOCK_SKEW_MS } from '@roadwatch/domain';
import { decodeLatestPosition, encodeLatestPosition, latestPositionKeys } from '@roadwatch/storage';
import { newestPerVehicle, type LatestPositionStore } from './latest-position-store';

/**
 * Cluster mode. Two hashes under one hash tag (one Redis Cluster slot, so one script may
 * touch both), named by libs/storage's `latestPositionKeys`: the device time and the position
 * per vehicle (`encodeLatestPosition`, compact).
 * The compare-and-set is one Lua script, so two archiver members racing on one vehicle
 * (a rebalance) can never move an entry back: the older write finds the newer time and
 * changes nothing. Device times in ms fit a Lua double exactly. ARGV[1] is the clock now plus
 * the skew: a stored time beyond it is future-dated (stored before such reports were left
 * out) and gives way — `replacesLatest` of libs/domain; future-dated candidates never get here.
 * Three commands per call whatever the number of vehicles (one HMGET of the stored times, one
 * HSET of each hash with every moved vehicle), not three per vehicle: each vehicle appears
 * once per call (the batch is coalesced first), so reading all before writing any is the same.
 */
const ADVANCE_SCRIPT = `
local ceiling = tonumber(ARGV[1])
local count = (#ARGV - 1) / 3
local ids = {}
for i = 1, count do ids[i] = ARGV[3 * i - 1] end
local current = redis.call('HMGET', KEYS[1], unpack(ids))
local times, positions = {}, {}
for i = 1, count do
  local stored = current[i]
  local candidate = tonumber(ARGV[3 * i])
  if (not stored) or tonumber(stored) < candidate or tonumber(stored) > ceiling then
    times[#times + 1] = ARGV[3 * i - 1]
    times[#times + 1] = ARGV[3 * i]
    positions[#positions + 1] = ARGV[3 * i - 1]
    positions[#positions + 1] = ARGV[3 * i + 1]
  end
end
if #times > 0 then
  redis.call('HSET', KEYS[1], unpack(times))
  redis.call('HSET', KEYS[2], unpack(positions))
end
return #times / 2
`;

/** Vehicles per script call: bounds the time one call holds Redis (and Lua's unpack). */
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
    const calls: Promise<number>[] = [];
    // Every chunk's call is written at once (ioredis pipelines them on the connection), not one round trip after another.
    for (let start = 0; start < newest.length; start += CHUNK) {
      const args: string[] = [String(nowMs + clockSkewMs)];
      for (const position of newest.slice(start, start + CHUNK)) {
        args.push(position.vehicleId, String(position.deviceTimeMs), encodeLatestPosition(position));
      }
      calls.push((this.redis as unknown as AdvanceCommand).roadwatchAdvanceLatest(this.timeKey, this.positionKey, ...args));
    }
    return (await Promise.all(calls)).reduce((sum, moved) => sum + moved, 0);
  }

  async get(vehicleId: string): Promise<PositionV1 | null> {
    const entry = await this.redis.hget(this.positionKey, vehicleId);
    return entry === null ? null : decodeLatestPosition(vehicleId, entry);
  }

  async getMany(vehicleIds: readonly string[]): Promise<PositionV1[]> {
    const out: PositionV1[] = [];
    for (let start = 0; start < vehicleIds.length; start += CHUNK) {
      const ids = vehicleIds.slice(start, start + CHUNK);
      const entries = await this.redis.hmget(this.positionKey, ...ids);
      entries.forEach((entry, i) => {
        if (entry !== null) out.push(decodeLatestPosition(ids[i] as string, entry));
      });
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
    return [...out].map(([vehicleId, entry]) => decodeLatestPosition(vehicleId, entry));
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit();
  }
}
