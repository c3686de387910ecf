import { describe, expect, it } from 'vitest';
import { MemorySeenSet } from './seen-set';
import { seenSetContract } from './seen-set.contract';

describe('MemorySeenSet', () => {
  seenSetContract(async () => new MemorySeenSet());

  it('stays within its bound, forgetting the oldest', async () => {
    const set = new MemorySeenSet(2);
    await set.add('a', 60_000);
    await set.add('b', 60_000);
    await set.add('c', 60_000);
    expect(await set.has('a')).toBe(false);
    expect(await set.has('c')).toBe(true);
  });
});
