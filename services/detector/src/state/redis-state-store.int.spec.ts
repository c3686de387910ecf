import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { RedisStateStore } from './redis-state-store';
import { stateStoreContract } from './state-store.contract';

describe('RedisStateStore on the real Redis server', () => {
  stateStoreContract(async () => RedisStateStore.connect(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', `test:detector:${randomUUID()}:`));
});
