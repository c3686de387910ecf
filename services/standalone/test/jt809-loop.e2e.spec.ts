import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TOPICS, type TopicName } from '@roadwatch/contracts';
import { MINUTE_MS } from '@roadwatch/domain';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { Jt809LowerPlatform } from '@roadwatch/simulator';
import { createPool, dropStorageSchema, migrate } from '@roadwatch/storage';
import { createSimulatedFleet, infraEnv, pointAlongRoute, uniqueName, FREE_PLATFORM_PORTS } from '@roadwatch/testing';
import { loadStandaloneConfig, startPlatform, type PlatformParts, type RunningPlatform } from '../src/index';

/**
 * Issue #17 "Done when", end to end, on the embedded default and in cluster mode: a lower
 * platform (the coach's company's own, 2019 edition) connects over TCP, logs in, forwards
 * positions of a tour coach that speeds (115 km/h for 40 s against the coach's 100 cap on the
 * G4, RULES §1), and the speeding alert is served over HTTP as the map reads it; an operator's
 * 查岗 of the platform reaches it over its sub-link, and its answer is recorded as the company's.
 */
const coach = createSimulatedFleet(1)[0]!;
const ACCESS_CODE = 11_000_017;

const standaloneConfig = (dataDir: string) =>
  loadStandaloneConfig({
    ROADWATCH_DATA_DIR: dataDir,
    ...FREE_PLATFORM_PORTS,
    // The registry holds the fleet of one; the test plays the lower platform itself.
    SIM_VEHICLES: '1',
    SIM_DRIVE: 'false',
  });

const runScenario = async (start: (parts: PlatformParts) => Promise<RunningPlatform>): Promise<void> => {
  const platform = await start({});
  let lower: Jt809LowerPlatform | undefined;
  try {
    const call = async <T>(username: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const login = await fetch(`${platform.api.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: username }),
      });
      const { token } = (await login.json()) as { token: string };
      const response = await fetch(`${platform.api.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    };

    // The admin registers the company's platform, as the 下级平台 page does.
    const registered = await call('admin', 'PUT', `/v1/lower-platforms/${ACCESS_CODE}`, {
      name: `${coach.companyId} 监控平台`,
      companyId: coach.companyId,
      userId: ACCESS_CODE,
      password: 'pw17',
      allowedSources: ['127.0.0.1'],
      protocolVersion: '2019',
    });
    expect(registered.status).toBe(200);

    lower = await Jt809LowerPlatform.connect({
      host: '127.0.0.1',
      port: platform.jt809Gateway.port,
      accessCode: ACCESS_CODE,
      userId: ACCESS_CODE,
      password: 'pw17',
      edition: '2019',
      answerTimeoutMs: 20_000,
    });
    expect((await lower.login()).result).toBe(0);
    await vi.waitUntil(() => platform.jt809Gateway.subLinkUp(ACCESS_CODE), { timeout: 20_000, message: 'sub-link up' });

    // 40 s at 115 km/h on the G4, then 60 km/h: one speeding episode, forwarded as 0x1202s, dated a few minutes ago.
    const startMs = Math.floor((Date.now() - 10 * MINUTE_MS) / 1000) * 1000;
    let distanceM = 25_000;
    for (let i = 0; i < 12; i++) {
      const speedKmh = i < 5 ? 115 : 60;
      const { position, headingDeg } = pointAlongRoute(coach.routeIndex, distanceM);
      lower.sendPosition(
        { plate: coach.facts.plate, plateColour: coach.facts.plateColour },
        { deviceTimeMs: startMs + i * 10_000, latitudeDeg: position.latitudeDeg, longitudeDeg: position.longitudeDeg, speedKmh, headingDeg },
      );
      distanceM += (speedKmh / 3.6) * 10;
    }
    const speedingOf = async () =>
      (
        await call<{ items: Array<{ vehicleId: string; rule: string }> }>('admin', 'GET', `/v1/alerts?vehicleId=${encodeURIComponent(coach.facts.vehicleId)}`)
      ).body.items.filter((alert) => alert.rule === 'speeding');
    await vi.waitUntil(async () => (await speedingOf()).length > 0, { timeout: 90_000, interval: 500, message: 'the speeding alert over HTTP' });
    expect((await speedingOf())[0]).toMatchObject({ vehicleId: coach.facts.vehicleId, rule: 'speeding' });
    // The forwarded vehicle is on the discovered list for review, and the platform is listed online.
    const platforms = await call<{ items: Array<{ accessCode: number; online?: boolean }> }>('admin', 'GET', '/v1/lower-platforms');
    expect(platforms.body.items.find((p) => p.accessCode === ACCESS_CODE)?.online).toBe(true);

    // The operator's 查岗 of the platform: over the sub-link, answered, recorded as the company's answer.
    const sent = await call<{ inspectionId: string; infoId: number }>('operator', 'POST', `/v1/lower-platforms/${ACCESS_CODE}/inspections`, {
      question: '请报告值班人员',
      windowMinutes: 10,
    });
    expect(sent.status).toBe(201);
    const request = await lower.next(0x9300);
    expect(request.messageId === 0x9300 && request.body.data).toMatchObject({ kind: 'inspection-request', question: '请报告值班人员' });
    lower.answerInspection(request, '值班员张三在岗');
    await vi.waitUntil(
      async () =>
        (await call<{ recipients: Array<{ status: string }> }>('operator', 'GET', `/v1/inspections/${sent.body.inspectionId}`)).body.recipients[0]?.status ===
        'answered',
      { timeout: 20_000, interval: 250, message: 'the 查岗 answered' },
    );
    const inspection = await call<{ recipients: Array<{ companyId: string; answer: string; answeredBy: string }> }>(
      'company1',
      'GET',
      `/v1/inspections/${sent.body.inspectionId}`,
    );
    expect(inspection.body.recipients).toEqual([
      expect.objectContaining({ companyId: coach.companyId, answer: '值班员张三在岗', answeredBy: `jt809:${ACCESS_CODE}` }),
    ]);
  } finally {
    await lower?.close();
    await platform.close();
  }
};

describe('issue #17: a lower platform over JT/T 809, end to end', () => {
  it('on the embedded default (in-process bus, embedded TimescaleDB)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'roadwatch-jt809-'));
    try {
      await runScenario((parts) => startPlatform(standaloneConfig(dataDir), parts));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('in cluster mode (KafkaBus on the real Kafka, a PostgreSQL schema)', async () => {
    const env = infraEnv();
    const prefix = `${uniqueName('jt809loop')}.`;
    const schema = uniqueName('jt809loop');
    const bus = new KafkaBus({
      brokers: env.kafkaBrokers.split(','),
      clientId: 'jt809-loop',
      topicPrefix: prefix,
      groupPrefix: prefix,
      logger: createLogger('jt809-loop', 'warn'),
    });
    const pool = createPool(env.databaseUrl, { schema, max: 6, application: 'jt809-loop' });
    const dataDir = mkdtempSync(join(tmpdir(), 'roadwatch-jt809-'));
    try {
      await bus.ensureTopics(Object.values(TOPICS).map((topic: TopicName) => ({ topic, partitions: 2 })));
      await migrate(pool);
      await runScenario((parts) => startPlatform(standaloneConfig(dataDir), { ...parts, bus, pool }));
    } finally {
      await bus.close();
      await dropStorageSchema(pool, schema).catch(() => undefined);
      await pool.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
