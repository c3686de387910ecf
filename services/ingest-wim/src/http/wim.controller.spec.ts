import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, TOPICS, type WimMeasurementV1 } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { createRateLimit, MemorySeenSet } from '@roadwatch/runtime';
import { StationKeys } from '../station-keys';
import { WimIntake } from '../wim-intake.usecase';
import { createWimHttpApp } from './app.module';

// Response bodies are read loosely; each test asserts the fields it cares about.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const readJson = async (response: Response): Promise<any> => response.json();

const record = (overrides: Record<string, unknown> = {}) => ({
  stationId: 'ST-HB-001',
  recordId: 'R-0001',
  lane: 2,
  direction: '北京方向',
  measuredAt: '2026-11-23T10:15:00+08:00',
  plate: '冀f12345',
  plateColour: 2,
  axleCount: 6,
  axleWeightsKg: [7_000, 9_000, 9_000, 9_000, 9_000, 8_000],
  grossKg: 51_000,
  speedKmh: 42,
  accuracyClassPct: 5,
  ...overrides,
});

describe('ingest-wim HTTP API (over the in-process bus)', () => {
  const published: WimMeasurementV1[] = [];
  let bus: InProcessBus;
  let app: INestApplication;
  let base: string;

  const roomy = () => ({ rateLimit: createRateLimit({ points: 10_000, windowSeconds: 60, keyPrefix: 'test' }) });
  const makeIntake = (onBus: InProcessBus) =>
    new WimIntake({
      publisher: onBus,
      seen: new MemorySeenSet(),
      plausibilityWarnings: (m) => (m.axleWeightsKg.length !== m.axleCount ? ['axle count mismatch'] : []),
      now: () => 1_800_000_000_000,
    });

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
    app = await createWimHttpApp(makeIntake(bus), StationKeys.parse('ST-HB-001=secret-1,ST-HB-002=secret-2'), roomy());
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
    await bus.close();
  });

  const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

  const post = (path: string, body: unknown, key = 'secret-1') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });

  it('accepts a valid record with 202 after publishing it, normalised', async () => {
    const response = await post('/v1/wim/measurements', record());
    expect(response.status).toBe(202);
    expect(await readJson(response)).toEqual({ status: 'accepted', measurementId: 'ST-HB-001/R-0001', warnings: [] });
    await settle();
    expect(published.at(-1)).toMatchObject({ plate: '冀F12345', measuredAtMs: Date.parse('2026-11-23T02:15:00Z'), measurementId: 'ST-HB-001/R-0001' });
  });

  it('answers a duplicate submission without publishing it again', async () => {
    await settle();
    const before = published.length;
    const response = await post('/v1/wim/measurements', record());
    expect(response.status).toBe(202);
    expect((await readJson(response)).status).toBe('duplicate');
    await settle();
    expect(published.length).toBe(before);
  });

  it('names every bad field in a 400', async () => {
    const response = await post('/v1/wim/measurements', record({ recordId: 'R-2', grossKg: -5, axleCount: 'six' }));
    expect(response.status).toBe(400);
    const body = await readJson(response);
    // The one error body of every roadwatch HTTP service.
    expect(apiError.parse(body)).toMatchObject({ statusCode: 400, error: 'validation_failed', message: expect.stringContaining('grossKg: ') });
    expect(body.issues.map((i: { field: string }) => i.field).sort()).toEqual(['axleCount', 'grossKg']);
  });

  it("refuses a missing key with 401 and another station's record with 403", async () => {
    expect((await post('/v1/wim/measurements', record(), 'wrong')).status).toBe(401);
    const response = await post('/v1/wim/measurements', record({ recordId: 'R-3' }), 'secret-2');
    expect(response.status).toBe(403);
    expect((await readJson(response)).message).toContain('ST-HB-002');
  });

  it('keeps implausible but well-formed records and reports why', async () => {
    const response = await post('/v1/wim/measurements', record({ recordId: 'R-4', axleCount: 5 }));
    expect(response.status).toBe(202);
    expect((await readJson(response)).warnings).toEqual(['axle count mismatch']);
  });

  it('keeps the valid records of a batch and reports the invalid ones by index', async () => {
    const response = await post('/v1/wim/measurements/batch', { records: [record({ recordId: 'B-1' }), { plate: 'x' }, record({ recordId: 'B-2' })] });
    expect(response.status).toBe(200);
    const body = await readJson(response);
    expect(body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(body.results[1]).toMatchObject({ index: 1, status: 'invalid' });
  });

  it('answers 503 when the record could not be stored, so the station retries', async () => {
    const closedBus = new InProcessBus();
    await closedBus.close();
    const failing = await createWimHttpApp(makeIntake(closedBus), StationKeys.parse('ST-HB-001=secret-1'), roomy());
    await failing.listen(0, '127.0.0.1');
    try {
      const response = await fetch(`${await failing.getUrl()}/v1/wim/measurements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'secret-1' },
        body: JSON.stringify(record({ recordId: 'R-5' })),
      });
      expect(response.status).toBe(503);
      expect((await readJson(response)).message).toContain('retry');
    } finally {
      await failing.close();
    }
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await fetch(`${base}/v1/wim/measurements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'secret-1' },
      body: '{"stationId":',
    });
    expect(response.status).toBe(400);
  });

  it('serves an OpenAPI document generated from the validating schema', async () => {
    const doc = await readJson(await fetch(`${base}/openapi.json`));
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.WimStationRecord.required).toContain('axleWeightsKg');
  });

  it('answers with the security headers, no X-Powered-By and no caching', async () => {
    const response = await post('/v1/wim/measurements', record({ recordId: 'R-headers' }));
    expect(response.status).toBe(202);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a station over its budget with 429 and Retry-After, counting every record of a batch, other stations unaffected', async () => {
    const throttled: string[] = [];
    const tight = await createWimHttpApp(makeIntake(bus), StationKeys.parse('ST-HB-001=secret-1,ST-HB-002=secret-2'), {
      rateLimit: createRateLimit({ points: 3, windowSeconds: 60, keyPrefix: 'tight' }),
      onThrottled: (stationId) => throttled.push(stationId),
    });
    await tight.listen(0, '127.0.0.1');
    const url = await tight.getUrl();
    const send = (path: string, body: unknown, key = 'secret-1') =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
    try {
      expect((await send('/v1/wim/measurements', record({ recordId: 'RL-1' }))).status).toBe(202);
      // Two records of a batch spend two of the three: the batch passes, then nothing is left.
      expect((await send('/v1/wim/measurements/batch', { records: [record({ recordId: 'RL-2' }), record({ recordId: 'RL-3' })] })).status).toBe(200);
      const refused = await send('/v1/wim/measurements', record({ recordId: 'RL-4' }));
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(await readJson(refused)).toMatchObject({ statusCode: 429, error: 'rate_limited' });
      expect(published.some((m) => m.stationRecordId === 'RL-4')).toBe(false);
      // Another station has its own budget.
      expect((await send('/v1/wim/measurements', record({ stationId: 'ST-HB-002', recordId: 'RL-5' }), 'secret-2')).status).toBe(202);
      expect(throttled).toEqual(['ST-HB-001']);
    } finally {
      await tight.close();
    }
  });
});
