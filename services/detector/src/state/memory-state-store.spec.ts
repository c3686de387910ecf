import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from './memory-state-store';
import { stateStoreContract } from './state-store.contract';

describe('MemoryStateStore', () => {
  stateStoreContract(async () => new MemoryStateStore());

  it('refuses a state that does not survive JSON, writing nothing', async () => {
    const store = new MemoryStateStore();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expect(
      store.checkpoint(
        { topic: 't', partition: 0 },
        {
          lastOffset: '1',
          changed: new Map<string, unknown>([
            ['ok', { a: 1 }],
            ['bad', cyclic],
          ]),
        },
      ),
    ).rejects.toThrow();
    expect((await store.load({ topic: 't', partition: 0 })).lastOffset).toBeNull();
  });
});
