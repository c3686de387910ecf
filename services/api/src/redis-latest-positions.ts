import { Redis } from 'ioredis';
import { decodeLatestPosition, latestPositionKeys } from '@roadwatch/storage';
import type { LatestLike, LatestPositionsPort } from './repositories/vehicles.repository';

/**
 * Reads what services/archiver's RedisLatestPositionStore writes: the position hash of
 * libs/storage's `latestPositionKeys` (vehicleId → `encodeLatestPosition`, or the former positionV1 JSON). Read-only: the archiver is
 * the only writer.
 */
export class RedisLatestPositionsReader implements LatestPositionsPort {
  private readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.key = latestPositionKeys(prefix).position;
  }

  static connect(url: string, prefix: string): RedisLatestPositionsReader {
    return new RedisLatestPositionsReader(new Redis(url, { maxRetriesPerRequest: 3 }), prefix);
  }

  async get(vehicleId: string): Promise<LatestLike | null> {
    const raw = await this.redis.hget(this.key, vehicleId);
    return raw ? decodeLatestPosition(vehicleId, raw) : null;
  }

  async getMany(vehicleIds: readonly string[]): Promise<LatestLike[]> {
    const out: LatestLike[] = [];
    // Bounded replies: a whole fleet is several HMGETs, not one that blocks Redis.
    for (let start = 0; start < vehicleIds.length; start += 1_000) {
      const ids = vehicleIds.slice(start, start + 1_000);
      (await this.redis.hmget(this.key, ...ids)).forEach((raw, i) => {
        if (raw) out.push(decodeLatestPosition(ids[i] as string, raw));
      });
    }
    return out;
  }

  async all(): Promise<LatestLike[]> {
    const out: LatestLike[] = [];
    let cursor = '0';
    do {
      const [next, fields] = await this.redis.hscan(this.key, cursor, 'COUNT', 1_000);
      for (let i = 1; i < fields.length; i += 2) out.push(decodeLatestPosition(fields[i - 1] as string, fields[i] as string));
      cursor = next;
    } while (cursor !== '0');
    return out;
  }

  async ping(): Promise<boolean> {
    return (await this.redis.ping()) === 'PONG';
  }

  close(): void {
    this.redis.disconnect();
  }
}
