import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TOPICS, type AlertV1, type TopicName } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { createLogger } from '@roadwatch/runtime';
import { limitAt } from '@roadwatch/rules';
import { chinaDateOf, chinaMidnightMs, DAY_MS, HOUR_MS } from '@roadwatch/domain';
import { createPool, dropStorageSchema, migrate, RegistryRepository } from '@roadwatch/storage';
import { infraEnv, aPosition, uniqueName, FREE_PLATFORM_PORTS } from '@roadwatch/testing';
import { loadStandaloneConfig, startPlatform, type RunningPlatform } from '../src/index';

/**
 * Issue #5: a vehicle, its terminal and a speed zone created through the admin REST reach
 * the running detector and gateway — the standalone composition on the in-process bus and
 * the real PostgreSQL, with a reload period far beyond the test, so only the API's change
 * notice can have made them known.
 */
describe('registry changes through the admin REST reach the detector and the gateway (real PostgreSQL)', () => {
  const env = infraEnv();
  const schema = uniqueName('registry_prop').replace(/[^a-z0-9_]/g, '_');
  const pool = createPool(env.databaseUrl, { schema, max: 4, application: 'registry-propagation' });
  const bus = new InProcessBus({ defaultPartitions: 2, logger: createLogger('bus', 'warn') });
  const alerts: AlertV1[] = [];
  let platform: RunningPlatform;
  let token: string;

  const admin = async (method: 'POST' | 'PUT', path: string, body: unknown): Promise<number> => {
    const response = await fetch(`${platform.api.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return response.status;
  };

  beforeAll(async () => {
    await migrate(pool);
    await bus.ensureTopics(Object.values(TOPICS).map((topic: TopicName) => ({ topic, partitions: 2 })));
    platform = await startPlatform(
      loadStandaloneConfig({
        ...FREE_PLATFORM_PORTS,
        SIM_VEHICLES: '2',
        SIM_DRIVE: 'false',
        REGISTRY_REFRESH_MS: '3600000',
      }),
      { bus, pool },
    );
    await bus.subscribe({
      groupId: 'registry-propagation-alerts',
      topics: [TOPICS.alerts],
      handleBatch: async (batch) => void alerts.push(...batch.messages.map((m) => m.value as AlertV1)),
    });
    const login = await fetch(`${platform.api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    });
    token = ((await login.json()) as { token: string }).token;
  }, 60_000);

  afterAll(async () => {
    await platform?.close();
    await bus.close();
    await dropStorageSchema(pool, schema).catch(() => undefined);
    await pool.end();
  });

  const vehicleId = '津C99999:2';
  // A street in 天津 away from the demo corridors: unmapped (other road, 120) until the zone exists.
  const zone = {
    segmentId: 'TJ-NANJING-RD',
    name: '南京路（测试）',
    roadClass: 'urban',
    postedLimitKmh: 60,
    polyline: [
      [117.18, 39.12],
      [117.22, 39.12],
    ],
  };

  it('a vehicle and its terminal created through the API are known to the detector and the gateway after the reload it triggers', async () => {
    const registry = platform.registry;
    expect(registry.directory?.byVehicleId(vehicleId)).toBeUndefined();
    expect(
      await admin('POST', '/v1/admin/vehicles', { vehicleId, plate: '津C99999', plateColour: 2, vehicleClass: 'heavy_truck', companyId: 'company-1' }),
    ).toBe(201);
    expect(await admin('POST', '/v1/admin/terminals', { terminalId: '13900000999', vehicleId })).toBe(201);
    await vi.waitUntil(() => registry.vehicles?.current.byTerminal('013900000999') !== undefined, {
      timeout: 15_000,
      message: "the terminal in the gateway's registry",
    });
    expect(registry.directory?.byVehicleId(vehicleId)).toMatchObject({ vehicleClass: 'heavy_truck', companyId: 'company-1' });
    expect(registry.directory?.byPlate('津C99999', 2)?.vehicleId).toBe(vehicleId);
  });

  it('a 60 km/h speed zone created through the API makes 80 km/h there a speeding alert, judged by that zone', async () => {
    expect(limitAt(platform.registry.roads!(), 39.12, 117.2).segmentId).toBe('unmatched');
    expect(await admin('POST', '/v1/admin/speed-zones', zone)).toBe(201);
    await vi.waitUntil(() => limitAt(platform.registry.roads!(), 39.12, 117.2).segmentId === zone.segmentId, {
      timeout: 15_000,
      message: 'the zone in the road index',
    });
    // The demo corridors of the GeoJSON file are still there beside the database's zone.
    expect(limitAt(platform.registry.roads!(), 39.857, 116.287).segmentId).toBe('G4-beijing-zhuozhou');

    const start = Date.now() - 10 * 60_000;
    // 80 km/h east along the street, one report every 10 s for two minutes (~2.7 km).
    const positions = Array.from({ length: 13 }, (_, i) =>
      aPosition({
        vehicleId,
        deviceTimeMs: start + i * 10_000,
        terminalId: '13900000999',
        plate: '津C99999',
        plateColour: 2,
        latitudeDeg: 39.12,
        longitudeDeg: 117.185 + i * 0.0026,
        speedKmh: 80,
        headingDeg: 90,
      }),
    );
    await bus.publish(
      TOPICS.positions,
      positions.map((value) => ({ key: vehicleId, value })),
    );
    await vi.waitUntil(() => alerts.some((a) => a.vehicleId === vehicleId && a.rule === 'speeding'), { timeout: 15_000, message: 'the speeding alert' });
    const speeding = alerts.filter((a) => a.vehicleId === vehicleId && a.rule === 'speeding').at(-1)!;
    expect(speeding.details).toMatchObject({ segmentId: zone.segmentId, postedLimitKmh: 60 });
    expect(speeding.companyId).toBe('company-1');
    expect(speeding.details).not.toHaveProperty('registered', false);
  });

  it('a 接驳运输 relay for last night, refused to the company (tonight on only) and registered through the API by the authority, exempts its bus from the 02:00–05:00 rule that night; the bus without one is a violation', async () => {
    // Long-distance buses on a 420 km route (route_km is not part of the admin vehicle body: written to the table and reloaded).
    const buses = [
      { vehicleId: '鄂A80001:1', plate: '鄂A80001' },
      { vehicleId: '鄂A80002:1', plate: '鄂A80002' },
    ];
    const registryRepository = new RegistryRepository(pool);
    for (const b of buses)
      await registryRepository.upsertVehicle({ ...b, plateColour: 1, vehicleClass: 'long_distance_bus', companyId: 'company-1', routeKm: 420 });
    await platform.registry.reload();
    const now = Date.now();
    // Yesterday's night: over at any time of day.
    const night = chinaDateOf(now - DAY_MS);
    const twoAm = chinaMidnightMs(now - DAY_MS) + 2 * HOUR_MS;
    const tokenOf = async (username: string): Promise<string> => {
      const signIn = await fetch(`${platform.api.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: username }),
      });
      return ((await signIn.json()) as { token: string }).token;
    };
    const register = (token: string) =>
      fetch(`${platform.api.url}/v1/relays`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          vehicleId: buses[0]!.vehicleId,
          nightDate: night,
          relayPoint: '孝感服务区',
          handingOverDriver: '张三',
          takingOverDriver: '李四',
        }),
      });
    // A company registers from tonight on; a past night (back-filled data) is the authority's to register.
    const refused = await register(await tokenOf('company1'));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { issues: Array<{ field: string }> }).issues.map((i) => i.field)).toEqual(['body.nightDate']);
    const registered = await register(await tokenOf('admin'));
    expect(registered.status).toBe(201);
    // The API's change notice reloads the detector's relays (the period is an hour).
    await vi.waitUntil(() => platform.registry.relays?.(buses[0]!.vehicleId, night) !== undefined, {
      timeout: 15_000,
      message: "the relay in the detector's registry",
    });
    expect(platform.registry.relays?.(buses[1]!.vehicleId, night)).toBeUndefined();

    // Each bus: 60 km/h from 01:58 to 02:15 in 武汉 (unmapped), then 150 km/h for two minutes — a
    // speeding alert that, on the bus's own partition, comes after its night was judged.
    for (const b of buses) {
      const drive = (fromMs: number, count: number, speedKmh: number, startLon: number) =>
        Array.from({ length: count }, (_, i) =>
          aPosition({
            vehicleId: b.vehicleId,
            deviceTimeMs: fromMs + i * 10_000,
            plate: b.plate,
            plateColour: 1,
            latitudeDeg: 30.5,
            longitudeDeg: startLon + (i * (speedKmh / 3_600) * 10) / 96,
            speedKmh,
            headingDeg: 90,
          }),
        );
      const inWindow = drive(twoAm - 2 * 60_000, 103, 60, 114.0);
      const last = inWindow.at(-1)!;
      const positions = [...inWindow, ...drive(last.deviceTimeMs + 10_000, 13, 150, last.longitudeDeg + 0.004)];
      await bus.publish(
        TOPICS.positions,
        positions.map((value) => ({ key: b.vehicleId, value })),
      );
    }
    const of = (vehicleId: string, rule: string) => alerts.filter((a) => a.vehicleId === vehicleId && a.rule === rule);
    await vi.waitUntil(() => buses.every((b) => of(b.vehicleId, 'speeding').length > 0), { timeout: 15_000, message: "both buses' speeding alerts" });
    await vi.waitUntil(() => of(buses[1]!.vehicleId, 'night_ban_2_5').length > 0, { timeout: 15_000, message: 'the night ban of the bus without a relay' });
    expect(of(buses[1]!.vehicleId, 'night_ban_2_5')[0]?.details).toMatchObject({ nightDate: night });
    expect(of(buses[0]!.vehicleId, 'night_ban_2_5')).toEqual([]);
  });

  it('a shift saved on the roster through the API makes its driver the subject of fatigue without an IC card (RULES.md §13): the violation names him by his 从业资格证 number', async () => {
    const rostered = '津C88888:2';
    const qualificationNo = `QTJ${Date.now()}`;
    expect(
      await admin('POST', '/v1/admin/vehicles', {
        vehicleId: rostered,
        plate: '津C88888',
        plateColour: 2,
        vehicleClass: 'heavy_truck',
        companyId: 'company-1',
      }),
    ).toBe(201);
    expect(await admin('POST', '/v1/admin/drivers', { driverId: 'TJ-D1', name: '王五', companyId: 'company-1', qualificationNo })).toBe(201);
    await vi.waitUntil(() => platform.registry.directory?.byVehicleId(rostered) !== undefined, { timeout: 15_000, message: 'the vehicle in the registry' });
    const start = Date.now() - 6 * HOUR_MS;
    expect(
      await admin('POST', '/v1/roster/shifts', { driverId: 'TJ-D1', vehicleId: rostered, startsAtMs: start - HOUR_MS, endsAtMs: start + 8 * HOUR_MS }),
    ).toBe(201);
    // Only the shift's registry.changes event can make it known: the poll is an hour.
    await vi.waitUntil(() => platform.registry.roster?.()(rostered, start) === qualificationNo, {
      timeout: 15_000,
      message: "the shift in the detector's roster",
    });
    // 4 h 00 30 at 60 km/h north, a report every 30 s, no driver on any report.
    const positions = Array.from({ length: 482 }, (_, i) =>
      aPosition({
        vehicleId: rostered,
        deviceTimeMs: start + i * 30_000,
        receivedAtMs: start + i * 30_000 + 1_000,
        terminalId: '13900000888',
        plate: '津C88888',
        plateColour: 2,
        latitudeDeg: 38 + (i * 500) / 111_195,
        longitudeDeg: 117.5,
        speedKmh: 60,
      }),
    );
    await bus.publish(
      TOPICS.positions,
      positions.map((value) => ({ key: rostered, value })),
    );
    const violation = () => alerts.find((a) => a.vehicleId === rostered && a.rule === 'fatigue_continuous' && a.level === 'violation');
    await vi.waitUntil(violation, { timeout: 30_000, message: 'the continuous violation' });
    expect(violation()).toMatchObject({ driverId: qualificationNo, startedAtMs: start });
    expect(violation()!.details['driverSource']).toBe('roster');
  });

  it('a failed reload keeps the last registry and road index; the next good one takes the changes', async () => {
    const registry = platform.registry;
    const vehiclesBefore = registry.vehicles!.current;
    const roadsBefore = registry.roads!();
    await pool.query('ALTER TABLE terminals RENAME TO terminals_away');
    await pool.query('ALTER TABLE road_speed_zones RENAME TO road_speed_zones_away');
    try {
      await registry.reload();
      expect(registry.vehicles!.current).toBe(vehiclesBefore);
      expect(registry.roads!()).toBe(roadsBefore);
      expect(registry.directory?.byVehicleId(vehicleId)?.vehicleClass).toBe('heavy_truck');
      expect(limitAt(registry.roads!(), 39.12, 117.2).postedLimitKmh).toBe(60);
    } finally {
      await pool.query('ALTER TABLE terminals_away RENAME TO terminals');
      await pool.query('ALTER TABLE road_speed_zones_away RENAME TO road_speed_zones');
    }
    expect(await admin('PUT', `/v1/admin/speed-zones/${zone.segmentId}`, { ...zone, postedLimitKmh: 40 })).toBe(200);
    await vi.waitUntil(() => limitAt(registry.roads!(), 39.12, 117.2).postedLimitKmh === 40, { timeout: 15_000, message: 'the edited limit' });
    expect(registry.roads!()).not.toBe(roadsBefore);
  });
});
