import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { infraEnv } from '@roadwatch/testing';
import { RedisConnectionDirectory, type ConnectionDirectory } from './connection-directory';
import { connectionDirectoryContract } from './connection-directory.contract';

const { redisUrl } = infraEnv();

describe('RedisConnectionDirectory on the real Redis server', () => {
  connectionDirectoryContract(() => {
    const prefix = `test:gateway:${randomUUID()}:`;
    const made: ConnectionDirectory[] = [];
    return {
      make: async (instanceId) => {
        const directory = RedisConnectionDirectory.connect(redisUrl, instanceId, prefix);
        made.push(directory);
        return directory;
      },
      close: async () => {
        await Promise.all(made.map((directory) => directory.close()));
      },
    };
  });

  it('a crashed instance stops owning its terminals once its liveness key expires; a clean close at once', async () => {
    const prefix = `test:gateway:${randomUUID()}:`;
    const observer = RedisConnectionDirectory.connect(redisUrl, 'gw-observer', prefix);
    const crashing = new Redis(redisUrl);
    const crashed = new RedisConnectionDirectory(crashing, 'gw-crashed', prefix, 600);
    const closing = RedisConnectionDirectory.connect(redisUrl, 'gw-closing', prefix);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first heartbeats
    await crashed.claim('013700000001', 'gw-crashed');
    await closing.claim('013700000002', 'gw-closing');
    expect(await observer.ownerOf('013700000001')).toBe('gw-crashed');
    expect(await observer.ownerOf('013700000002')).toBe('gw-closing');

    await closing.close();
    expect(await observer.ownerOf('013700000002')).toBeUndefined();

    // A crash: the connection is gone, heartbeats stop, the conn: entry stays behind.
    crashing.disconnect();
    expect(await observer.ownerOf('013700000001')).toBe('gw-crashed');
    await new Promise((resolve) => setTimeout(resolve, 900));
    expect(await observer.ownerOf('013700000001')).toBeUndefined();

    await crashed.close().catch(() => undefined);
    await observer.close();
  });
});
