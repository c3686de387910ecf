import { Redis } from 'ioredis';
import { PartitionStateCodec, type EncodedCheckpoint } from './checkpoint-codec';
import type { Checkpoint, PartitionRef, PartitionSnapshot, StateStore } from './state-store';
import { partitionKeyOf } from './state-store';

/**
 * Cluster mode. Per partition three keys, all under `{prefix}{topic:partition}` (the hash
 * tag keeps them in one Redis Cluster slot, so the script may touch all of them):
 * - `…:offset` — the last processed offset the states reflect;
 * - `…:states` — a hash vehicleId → state (`checkpoint-codec.ts`: a format byte, then
 *   MessagePack records; a JSON state of an earlier release is still read);
 * - `…:structures` — a hash id → the record key lists the MessagePack states name.
 * The checkpoint is one Lua script, i.e. atomic like MULTI/EXEC, with a fence MULTI cannot
 * express: an offset below the stored one (a zombie owner's late write) changes nothing.
 * Key lists are only ever added (HSETNX, content-addressed), so no writer overwrites the
 * lists another one's values name.
 */
const CHECKPOINT_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
local structures = tonumber(ARGV[2])
local i = 3
for _ = 1, structures do
  redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i + 1])
  i = i + 2
end
local removed = tonumber(ARGV[i])
i = i + 1
for _ = 1, removed do
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
for j = i, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[j], ARGV[j + 1]) end
return 1
`;

export class RedisStateStore implements StateStore {
  /** Per partition loaded here: the codec that reads its states and writes with its key lists. */
  private readonly codecs = new Map<string, PartitionStateCodec>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ownsConnection = false,
  ) {
    this.redis.defineCommand('roadwatchCheckpoint', { numberOfKeys: 3, lua: CHECKPOINT_SCRIPT });
  }

  static connect(url: string, prefix: string): RedisStateStore {
    return new RedisStateStore(new Redis(url, { maxRetriesPerRequest: 3 }), prefix, true);
  }

  private keys(ref: PartitionRef): { offset: string; states: string; structures: string } {
    const base = `${this.prefix}{${partitionKeyOf(ref)}}`;
    return { offset: `${base}:offset`, states: `${base}:states`, structures: `${base}:structures` };
  }

  async load(ref: PartitionRef): Promise<PartitionSnapshot> {
    const keys = this.keys(ref);
    // One MULTI so the offset, the states and their key lists are read from the same checkpoint.
    const results = await this.redis.multi().get(keys.offset).hgetallBuffer(keys.states).hgetall(keys.structures).exec();
    if (!results) throw new Error('redis transaction aborted while loading state');
    const [offsetResult, statesResult, structuresResult] = results;
    for (const result of results) if (result?.[0]) throw result[0];
    const codec = new PartitionStateCodec(new Map(Object.entries((structuresResult?.[1] ?? {}) as Record<string, string>)));
    this.codecs.set(partitionKeyOf(ref), codec);
    const states = new Map<string, unknown>();
    for (const [vehicleId, value] of Object.entries((statesResult?.[1] ?? {}) as Record<string, Buffer>)) states.set(vehicleId, decodeOrError(codec, value));
    return { lastOffset: (offsetResult?.[1] as string | null) ?? null, states };
  }

  async checkpoint(ref: PartitionRef, checkpoint: Checkpoint): Promise<boolean> {
    const keys = this.keys(ref);
    const codec = this.codecOf(ref);
    const removed = checkpoint.removed ?? [];
    const encoded: EncodedCheckpoint = codec.encodeAll(checkpoint.changed.values());
    const args: (string | Buffer)[] = [checkpoint.lastOffset, String(encoded.structures.length)];
    for (const [id, json] of encoded.structures) args.push(id, json);
    args.push(String(removed.length), ...removed);
    let index = 0;
    for (const vehicleId of checkpoint.changed.keys()) args.push(vehicleId, encoded.values[index++]!);
    const written = (await (this.redis as unknown as CheckpointCommand).roadwatchCheckpoint(keys.offset, keys.states, keys.structures, ...args)) === 1;
    if (written) codec.written(encoded);
    return written;
  }

  async clear(ref: PartitionRef): Promise<void> {
    const keys = this.keys(ref);
    this.codecs.delete(partitionKeyOf(ref));
    await this.redis.del(keys.offset, keys.states, keys.structures);
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  async close(): Promise<void> {
    if (this.ownsConnection) await this.redis.quit();
  }

  /** A partition checkpointed without a load first (tests, WIM offsets) starts with no key lists; the store adds its own. */
  private codecOf(ref: PartitionRef): PartitionStateCodec {
    const key = partitionKeyOf(ref);
    let codec = this.codecs.get(key);
    if (!codec) this.codecs.set(key, (codec = new PartitionStateCodec()));
    return codec;
  }
}

/** A value that does not decode stays in the snapshot as its error: the processor logs it and that vehicle starts afresh; the partition goes on. */
export const decodeOrError = (codec: PartitionStateCodec, value: Buffer): unknown => {
  try {
    return codec.decode(value);
  } catch (error) {
    return error;
  }
};

interface CheckpointCommand {
  roadwatchCheckpoint(offsetKey: string, statesKey: string, structuresKey: string, ...args: (string | Buffer)[]): Promise<number>;
}
