import { expect, it } from 'vitest';
import type { PartitionRef, StateStore } from './state-store';

/** Writes stored values exactly as given (bytes an earlier release wrote), beside an offset. */
export type WriteRaw = (store: StateStore, ref: PartitionRef, lastOffset: string, values: ReadonlyMap<string, Buffer>) => Promise<void>;

/** The same behaviour from every StateStore; run against memory (unit) and the real Redis (integration). */
export const stateStoreContract = (make: () => Promise<StateStore>, writeRaw: WriteRaw): void => {
  const positions = (partition: number) => ({ topic: 'telemetry.positions', partition });

  it('answers a ping (readiness) and loads nothing for a partition never checkpointed', async () => {
    const store = await make();
    expect(await store.ping()).toBe(true);
    const snapshot = await store.load(positions(0));
    expect(snapshot.lastOffset).toBeNull();
    expect(snapshot.states.size).toBe(0);
    await store.close();
  });

  it('gives back the checkpointed states and offset, through JSON', async () => {
    const store = await make();
    const state = { drivingMs: 13_200_000, restStartedAtMs: null, raised: ['fatigue_continuous:1'], nested: { peakKmh: 97.5 } };
    expect(await store.checkpoint(positions(1), { lastOffset: '41', changed: new Map([['京A10000:2', state]]) })).toBe(true);
    const snapshot = await store.load(positions(1));
    expect(snapshot.lastOffset).toBe('41');
    expect(snapshot.states.get('京A10000:2')).toEqual(state);
    await store.close();
  });

  it('merges later checkpoints: changed vehicles replaced, others kept, removed forgotten', async () => {
    const store = await make();
    await store.checkpoint(positions(2), {
      lastOffset: '10',
      changed: new Map<string, unknown>([
        ['a', { n: 1 }],
        ['b', { n: 1 }],
        ['c', { n: 1 }],
      ]),
    });
    await store.checkpoint(positions(2), { lastOffset: '20', changed: new Map([['a', { n: 2 }]]), removed: ['c'] });
    const snapshot = await store.load(positions(2));
    expect(snapshot.lastOffset).toBe('20');
    expect(Object.fromEntries(snapshot.states)).toEqual({ a: { n: 2 }, b: { n: 1 } });
    await store.close();
  });

  it('keeps partitions and topics apart', async () => {
    const store = await make();
    await store.checkpoint(positions(3), { lastOffset: '5', changed: new Map([['a', { p: 3 }]]) });
    await store.checkpoint({ topic: 'wim.measurements', partition: 3 }, { lastOffset: '7', changed: new Map() });
    expect((await store.load(positions(4))).lastOffset).toBeNull();
    expect(Object.fromEntries((await store.load(positions(3))).states)).toEqual({ a: { p: 3 } });
    expect((await store.load({ topic: 'wim.measurements', partition: 3 })).lastOffset).toBe('7');
    expect((await store.load({ topic: 'wim.measurements', partition: 3 })).states.size).toBe(0);
    await store.close();
  });

  it('refuses a checkpoint behind the stored offset (a zombie owner) and changes nothing', async () => {
    const store = await make();
    await store.checkpoint(positions(5), { lastOffset: '100', changed: new Map([['a', { v: 'new owner' }]]) });
    expect(
      await store.checkpoint(positions(5), {
        lastOffset: '99',
        changed: new Map<string, unknown>([
          ['a', { v: 'zombie' }],
          ['z', { v: 'zombie' }],
        ]),
        removed: ['a'],
      }),
    ).toBe(false);
    const snapshot = await store.load(positions(5));
    expect(snapshot.lastOffset).toBe('100');
    expect(Object.fromEntries(snapshot.states)).toEqual({ a: { v: 'new owner' } });
    await store.close();
  });

  it('accepts a checkpoint at the same offset (the offline timer changes state between batches)', async () => {
    const store = await make();
    await store.checkpoint(positions(6), { lastOffset: '8', changed: new Map([['a', { offline: false }]]) });
    expect(await store.checkpoint(positions(6), { lastOffset: '8', changed: new Map([['a', { offline: true }]]) })).toBe(true);
    expect((await store.load(positions(6))).states.get('a')).toEqual({ offline: true });
    await store.close();
  });

  it('compares offsets as numbers, not strings', async () => {
    const store = await make();
    await store.checkpoint(positions(7), { lastOffset: '9', changed: new Map() });
    expect(await store.checkpoint(positions(7), { lastOffset: '10', changed: new Map() })).toBe(true);
    expect((await store.load(positions(7))).lastOffset).toBe('10');
    await store.close();
  });

  it('reads the JSON an earlier release checkpointed, and goes on from it in its own format', async () => {
    const store = await make();
    const ref = positions(9);
    const slot = {
      terminalId: '013800000001',
      registered: true,
      rules: { v: 1, identity: { vehicleId: '京A10001:2' }, recent: [1.5, -2, 9_007_199_254_740_991], note: '疲劳驾驶 ✓' },
    };
    await writeRaw(store, ref, '77', new Map([['京A10001:2', Buffer.from(JSON.stringify(slot), 'utf8')]]));
    const old = await store.load(ref);
    expect(old.lastOffset).toBe('77');
    expect(old.states.get('京A10001:2')).toEqual(slot);
    await store.checkpoint(ref, { lastOffset: '78', changed: new Map([['京B20002:1', { n: 1 }]]) });
    const fresh = await make();
    expect(Object.fromEntries((await fresh.load(ref)).states)).toEqual({ '京A10001:2': slot, '京B20002:1': { n: 1 } });
    await fresh.close();
    await store.close();
  });

  it('gives an undecodable stored value back as its error, naming the problem, and the other vehicles as stored', async () => {
    const store = await make();
    const ref = positions(10);
    await store.checkpoint(ref, { lastOffset: '5', changed: new Map([['good', { ok: true }]]) });
    await writeRaw(
      store,
      ref,
      '5',
      new Map([
        ['truncated-json', Buffer.from('{"v":1,', 'utf8')],
        ['unknown-format', Buffer.from([0x09, 0x01, 0x02])],
        ['empty', Buffer.alloc(0)],
      ]),
    );
    const snapshot = await store.load(ref);
    expect(snapshot.states.get('good')).toEqual({ ok: true });
    expect(String(snapshot.states.get('truncated-json'))).toMatch(/JSON checkpoint value not readable/);
    expect(String(snapshot.states.get('unknown-format'))).toMatch(/unknown checkpoint format byte 0x09/);
    expect(String(snapshot.states.get('empty'))).toMatch(/empty checkpoint value/);
    await store.close();
  });

  it('forgets a cleared partition', async () => {
    const store = await make();
    await store.checkpoint(positions(8), { lastOffset: '3', changed: new Map([['a', {}]]) });
    await store.clear(positions(8));
    const snapshot = await store.load(positions(8));
    expect(snapshot.lastOffset).toBeNull();
    expect(snapshot.states.size).toBe(0);
    await store.close();
  });
};
