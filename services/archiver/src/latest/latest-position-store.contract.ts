import { expect, it } from 'vitest';
import type { PositionV1 } from '@roadwatch/contracts';
import { samplePosition } from '@roadwatch/testing';
import type { LatestPositionStore } from './latest-position-store';

const T0 = Date.parse('2026-11-23T08:00:00+08:00');

/** The same behaviour from every LatestPositionStore, run against Redis and memory. */
export const latestPositionStoreContract = (make: () => Promise<LatestPositionStore>): void => {
  it('keeps the newest position per vehicle from one batch, whatever the order', async () => {
    const store = await make();
    const moved = await store.advance([
      samplePosition('V1', T0 + 2_000, { speedKmh: 62 }),
      samplePosition('V1', T0, { speedKmh: 60 }),
      samplePosition('V2', T0 + 1_000, { accOn: false, speedKmh: 0 }),
    ]);
    expect(moved).toBe(2);
    expect(await store.get('V1')).toMatchObject({ deviceTimeMs: T0 + 2_000, speedKmh: 62 });
    expect(await store.get('V2')).toMatchObject({ deviceTimeMs: T0 + 1_000, accOn: false });
    expect(await store.get('V3')).toBeNull();
    await store.close();
  });

  it('never moves back: a late (blind-area) position leaves the newer one, a repeat changes nothing', async () => {
    const store = await make();
    await store.advance([samplePosition('V1', T0 + 60_000, { speedKmh: 80 })]);
    expect(await store.advance([samplePosition('V1', T0, { source: 'blind-area', speedKmh: 10 })])).toBe(0);
    expect(await store.advance([samplePosition('V1', T0 + 60_000, { speedKmh: 80 })])).toBe(0);
    expect(await store.get('V1')).toMatchObject({ deviceTimeMs: T0 + 60_000, speedKmh: 80, source: 'realtime' });
    expect(await store.advance([samplePosition('V1', T0 + 61_000, { speedKmh: 81, alarmFlags: 1 })])).toBe(1);
    expect(await store.get('V1')).toMatchObject({ deviceTimeMs: T0 + 61_000, alarmFlags: 1 });
    await store.close();
  });

  it('lists every vehicle once for the initial load, with the whole position', async () => {
    const store = await make();
    const fleet = Array.from({ length: 1_200 }, (_, i) => samplePosition(`V${i}`, T0 + i));
    expect(await store.advance(fleet)).toBe(1_200);
    await store.advance(fleet.slice(0, 10).map((p) => ({ ...p, deviceTimeMs: p.deviceTimeMs + 5_000 })));
    const all = await store.all();
    expect(all).toHaveLength(1_200);
    expect(new Set(all.map((p) => p.vehicleId)).size).toBe(1_200);
    const moved = fleet[3] as PositionV1;
    expect(all.find((p) => p.vehicleId === 'V3')).toEqual({ ...moved, deviceTimeMs: moved.deviceTimeMs + 5_000 });
    expect(await store.ping()).toBe(true);
    await store.close();
  });
};
