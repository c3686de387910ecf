import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type AlertV1, type PositionV1 } from '@roadwatch/contracts';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import {
  BlindAreaRepository,
  createPool,
  KeySupervisionFactsReadModel,
  dropStorageSchema,
  migrate,
  PositionRepository,
  RegistryRepository,
  TamperingRepository,
  type StoragePool,
} from '@roadwatch/storage';
import { aPosition, infraEnv, uniqueName } from '@roadwatch/testing';
import { runTamperingJob, tamperingAlertId, tamperingEpisodeId } from '../src/index';

const env = infraEnv();
const logger = createLogger('enforcement-tampering-test', process.env['LOG_LEVEL'] ?? 'warn');
const MIN = 60_000;
// 2026-11-23 10:00 China time (day: I7 comes from the station alone).
const T0 = Date.UTC(2026, 10, 23, 2, 0, 0);
const STATION = { latitudeDeg: 38.0, longitudeDeg: 114.5 };
const KM_LAT = 1 / 111.195;
const ANTENNA_CUT = 1 << 5;

/** A truck driving north at 60 km/h from `fromLat`, a report a minute for minutes [from, to]. */
const drive = (vehicleId: string, fromMin: number, toMin: number, lonDeg: number, extra: Partial<PositionV1> = {}): PositionV1[] =>
  Array.from({ length: toMin - fromMin + 1 }, (_, k) =>
    aPosition({
      vehicleId,
      plate: vehicleId.split(':')[0]!,
      plateColour: 2,
      deviceTimeMs: T0 + (fromMin + k) * MIN,
      latitudeDeg: STATION.latitudeDeg - 2 * KM_LAT + (fromMin + k) * KM_LAT,
      longitudeDeg: lonDeg,
      speedKmh: 60,
      ...extra,
    }),
  );

describe('enforcement tampering job on PostgreSQL and Kafka: stored tracks judged, episodes stored and alerted, back-fill withdraws', () => {
  const name = uniqueName('tampering');
  const schema = name.replace(/[^a-z0-9_]/g, '_');
  const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'tampering-test', topicPrefix: `${name}.`, logger });
  let pool: StoragePool;
  let positions: PositionRepository;
  let episodes: TamperingRepository;
  const alerts: AlertV1[] = [];
  const CUT = '冀ACUT01:2';
  const GAP = '冀AGAP01:2';
  const TUNNEL = '冀ATUN01:2';

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 3, application: 'tampering-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某运输公司', regionCode: '130102' });
    for (const v of [CUT, GAP, TUNNEL])
      await registry.upsertVehicle({ vehicleId: v, plate: v.split(':')[0]!, plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'HB1' });
    await registry.upsertWimStation({ stationId: 'ST-G4-01', name: 'G4石家庄北治超站', regionCode: '130105', ...STATION });
    // A tunnel across the third truck's road 20 km east of the others, between its minutes 5 and 12.
    await new BlindAreaRepository(pool).upsert({
      blindAreaId: 'BA-1',
      name: '太行山隧道',
      kind: 'tunnel',
      regionCode: '130105',
      geofencePolygon: [
        [114.72, STATION.latitudeDeg + 6 * KM_LAT],
        [114.74, STATION.latitudeDeg + 6 * KM_LAT],
        [114.74, STATION.latitudeDeg + 8 * KM_LAT],
        [114.72, STATION.latitudeDeg + 8 * KM_LAT],
      ],
    });
    positions = new PositionRepository(pool);
    episodes = new TamperingRepository(pool);
    await positions.insertMany([
      // The antenna cut near the station (2 km before it) with ACC on: not fixed until minute 14, 12 km on.
      ...drive(CUT, 0, 2, STATION.longitudeDeg),
      ...drive(CUT, 3, 13, STATION.longitudeDeg, { alarmFlags: ANTENNA_CUT, gnssFixed: false }).map((p) => ({ ...p, latitudeDeg: STATION.latitudeDeg })),
      ...drive(CUT, 14, 16, STATION.longitudeDeg),
      // A gap moved through 40 km east (no station near): I2 alone, until a back-fill covers it.
      ...drive(GAP, 0, 2, 114.9),
      ...drive(GAP, 12, 14, 114.9),
      // Through the tunnel: a gap the vehicle moved through, excluded.
      ...drive(TUNNEL, 0, 5, 114.73),
      ...drive(TUNNEL, 12, 14, 114.73),
    ]);
    await bus.ensureTopics([{ topic: TOPICS.alerts, partitions: 3 }]);
    await bus.subscribe({
      groupId: `${name}-observer`,
      topics: [TOPICS.alerts],
      fromBeginning: true,
      handleBatch: async (batch) => void alerts.push(...batch.messages.map((m) => m.value)),
    });
  });

  afterAll(async () => {
    await bus.close();
    if (pool) await dropStorageSchema(pool, schema);
    await pool?.end();
  });

  it('raises a 疑似 episode naming I1, I2 and I7 for the antenna cut near the station, I2 for the gap, nothing through the tunnel', async () => {
    const run = await runTamperingJob({ pool, bus, logger, nowMs: T0 + 20 * MIN });
    expect(run).toMatchObject({ ran: true, vehicles: 3, raised: 2, withdrawn: 0 });
    const cut = await episodes.list({ vehicleId: CUT }, {});
    expect(cut).toHaveLength(1);
    expect(cut[0]).toMatchObject({ indicators: ['I1', 'I2'], contextI7: true, status: 'suspected', companyId: 'HB1', score: 2 });
    expect(cut[0]!.context).toMatchObject({ near: { id: 'ST-G4-01', kind: 'station' }, night: false });
    expect(await episodes.list({ vehicleId: TUNNEL }, {})).toEqual([]);
    await vi.waitFor(() => expect(alerts.map((a) => a.alertId)).toContain(tamperingAlertId(cut[0]!.episodeId)), { timeout: 15_000, interval: 100 });
    const alert = alerts.find((a) => a.alertId === tamperingAlertId(cut[0]!.episodeId))!;
    expect(alert).toMatchObject({ rule: 'signal_tampering_suspected', level: 'data_quality', companyId: 'HB1', revision: 0 });
    expect(alert.summary).toMatch(/疑似.*I1.*I2.*I7/);
    expect(alert.summaryEn).toMatch(/Suspected.*I1.*I2.*I7/);
  });

  it('a second run with nothing new received changes nothing (no second episode, no second alert)', async () => {
    const before = alerts.length;
    const run = await runTamperingJob({ pool, bus, logger, nowMs: T0 + 25 * MIN });
    expect(run).toMatchObject({ ran: true, vehicles: 0, raised: 0 });
    expect(await episodes.list({}, {})).toHaveLength(2);
    expect(alerts.length).toBe(before);
  });

  it('a full back-fill of the gap withdraws its episode and re-publishes the alert as withdrawn; the moved-through history stays', async () => {
    const gapId = tamperingEpisodeId(GAP, T0 + 2 * MIN);
    expect((await episodes.list({ vehicleId: GAP }, {}))[0]).toMatchObject({ episodeId: gapId, indicators: ['I2'], status: 'suspected' });
    const backFill = drive(GAP, 3, 11, 114.9, { source: 'blind-area' }).map((p) => ({ ...p, receivedAtMs: T0 + 27 * MIN }));
    await positions.insertMany(backFill);
    const run = await runTamperingJob({ pool, bus, logger, nowMs: T0 + 30 * MIN });
    expect(run).toMatchObject({ vehicles: 1, raised: 0, withdrawn: 1 });
    const [stored] = await episodes.list({ vehicleId: GAP }, {});
    expect(stored).toMatchObject({ status: 'withdrawn', revision: 1 });
    await vi.waitFor(() => expect(alerts.find((a) => a.alertId === tamperingAlertId(gapId) && a.revision === 1)).toMatchObject({ withdrawn: true }), {
      timeout: 15_000,
      interval: 100,
    });
    // Counted for the 重点监管 evidence: only what still stands.
    expect(await episodes.countsBetween(T0 - MIN, T0 + 60 * MIN)).toEqual([{ vehicleId: CUT, companyId: 'HB1', episodes: 1, lastStartMs: cutStart() }]);
  });

  it('feeds the 重点监管 list (RULES §10 "any tampering episode"): the standing episode is a fact of its vehicle, the withdrawn one none', async () => {
    const subjects = await new KeySupervisionFactsReadModel(pool).vehicles(T0 - MIN, T0 + 60 * MIN);
    const factsOf = (vehicleId: string) => subjects.find((s) => s.facts.vehicleId === vehicleId)?.facts.tamperingEpisodes ?? [];
    expect(factsOf(CUT)).toEqual([{ episodeId: tamperingEpisodeId(CUT, cutStart()), startedAtMs: cutStart() }]);
    expect(factsOf(GAP)).toEqual([]);
  });

  it('scopes the list: a company sees its own vehicles’ episodes, another company none', async () => {
    expect(await episodes.list({}, { companyId: 'HB1' })).toHaveLength(2);
    expect(await episodes.list({}, { companyId: 'OTHER' })).toEqual([]);
    const [one] = await episodes.list({ vehicleId: CUT }, {});
    expect(await episodes.getInScope(one!.episodeId, { companyId: 'OTHER' })).toBeUndefined();
    expect(await episodes.getInScope(one!.episodeId, { regionPrefix: '13' })).toMatchObject({ vehicleId: CUT });
  });
});

/** The cut episode starts where its I2 gap does: the last fix before the cut (minute 2). */
const cutStart = (): number => T0 + 2 * MIN;
