import { expect, it } from 'vitest';
import type { SeenSet } from './seen-set';

/** The same behaviour from every SeenSet, run against Redis and memory. */
export const seenSetContract = (make: () => Promise<SeenSet>): void => {
  it('answers a ping (readiness), remembers an added key and not another', async () => {
    const set = await make();
    expect(await set.ping()).toBe(true);
    await set.add('ST1/42', 60_000);
    expect(await set.has('ST1/42')).toBe(true);
    expect(await set.has('ST1/43')).toBe(false);
    await set.close();
  });

  it('forgets a key after its time to live', async () => {
    const set = await make();
    await set.add('short', 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await set.has('short')).toBe(false);
    await set.close();
  });
};
