import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertV1 } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { RouteEpisodeRepository, type StoragePool } from '@roadwatch/storage';
import { anAlert, uniqueName } from '@roadwatch/testing';
import { get, logger, seededPool, startTestApi, type TestApi } from './support';

const HOUR = 3_600_000;
/** The API's clock (injected): episodes are placed around it. */
const NOW_MS = Date.UTC(2026, 11, 6, 4, 0);

const episode = (name: string, startedAtMs: number, endedAtMs?: number): AlertV1 =>
  anAlert({
    alertId: `off_route|violation|v:V1|${name}`,
    revision: endedAtMs === undefined ? 0 : 1,
    vehicleId: 'V1',
    rule: 'off_route',
    startedAtMs,
    raisedAtMs: startedAtMs + 60_000,
    ...(endedAtMs === undefined ? {} : { endedAtMs }),
    details: { maxOffsetM: 300, offRouteKm: 1, closed: endedAtMs !== undefined },
  });

/**
 * `GET /v1/route-episodes?fromMs&toMs` lists the episodes that meet the window ([start, end]
 * overlaps [fromMs, toMs); an open one lasts up to now), not only those that started in it: an
 * operator asking for 10–11 h sees the vehicle that left its corridor at 9 h and came back at
 * 10:30 — and the one still off it.
 */
describe('route episodes by window overlap over real HTTP and PostgreSQL', () => {
  const schema = uniqueName('api_episodes_window');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let testApi: TestApi;
  const ids = async (query: string): Promise<string[]> => {
    const r = await get(testApi.api.url, `/v1/route-episodes${query}`, testApi.tokens['admin']);
    expect(r.status).toBe(200);
    return (r.body.items as { episodeId: string }[]).map((e) => e.episodeId.split('|').at(-1)!).sort();
  };

  beforeAll(async () => {
    pool = await seededPool(schema);
    testApi = await startTestApi(bus, pool, schema, { now: () => NOW_MS });
    await new RouteEpisodeRepository(pool).upsertFromAlerts([
      episode('before', NOW_MS - 6 * HOUR, NOW_MS - 5 * HOUR),
      episode('into', NOW_MS - 4 * HOUR, NOW_MS - 2.5 * HOUR),
      episode('inside', NOW_MS - 2.8 * HOUR, NOW_MS - 2.6 * HOUR),
      episode('across', NOW_MS - 4 * HOUR, NOW_MS - HOUR),
      episode('after', NOW_MS - 1.5 * HOUR, NOW_MS - 1.2 * HOUR),
      episode('open', NOW_MS - 3.5 * HOUR),
    ]);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it('an episode that began before the window and runs into it (or across it, or is still open) is listed', async () => {
    expect(await ids(`?fromMs=${NOW_MS - 3 * HOUR}&toMs=${NOW_MS - 2 * HOUR}`)).toEqual(['across', 'inside', 'into', 'open']);
  });

  it('the ends meet the window as [start, end] against [fromMs, toMs): touching its start counts, starting at its end does not', async () => {
    expect(await ids(`?fromMs=${NOW_MS - 5 * HOUR}&toMs=${NOW_MS - 4 * HOUR}`)).toEqual(['before']);
    expect(await ids(`?fromMs=${NOW_MS - 2.5 * HOUR}&toMs=${NOW_MS - 1.5 * HOUR}`)).toEqual(['across', 'into', 'open']);
  });

  it('an open episode counts up to now by the API clock: not in a window after now, in one ending now', async () => {
    expect(await ids(`?fromMs=${NOW_MS + HOUR}&toMs=${NOW_MS + 2 * HOUR}`)).toEqual([]);
    expect(await ids(`?fromMs=${NOW_MS - 10 * 60_000}&toMs=${NOW_MS}`)).toEqual(['open']);
    expect(await ids(`?fromMs=${NOW_MS}`)).toEqual(['open']);
  });

  it('one bound alone: to before the start excludes, from alone keeps what ends after it', async () => {
    expect(await ids(`?toMs=${NOW_MS - 4 * HOUR}`)).toEqual(['before']);
    expect(await ids(`?fromMs=${NOW_MS - 1.3 * HOUR}`)).toEqual(['across', 'after', 'open']);
    expect(await ids('')).toEqual(['across', 'after', 'before', 'inside', 'into', 'open']);
  });
});
