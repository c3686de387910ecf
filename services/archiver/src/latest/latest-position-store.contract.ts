import { expect, it } from 'vitest';
import type { PositionV1 } from '@roadwatch/contracts';
import { aPosition } from '@roadwatch/testing';
import type { LatestPositionStore } from './latest-position-store';

const T0 = Date.parse('2026-11-23T08:00:00+08:00');
/** The archiver's clock in these tests: a little after the reports. */
const NOW = T0 + 120_000;
const Y2099 = Date.parse('2099-01-01T08:00:00+08:00');
const MIN = 60_000;

/** The same behaviour from every LatestPositionStore, run against Redis and memory. */
export const latestPositionStoreContract = (make: () => Promise<LatestPositionStore>): void => {
  it('keeps the newest position per vehicle from one batch, whatever the order', async () => {
    const store = await make();
    const moved = await store.advance(
      [
        aPosition({ vehicleId: 'V1', deviceTimeMs: T0 + 2_000, speedKmh: 62 }),
        aPosition({ vehicleId: 'V1', deviceTimeMs: T0, speedKmh: 60 }),
        aPosition({ vehicleId: 'V2', deviceTimeMs: T0 + 1_000, accOn: false, speedKmh: 0 }),
      ],
      NOW,
    );
    expect(moved).toBe(2);
    expect(await store.get('V1')).toMatchObject({ deviceTimeMs: T0 + 2_000, speedKmh: 62 });
    expect(await store.get('V2')).toMatchObject({ deviceTimeMs: T0 + 1_000, accOn: false });
    expect(await store.get('V3')).toBeNull();
    await store.close();
  });

  it('never moves back: a late (blind-area) position leaves the newer one, a repeat changes nothing', async () => {
    const store = await make();
    await store.advance([aPosition({ vehicleId: 'V1', deviceTimeMs: T0 + 60_000, speedKmh: 80 })], NOW);
    expect(await store.advance([aPosition({ vehicleId: 'V1', deviceTimeMs: T0, source: 'blind-area', speedKmh: 10 })], NOW)).toBe(0);
    expect(await store.advance([aPosition({ vehicleId: 'V1', deviceTimeMs: T0 + 60_000, speedKmh: 80 })], NOW)).toBe(0);
    expect(await store.get('V1')).toMatchObject({ deviceTimeMs: T0 + 60_000, speedKmh: 80, source: 'realtime' });
    expect(await store.advance([aPosition({ vehicleId: 'V1', deviceTimeMs: T0 + 61_000, speedKmh: 81, alarmFlags: 1 })], NOW)).toBe(1);
    expect(await store.get('V1')).toMatchObject({ deviceTimeMs: T0 + 61_000, alarmFlags: 1 });
    await store.close();
  });

  it('a report dated 2099 is never the latest, whatever the order; later valid reports move it as before', async () => {
    const store = await make();
    const future = aPosition({ vehicleId: 'V1', deviceTimeMs: Y2099, receivedAtMs: T0 + 1_000, speedKmh: 99 });
    // Alone, or in one batch with valid reports before and after it.
    expect(await store.advance([future], NOW)).toBe(0);
    expect(await store.get('V1')).toBeNull();
    expect(
      await store.advance(
        [aPosition({ vehicleId: 'V1', deviceTimeMs: T0, speedKmh: 10 }), future, aPosition({ vehicleId: 'V1', deviceTimeMs: T0 + 30_000, speedKmh: 30 })],
        NOW,
      ),
    ).toBe(1);
    expect(await store.get('V1')).toMatchObject({ deviceTimeMs: T0 + 30_000, speedKmh: 30 });
    expect(await store.advance([future], NOW)).toBe(0);
    expect(await store.advance([aPosition({ vehicleId: 'V1', deviceTimeMs: T0 + 60_000, speedKmh: 60 })], NOW)).toBe(1);
    expect(await store.get('V1')).toMatchObject({ deviceTimeMs: T0 + 60_000, speedKmh: 60 });
    // 10 min ahead of its receipt (the default skew) is not future-dated; a custom skew is honoured.
    const ahead = aPosition({ vehicleId: 'V2', deviceTimeMs: T0 + 10 * MIN, receivedAtMs: T0 });
    expect(await store.advance([ahead], NOW, 5 * MIN)).toBe(0);
    expect(await store.advance([ahead], NOW)).toBe(1);
    expect(await store.all()).toHaveLength(2);
    await store.close();
  });

  it('an entry ahead of the clock now (stored before future-dated reports were left out) gives way to the next valid report', async () => {
    const store = await make();
    // What an older archiver stored: the 2099 report as received then (the clock judged by the caller).
    expect(await store.advance([aPosition({ vehicleId: 'V1', deviceTimeMs: Y2099, receivedAtMs: Y2099 })], NOW)).toBe(1);
    expect(await store.advance([aPosition({ vehicleId: 'V1', deviceTimeMs: T0 + 30_000, speedKmh: 30 })], NOW)).toBe(1);
    expect(await store.get('V1')).toMatchObject({ deviceTimeMs: T0 + 30_000, speedKmh: 30 });
    // Within the skew of the clock now, a newer entry stays: a report 5 min ahead is not a wrong clock.
    expect(await store.advance([aPosition({ vehicleId: 'V2', deviceTimeMs: NOW + 5 * MIN, receivedAtMs: NOW })], NOW)).toBe(1);
    expect(await store.advance([aPosition({ vehicleId: 'V2', deviceTimeMs: NOW, receivedAtMs: NOW })], NOW)).toBe(0);
    expect(await store.get('V2')).toMatchObject({ deviceTimeMs: NOW + 5 * MIN });
    await store.close();
  });

  it('lists every vehicle once for the initial load, with the whole position', async () => {
    const store = await make();
    const fleet = Array.from({ length: 1_200 }, (_, i) => aPosition({ vehicleId: `V${i}`, deviceTimeMs: T0 + i }));
    expect(await store.advance(fleet, NOW)).toBe(1_200);
    await store.advance(
      fleet.slice(0, 10).map((p) => ({ ...p, deviceTimeMs: p.deviceTimeMs + 5_000 })),
      NOW,
    );
    const all = await store.all();
    expect(all).toHaveLength(1_200);
    expect(new Set(all.map((p) => p.vehicleId)).size).toBe(1_200);
    const moved = fleet[3] as PositionV1;
    expect(all.find((p) => p.vehicleId === 'V3')).toEqual({ ...moved, deviceTimeMs: moved.deviceTimeMs + 5_000 });
    // Many at once: the ones that exist, unknown ids left out, 1,200 in one call.
    expect((await store.getMany(['V3', 'nope', 'V1199'])).map((p) => [p.vehicleId, p.deviceTimeMs])).toEqual([
      ['V3', moved.deviceTimeMs + 5_000],
      ['V1199', T0 + 1_199],
    ]);
    expect(await store.getMany([])).toEqual([]);
    expect(await store.getMany(fleet.map((p) => p.vehicleId))).toHaveLength(1_200);
    expect(await store.ping()).toBe(true);
    await store.close();
  });
};
