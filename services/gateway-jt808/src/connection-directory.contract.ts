import { expect, it } from 'vitest';
import type { ConnectionDirectory } from './connection-directory';

/**
 * The same behaviour from every ConnectionDirectory; run against memory (unit) and the real
 * Redis (integration). `make(instanceId)` gives a directory as seen by that gateway
 * instance; directories made by one call of `shared()` see the same entries.
 */
export const connectionDirectoryContract = (shared: () => { make: (instanceId: string) => Promise<ConnectionDirectory>; close: () => Promise<void> }): void => {
  it('the instance that claimed a terminal is its owner, as seen from every instance', async () => {
    const world = shared();
    const a = await world.make('gw-a');
    const b = await world.make('gw-b');
    await a.claim('013800000001', 'gw-a');
    expect(await a.ownerOf('013800000001')).toBe('gw-a');
    expect(await b.ownerOf('013800000001')).toBe('gw-a');
    expect(await b.ownerOf('013800000002')).toBeUndefined();
    await world.close();
  });

  it('a terminal that reconnected elsewhere is not released by its old instance', async () => {
    const world = shared();
    const a = await world.make('gw-a');
    const b = await world.make('gw-b');
    await a.claim('013800000003', 'gw-a');
    await b.claim('013800000003', 'gw-b');
    // The old connection's close arrives after the new claim: it must not undo it.
    await a.release('013800000003', 'gw-a');
    expect(await a.ownerOf('013800000003')).toBe('gw-b');
    await b.release('013800000003', 'gw-b');
    expect(await a.ownerOf('013800000003')).toBeUndefined();
    await world.close();
  });

  it('exactly one instance claims the report of a command, until the claim expires', async () => {
    const world = shared();
    const a = await world.make('gw-a');
    const b = await world.make('gw-b');
    const claims = await Promise.all([a.claimReport('cmd-1', 300), b.claimReport('cmd-1', 300), a.claimReport('cmd-1', 300)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await b.claimReport('cmd-2', 300)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await b.claimReport('cmd-1', 300)).toBe(true);
    await world.close();
  });
};
