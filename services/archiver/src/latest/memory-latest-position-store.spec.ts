import { describe } from 'vitest';
import { latestPositionStoreContract } from './latest-position-store.contract';
import { MemoryLatestPositionStore } from './memory-latest-position-store';

describe('MemoryLatestPositionStore', () => {
  latestPositionStoreContract(async () => new MemoryLatestPositionStore());
});
