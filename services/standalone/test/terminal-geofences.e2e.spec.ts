import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TOPICS, type TerminalAreaAlarmItem, type TerminalDownlinkItem, type TopicName } from '@roadwatch/contracts';
import { alarmFlagsFrom, maxRouteTurningPoints, type Jt808Message } from '@roadwatch/jt808';
import { KafkaBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate, type StoragePool } from '@roadwatch/storage';
import { createSimulatedFleet, infraEnv, locationReport, TestTerminal, uniqueName, FREE_PLATFORM_PORTS } from '@roadwatch/testing';
import { loadStandaloneConfig, startPlatform, type RunningPlatform } from '../src/index';

/**
 * Issue #16 item 6, end to end in cluster mode (real Kafka, a PostgreSQL schema): an operator of
 * region 11 sends the coach's approved route to its terminal over TCP; the terminal receives a
 * valid 0x8606 (every polyline vertex a turning point, the corridor width on every segment) and
 * acknowledges it; the send is listed acknowledged. A route longer than one message is refused
 * naming the limit; a company may not send. The terminal then reports leaving that route (bit 21,
 * item 0x12): the alarm is stored and listed as evidence, naming the route the platform sent.
 */

const coach = createSimulatedFleet(1)[0]!;
const ROUTE_ID = 'BX-E2E-1';
const LONG_ROUTE_ID = 'BX-E2E-LONG';
const BAD_ROUTE_ID = 'BX-E2E-BAD';
const WIDTH_M = 180;
// A 班线 north of 房山, [lon, lat]; odd decimals on purpose (millionths survive the trip).
const POLYLINE: Array<[number, number]> = [
  [116.123457, 39.701234],
  [116.2, 39.75],
  [116.31, 39.8],
  [116.4, 39.9],
];

const seedRoutes = async (pool: StoragePool, vehicleId: string, longPoints: number): Promise<void> => {
  const long = Array.from({ length: longPoints }, (_, i) => [116 + i * 0.001, 39.7 + i * 0.0005]);
  for (const [routeId, polyline] of [
    [ROUTE_ID, POLYLINE],
    [LONG_ROUTE_ID, long],
    // Stored geometry no terminal can take: a latitude of 95°.
    [
      BAD_ROUTE_ID,
      [
        [116.1, 39.9],
        [116.2, 95],
      ],
    ],
  ] as const) {
    await pool.query(
      `INSERT INTO approved_routes (route_id, kind, name, reference_no, company_id, region_code, polyline, corridor_width_m)
       VALUES ($1, 'scheduled_line', $2, 'XLP-1', 'company-1', '110000', $3::jsonb, $4)`,
      [routeId, routeId === ROUTE_ID ? '房山—东城班线' : '长线路', JSON.stringify(polyline), WIDTH_M],
    );
    await pool.query(`INSERT INTO route_vehicles (route_id, vehicle_id) VALUES ($1, $2)`, [routeId, vehicleId]);
  }
};

const apiOf = (platform: RunningPlatform) => {
  const tokens = new Map<string, string>();
  const signIn = async (username: string): Promise<string> => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const response = await fetch(`${platform.api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: username }),
    });
    expect(response.status).toBe(200);
    const token = ((await response.json()) as { token: string }).token;
    tokens.set(username, token);
    return token;
  };
  return async <T>(username: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${platform.api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await signIn(username)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
};

describe('routes and areas to the terminal, and its own alarms as evidence (issue #16 item 6)', () => {
  it('an operator sends a route as 0x8606, the terminal acknowledges, its route alarm is listed as evidence', async () => {
    const env = infraEnv();
    const prefix = `${uniqueName('geofence')}.`;
    const schema = uniqueName('geofence');
    const logger = createLogger('terminal-geofences-e2e', 'warn');
    const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'terminal-geofences-e2e', topicPrefix: prefix, groupPrefix: prefix, logger });
    const pool = createPool(env.databaseUrl, { schema, max: 6, application: 'terminal-geofences-e2e' });
    const dataDir = mkdtempSync(join(tmpdir(), 'roadwatch-geofence-'));
    let platform: RunningPlatform | undefined;
    let terminal: TestTerminal | undefined;
    try {
      await bus.ensureTopics(Object.values(TOPICS).map((topic: TopicName) => ({ topic, partitions: 2 })));
      await migrate(pool);
      platform = await startPlatform(
        loadStandaloneConfig({
          ROADWATCH_DATA_DIR: dataDir,
          ...FREE_PLATFORM_PORTS,
          SIM_VEHICLES: '1',
          SIM_DRIVE: 'false',
        }),
        { bus, pool },
      );
      const call = apiOf(platform);
      const vehicleId = coach.facts.vehicleId;
      const limit = maxRouteTurningPoints('长线路', '2019');
      await seedRoutes(pool, vehicleId, limit + 1);

      terminal = await TestTerminal.connect({ host: '127.0.0.1', port: platform.gateway.port, phone: coach.terminalPhone });
      await terminal.registerAndAuthenticate(coach.facts.plate, coach.facts.plateColour);
      // A terminal answers what it received with 0x0001 by serial, as a real one does.
      const routes: Array<Extract<Jt808Message, { messageId: 0x8606 }>> = [];
      terminal.onMessage((message) => {
        if (message.messageId !== 0x8606) return;
        routes.push(message);
        terminal!.send(0x0001, { answerSerial: message.header.serial, answerMessageId: 0x8606, result: 0 });
      });

      // A company may not send; a route of one turning point too many is refused naming the limit.
      expect((await call('company1', 'POST', '/v1/terminal-geofences', { vehicleId, source: { kind: 'route', routeId: ROUTE_ID } })).status).toBe(403);
      const tooLong = await call<{ message: string }>('operator', 'POST', '/v1/terminal-geofences', {
        vehicleId,
        source: { kind: 'route', routeId: LONG_ROUTE_ID },
      });
      expect(tooLong.status).toBe(400);
      expect(JSON.stringify(tooLong.body)).toContain(`${limit + 1} turning points; one JT/T 808 0x8606 holds at most ${limit}`);
      const bad = await call<unknown>('operator', 'POST', '/v1/terminal-geofences', { vehicleId, source: { kind: 'route', routeId: BAD_ROUTE_ID } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('vertex 1 is not a WGS-84 [lon, lat] pair');
      // Outside the operator's scope or unknown: 404, as an id that does not exist.
      expect((await call('operator', 'POST', '/v1/terminal-geofences', { vehicleId, source: { kind: 'route', routeId: 'NO-SUCH' } })).status).toBe(404);

      const sent = await call<TerminalDownlinkItem>('operator', 'POST', '/v1/terminal-geofences', { vehicleId, source: { kind: 'route', routeId: ROUTE_ID } });
      expect(sent.status).toBe(202);
      expect(sent.body).toMatchObject({ vehicleId, messageId: 0x8606, sourceKind: 'route', sourceId: ROUTE_ID, status: 'requested', requestedBy: 'operator' });

      // The send is audited with its command id, in its own transaction.
      const audit = await call<{ items: Array<{ actor: string; target: string }> }>('admin', 'GET', '/v1/admin/audit?action=terminal_geofence.send');
      expect(audit.body.items.map((i) => [i.actor, i.target])).toEqual([['operator', `vehicle/${vehicleId}/terminal-geofence/${sent.body.commandId}`]]);

      await vi.waitUntil(() => routes.length > 0, { timeout: 90_000, interval: 100 });
      expect(terminal.errors).toEqual([]);
      const route = routes[0]!.body;
      expect(route.routeId).toBe(sent.body.geofenceId);
      expect(route.points.map((p) => [p.longitudeDeg, p.latitudeDeg])).toEqual(POLYLINE);
      expect(route.points.map((p) => [p.pointId, p.segmentId, p.segmentWidthM])).toEqual([
        [1, 1, WIDTH_M],
        [2, 2, WIDTH_M],
        [3, 3, WIDTH_M],
        [4, 4, WIDTH_M],
      ]);
      // Enter and exit alarms to the platform (bits 3 and 5); no window, no speed limit: the platform judges those.
      expect(route.attributes).toBe(0b101000);
      expect(route.window).toBeNull();

      const listed = async (): Promise<TerminalDownlinkItem | undefined> =>
        (await call<{ items: TerminalDownlinkItem[] }>('operator', 'GET', `/v1/terminal-geofences?vehicleId=${encodeURIComponent(vehicleId)}`)).body.items.find(
          (i) => i.commandId === sent.body.commandId,
        );
      // The acknowledgement travels terminal → gateway → Kafka → the API's consumer: generous on a loaded CI box (it failed once at 30 s).
      await vi.waitUntil(async () => (await listed())?.status === 'acknowledged', { timeout: 90_000, interval: 200 });
      expect((await listed())!.answeredAtMs).toBeGreaterThan(0);

      // The terminal reports leaving that route: bit 21 with item 0x12 (type 4 = route, its id, out).
      const deviceTimeMs = Math.floor((Date.now() - 5_000) / 1000) * 1000;
      const report = locationReport({ latitudeDeg: 39.95, longitudeDeg: 116.5, speedKmh: 42, deviceTimeMs, alarmFlags: alarmFlagsFrom({ routeInOut: true }) });
      const serial = terminal.send(0x0200, {
        ...report,
        items: [{ type: 'area-in-out', id: 0x12, locationType: 4, areaId: sent.body.geofenceId, direction: 'out' }],
      });
      const answer = await terminal.waitForAnswer(serial);
      expect(answer.messageId === 0x8001 && answer.body.result).toBe(0);

      const evidence = async (username: string): Promise<TerminalAreaAlarmItem[]> =>
        (await call<{ items: TerminalAreaAlarmItem[] }>(username, 'GET', `/v1/terminal-area-alarms?vehicleId=${encodeURIComponent(vehicleId)}`)).body.items ??
        [];
      await vi.waitUntil(async () => (await evidence('operator')).length > 0, { timeout: 90_000, interval: 200 });
      const [alarm] = await evidence('operator');
      expect(alarm).toMatchObject({
        vehicleId,
        kind: 'route_in_out',
        deviceTimeMs,
        areaType: 'route',
        areaId: sent.body.geofenceId,
        direction: 'out',
        geofence: { sourceKind: 'route', sourceId: ROUTE_ID },
        evidenceOnly: true,
      });
      // A time PostgreSQL cannot hold is the caller's error, named.
      expect((await call('operator', 'GET', '/v1/terminal-area-alarms?fromMs=99999999999999999')).status).toBe(400);
      // The company reads its own vehicle's evidence too (never sends).
      expect((await evidence('company1')).map((a) => a.areaId)).toEqual([sent.body.geofenceId]);
    } finally {
      await terminal?.close();
      await platform?.close();
      await bus.close();
      await dropStorageSchema(pool, schema).catch(() => undefined);
      await pool.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
