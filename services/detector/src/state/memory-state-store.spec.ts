import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStateStore } from './memory-state-store';
import { stateStoreContract } from './state-store.contract';

describe('MemoryStateStore', () => {
  // One store per test: a second `make()` in a test reads what the first wrote, as a restarted member reads Redis.
  let shared = new MemoryStateStore();
  beforeEach(() => {
    shared = new MemoryStateStore();
  });
  stateStoreContract(
    async () => shared,
    async (store, ref, lastOffset, values) => (store as MemoryStateStore).putRaw(ref, lastOffset, values),
  );

  it('refuses a state the codec cannot encode (a cycle), writing nothing', async () => {
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
