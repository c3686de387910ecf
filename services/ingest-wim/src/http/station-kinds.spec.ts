import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type WimMeasurementV1 } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { createRateLimit, MemorySeenSet } from '@roadwatch/runtime';
import { parseStationKinds, StationKeys } from '../station-keys';
import { WimIntake } from '../wim-intake.usecase';
import { createWimHttpApp } from './app.module';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const readJson = async (response: Response): Promise<any> => response.json();

/** A WIM record exactly as stations sent it before exit and entrance scales existed: no `kind`. */
const oldWimRecord = {
  stationId: 'ST-HB-001',
  recordId: 'W-1',
  lane: 1,
  direction: '北京方向',
  measuredAt: '2026-11-23T10:15:00+08:00',
  plate: '冀F12345',
  plateColour: 2,
  axleCount: 6,
  axleWeightsKg: [7_000, 9_000, 9_000, 9_000, 9_000, 8_000],
  grossKg: 51_000,
  speedKmh: 42,
};

const exitRecord = (overrides: Record<string, unknown> = {}) => ({
  kind: 'site_exit',
  stationId: 'EX-01',
  recordId: 'X-1',
  measuredAt: '2026-11-23T08:00:00+08:00',
  plate: '冀f12345 ',
  plateColour: 2,
  axleCount: 6,
  grossKg: 58_000,
  tareKg: 16_000,
  netKg: 42_000,
  loadingSlipNo: 'ZD-20261123-0007',
  accuracyClassPct: 0.5,
  ...overrides,
});

const entranceRecord = (overrides: Record<string, unknown> = {}) => ({
  kind: 'entrance',
  stationId: 'EN-01',
  recordId: 'E-1',
  measuredAt: 1_795_000_000_000,
  plate: '冀F12345',
  plateColour: 2,
  axleCount: 6,
  grossKg: 61_000,
  entryRefused: true,
  ...overrides,
});

describe('ingest-wim: exit and entrance scales (RULES §13), each station only its own kind', () => {
  const published: WimMeasurementV1[] = [];
  let bus: InProcessBus;
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    bus = new InProcessBus();
    await bus.subscribe({
      groupId: 'test-reader',
      topics: [TOPICS.wimMeasurements],
      fromBeginning: true,
      handleBatch: async (batch) => {
        published.push(...batch.messages.map((m) => m.value));
      },
    });
    const intake = new WimIntake({
      publisher: bus,
      seen: new MemorySeenSet(),
      plausibilityWarnings: (m) => (m.axleWeightsKg.length !== m.axleCount ? ['axle count mismatch'] : []),
      now: () => 1_800_000_000_000,
      stationKindOf: parseStationKinds('EX-01=site_exit, EN-01=entrance'),
    });
    const keys = StationKeys.parse('ST-HB-001=key-wim,EX-01=key-exit,EN-01=key-entrance');
    app = await createWimHttpApp(intake, keys, { rateLimit: createRateLimit({ points: 10_000, windowSeconds: 60, keyPrefix: 'kinds' }) });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
    await bus.close();
  });

  const post = (body: unknown, key: string, raw = false) =>
    fetch(`${base}/v1/wim/measurements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: raw ? (body as string) : JSON.stringify(body),
    });
  const publishedOf = async (measurementId: string) => {
    await vi.waitFor(() => expect(published.some((m) => m.measurementId === measurementId)).toBe(true));
    return published.find((m) => m.measurementId === measurementId)!;
  };

  it('still accepts the old WIM format (no kind) from a WIM station, published without a record kind', async () => {
    const response = await post(oldWimRecord, 'key-wim');
    expect(response.status).toBe(202);
    const measurement = await publishedOf('ST-HB-001/W-1');
    expect(measurement.recordKind).toBeUndefined();
    expect(measurement.speedKmh).toBe(42);
  });

  it('accepts an exit-scale record from its exit station with gross/tare/net and the loading slip', async () => {
    const response = await post(exitRecord(), 'key-exit');
    expect(response.status).toBe(202);
    expect(await readJson(response)).toEqual({ status: 'accepted', measurementId: 'EX-01/X-1', warnings: [] });
    expect(await publishedOf('EX-01/X-1')).toMatchObject({
      recordKind: 'site_exit',
      plate: '冀F12345',
      measuredAtMs: Date.parse('2026-11-23T00:00:00Z'),
      grossKg: 58_000,
      tareKg: 16_000,
      netKg: 42_000,
      loadingSlipNo: 'ZD-20261123-0007',
      axleCount: 6,
      axleWeightsKg: [],
      accuracyClassPct: 0.5,
    });
  });

  it('accepts an entrance record (refused entry) from its entrance station, time as epoch ms', async () => {
    expect((await post(entranceRecord(), 'key-entrance')).status).toBe(202);
    expect(await publishedOf('EN-01/E-1')).toMatchObject({ recordKind: 'entrance', entryRefused: true, grossKg: 61_000, measuredAtMs: 1_795_000_000_000 });
  });

  it('refuses a record of another kind than its station, naming the kind, and publishes nothing', async () => {
    const before = published.length;
    const cases: Array<[unknown, string, string]> = [
      [
        { ...oldWimRecord, stationId: 'EX-01', recordId: 'W-2' },
        'key-exit',
        'station EX-01 is a site_exit station and may only send site_exit records, not wim',
      ],
      [exitRecord({ stationId: 'ST-HB-001', recordId: 'X-2' }), 'key-wim', 'station ST-HB-001 is a wim station and may only send wim records, not site_exit'],
      [
        exitRecord({ stationId: 'EN-01', recordId: 'X-3' }),
        'key-entrance',
        'station EN-01 is a entrance station and may only send entrance records, not site_exit',
      ],
    ];
    for (const [body, key, message] of cases) {
      const response = await post(body, key);
      expect(response.status).toBe(400);
      expect((await readJson(response)).issues).toEqual([{ field: 'kind', message }]);
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(published.length).toBe(before);
  });

  it('refuses an exit record missing its own fields, an unknown kind and bad bytes, naming the field', async () => {
    const missing = await post(exitRecord({ recordId: 'X-4', tareKg: undefined, netKg: -1 }), 'key-exit');
    expect(missing.status).toBe(400);
    expect((await readJson(missing)).issues.map((i: { field: string }) => i.field).sort()).toEqual(['netKg', 'tareKg']);

    const unknownKind = await post(exitRecord({ recordId: 'X-5', kind: 'toll' }), 'key-exit');
    expect(unknownKind.status).toBe(400);
    expect((await readJson(unknownKind)).issues[0].field).toBe('kind');

    const nul = await post(exitRecord({ recordId: 'X-6', loadingSlipNo: 'ZD\u0000-1' }), 'key-exit');
    expect(nul.status).toBe(400);
    expect((await readJson(nul)).issues[0]).toMatchObject({ field: 'loadingSlipNo', message: expect.stringContaining('NUL') });

    const notJson = await post('{"kind":"entrance",\xff', 'key-entrance', true);
    expect(notJson.status).toBe(400);

    const refusedNotBoolean = await post(entranceRecord({ recordId: 'E-2', entryRefused: 'yes' }), 'key-entrance');
    expect(refusedNotBoolean.status).toBe(400);
    expect((await readJson(refusedNotBoolean)).issues[0].field).toBe('entryRefused');
  });

  it('reads WIM_STATION_KINDS strictly', () => {
    expect(() => parseStationKinds('EX-01=toll')).toThrow(/stationId=wim\|site_exit\|entrance/);
    expect(parseStationKinds(undefined)('ANY')).toBe('wim');
  });
});
