import { Redis } from 'ioredis';
import type { Checkpoint, PartitionRef, PartitionSnapshot, StateStore } from './state-store';
import { partitionKeyOf } from './state-store';

/**
 * Cluster mode. Per partition two keys, both under `{prefix}{topic:partition}` (the hash
 * tag keeps them in one Redis Cluster slot, so the script may touch both):
 * - `…:offset` — the last processed offset the states reflect;
 * - `…:states` — a hash vehicleId → JSON state.
 * The checkpoint is one Lua script, i.e. atomic like MULTI/EXEC, with a fence MULTI cannot
 * express: an offset below the stored one (a zombie owner's late write) changes nothing.
 */
const CHECKPOINT_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
local removed = tonumber(ARGV[2])
for i = 1, removed do redis.call('HDEL', KEYS[2], ARGV[2 + i]) end
local first = 3 + removed
for i = first, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1
`;

export class RedisStateStore implements StateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ownsConnection = false,
  ) {
    this.redis.defineCommand('roadwatchCheckpoint', { numberOfKeys: 2, lua: CHECKPOINT_SCRIPT });
  }

  static connect(url: string, prefix: string): RedisStateStore {
    return new RedisStateStore(new Redis(url, { maxRetriesPerRequest: 3 }), prefix, true);
  }

  private keys(ref: PartitionRef): { offset: string; states: string } {
    const base = `${this.prefix}{${partitionKeyOf(ref)}}`;
    return { offset: `${base}:offset`, states: `${base}:states` };
  }

  async load(ref: PartitionRef): Promise<PartitionSnapshot> {
    const keys = this.keys(ref);
    // One MULTI so the offset and the states are read from the same checkpoint.
    const results = await this.redis.multi().get(keys.offset).hgetall(keys.states).exec();
    if (!results) throw new Error('redis transaction aborted while loading state');
    const [offsetResult, statesResult] = results;
    if (offsetResult?.[0]) throw offsetResult[0];
    if (statesResult?.[0]) throw statesResult[0];
    const states = new Map<string, unknown>();
    for (const [vehicleId, json] of Object.entries((statesResult?.[1] ?? {}) as Record<string, string>)) {
      states.set(vehicleId, JSON.parse(json));
    }
    return { lastOffset: (offsetResult?.[1] as string | null) ?? null, states };
  }

  async checkpoint(ref: PartitionRef, checkpoint: Checkpoint): Promise<boolean> {
    const keys = this.keys(ref);
    const removed = checkpoint.removed ?? [];
    const args: string[] = [checkpoint.lastOffset, String(removed.length), ...removed];
    for (const [vehicleId, state] of checkpoint.changed) args.push(vehicleId, JSON.stringify(state));
    const written = await (this.redis as unknown as CheckpointCommand).roadwatchCheckpoint(keys.offset, keys.states, ...args);
    return written === 1;
  }

  async clear(ref: PartitionRef): Promise<void> {
    const keys = this.keys(ref);
    await this.redis.del(keys.offset, keys.states);
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit();
  }
}

interface CheckpointCommand {
  roadwatchCheckpoint(offsetKey: string, statesKey: string, ...args: string[]): Promise<number>;
}
