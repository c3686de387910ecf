import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { latestPositionStoreContract } from './latest-position-store.contract';
import { RedisLatestPositionStore } from './redis-latest-position-store';

describe('RedisLatestPositionStore on the real Redis server', () => {
  latestPositionStoreContract(async () =>
    RedisLatestPositionStore.connect(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', `test:archiver:${randomUUID()}:`),
  );
});
