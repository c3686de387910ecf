import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import { RedisSeenSet } from './seen-set';
import { seenSetContract } from './seen-set.contract';

describe('RedisSeenSet on the real Redis server', () => {
  seenSetContract(async () => RedisSeenSet.connect(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', `test:${randomUUID()}:`));
});
