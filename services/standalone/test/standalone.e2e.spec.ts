import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FREE_PLATFORM_PORTS } from '@roadwatch/testing';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routeEpisodeItem, TOPICS } from '@roadwatch/contracts';
import { seedAreaBans } from '@roadwatch/api';
import { DEMO_AREA_BANS, DEMO_LINE, DEMO_LINE_COACH, FOUR_PARTIES_VEHICLES } from '@roadwatch/simulator';
import { loadStandaloneConfig, startPlatform, type RunningPlatform } from '../src/index';

// What `npm start` runs: every service in one process, the embedded TimescaleDB, the
// in-process bus and a simulated fleet of real TCP terminals and a WIM station.
describe('standalone platform (the embedded default)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'roadwatch-standalone-'));
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform(
      loadStandaloneConfig({
        ROADWATCH_DATA_DIR: dataDir,
        ...FREE_PLATFORM_PORTS,
        SIM_VEHICLES: '25',
        SIM_REPORT_INTERVAL_MS: '1000',
        SIM_WIM_INTERVAL_MS: '1000',
      }),
    );
  });

  afterAll(async () => {
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('simulated terminals report through the gateway and every position is archived in TimescaleDB', async () => {
    // 13 vehicles as JT/T 808 terminals, the other 12 (SIM_JT809_VEHICLES, at most half) forwarded by the simulated company platform over JT/T 809.
    await vi.waitUntil(() => (platform.simulation?.connectedTerminals() ?? 0) === 13, { timeout: 30_000, interval: 250 });
    await vi.waitUntil(() => (platform.jt809Simulation?.positionsSent() ?? 0) >= 12, { timeout: 30_000, interval: 250 });
    expect(platform.jt809Gateway.loggedIn()).toHaveLength(1);
    await vi.waitUntil(
      async () => {
        const { rows } = await platform.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM positions');
        const { rows: forwarded } = await platform.pool.query<{ n: string }>(
          `SELECT count(DISTINCT vehicle_id)::text AS n FROM positions WHERE received_at > now() - interval '1 hour' AND vehicle_id IN (SELECT vehicle_id FROM lower_platform_vehicles lv JOIN vehicles v ON v.plate = lv.plate AND v.plate_colour = lv.plate_colour)`,
        );
        return Number(rows[0]?.n) >= 75 && Number(forwarded[0]?.n) === 12;
      },
      { timeout: 60_000, interval: 250 },
    );
    const { rows } = await platform.pool.query<{ hypertable_name: string }>(
      "SELECT hypertable_name FROM timescaledb_information.hypertables WHERE hypertable_name = 'positions'",
    );
    expect(rows).toHaveLength(1);
    // Every consumer moving: /ready says so, and the bus reports each group's lag and stalls.
    const ready = await fetch(`http://127.0.0.1:${platform.ops.port}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, boolean> }).checks).toMatchObject({ consumers: true, consumer: true });
    const metrics = await (await fetch(`http://127.0.0.1:${platform.ops.port}/metrics`)).text();
    expect(metrics).toMatch(/roadwatch_consumer_lag_records\{[^}]*group="archiver",topic="telemetry\.positions"/);
    expect(metrics).toMatch(/roadwatch_consumer_stalled\{[^}]*group="detector"[^}]*\} 0/);
  });

  it('the API lists the simulated fleet, scoped to the signed-in company', async () => {
    const signIn = async (username: string): Promise<string> => {
      const response = await fetch(`${platform.api.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: username }),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { token: string }).token;
    };
    const vehiclesSeenBy = async (username: string) => {
      const response = await fetch(`${platform.api.url}/v1/vehicles`, { headers: { authorization: `Bearer ${await signIn(username)}` } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { items: Array<{ vehicleId: string; companyId?: string }> };
      return body.items;
    };
    // The generated fleet, issue #15's two scripted trucks and issue #16's 班线 coach.
    expect(await vehiclesSeenBy('admin')).toHaveLength(25 + FOUR_PARTIES_VEHICLES.length + 1);
    const own = await vehiclesSeenBy('company1');
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((vehicle) => vehicle.companyId === 'company-1')).toBe(true);

    // The map's fixed places: the station the simulation posts as, and the demo source sites, all placed.
    const enforcement = { authorization: `Bearer ${await signIn('enforcement')}` };
    const stations = (await (await fetch(`${platform.api.url}/v1/wim/stations`, { headers: enforcement })).json()) as {
      items: Array<{ stationId: string; latitudeDeg?: number }>;
    };
    expect(stations.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ stationId: 'ST-DEMO-01', latitudeDeg: expect.any(Number), longitudeDeg: expect.any(Number) })]),
    );
    const sites = (await (await fetch(`${platform.api.url}/v1/source-sites`, { headers: enforcement })).json()) as { items: Array<{ latitudeDeg?: number }> };
    expect(sites.items.length).toBeGreaterThanOrEqual(2);
    expect(sites.items.every((site) => site.latitudeDeg !== undefined)).toBe(true);
  });

  it('issue #15 in the demo: the quarry and sand yard with their companies, IC-card drivers, the quarry truck weighed at 101 t, a cloned plate', async () => {
    const { rows: sites } = await platform.pool.query<{ source_site_id: string; company_id: string | null }>(
      'SELECT source_site_id, company_id FROM source_sites ORDER BY source_site_id',
    );
    expect(sites).toEqual(
      expect.arrayContaining([
        { source_site_id: 'SRC-DEMO-QUARRY', company_id: 'company-src-quarry' },
        { source_site_id: 'SRC-DEMO-SAND', company_id: 'company-src-sand' },
      ]),
    );
    const { rows: stations } = await platform.pool.query<{ station_id: string; kind: string; source_site_id: string | null }>(
      'SELECT station_id, kind, source_site_id FROM wim_stations ORDER BY station_id',
    );
    expect(stations).toEqual([
      { station_id: 'ST-DEMO-01', kind: 'non_site', source_site_id: null },
      { station_id: 'ST-DEMO-G4-ENTRY', kind: 'entrance', source_site_id: null },
      { station_id: 'ST-DEMO-QUARRY-EXIT', kind: 'site_exit', source_site_id: 'SRC-DEMO-QUARRY' },
    ]);
    const { rows: drivers } = await platform.pool.query<{ driver_id: string; qualification_no: string }>(
      "SELECT driver_id, qualification_no FROM drivers WHERE driver_id LIKE 'DRV-DEMO-%' ORDER BY driver_id",
    );
    expect(drivers.map((d) => d.driver_id)).toEqual(['DRV-DEMO-01', 'DRV-DEMO-02']);
    // Played once at start: the quarry truck's back-filled track and its 101 t weighing, the cloned plate's weighing and the victim's own track.
    await vi.waitUntil(() => (platform.fourParties?.runsPlayed() ?? 0) >= 1, { timeout: 60_000, interval: 250 });
    await vi.waitUntil(
      async () =>
        Number(
          (
            await platform.pool.query<{ n: string }>(
              "SELECT count(*)::text AS n FROM wim_measurements WHERE plate IN ('冀F66001', '冀F66002') AND record_kind = 'wim'",
            )
          ).rows[0]?.n,
        ) >= 2,
      { timeout: 60_000, interval: 250 },
    );
    const after = (
      await platform.pool.query<{ plate: string; gross_kg: number }>(
        "SELECT plate, gross_kg::float8 AS gross_kg FROM wim_measurements WHERE plate IN ('冀F66001', '冀F66002') AND record_kind = 'wim' ORDER BY plate",
      )
    ).rows;
    expect(after.map((w) => w.plate)).toEqual(['冀F66001', '冀F66002']);
    expect(after[0]!.gross_kg).toBeGreaterThanOrEqual(100_000);
    // The quarry's exit-scale record and the entrance scale's refusal, through the same ingest with their stations' keys.
    await vi.waitUntil(
      async () =>
        (
          await platform.pool.query<{ record_kind: string }>(
            "SELECT DISTINCT record_kind FROM wim_measurements WHERE plate = '冀F66001' AND record_kind IN ('site_exit', 'entrance')",
          )
        ).rows.length === 2,
      { timeout: 60_000, interval: 250 },
    );
    const tracks = async () =>
      (
        await platform.pool.query<{ vehicle_id: string; n: string }>(
          "SELECT vehicle_id, count(*)::text AS n FROM positions WHERE vehicle_id IN (SELECT vehicle_id FROM vehicles WHERE plate IN ('冀F66001', '冀F66002')) GROUP BY vehicle_id",
        )
      ).rows;
    await vi.waitUntil(async () => (await tracks()).filter((t) => Number(t.n) >= 20).length === 2, { timeout: 60_000, interval: 250 });
  });

  it('the demo 班线 coach leaves its corridor at start: an off_route alert and its stretch, listed for the operator', async () => {
    await vi.waitUntil(() => (platform.alertsByRule()['off_route'] ?? 0) >= 1, { timeout: 60_000, interval: 250 });
    const login = await fetch(`${platform.api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password: 'operator' }),
    });
    const { token } = (await login.json()) as { token: string };
    const listed = async () =>
      (
        (await (
          await fetch(`${platform.api.url}/v1/route-episodes?kind=off_route&vehicleId=${encodeURIComponent(DEMO_LINE_COACH.facts.vehicleId)}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json()) as { items: Array<{ routeId?: string; stretch: unknown[] }> }
      ).items;
    await vi.waitUntil(async () => (await listed()).some((e) => e.routeId === DEMO_LINE.routeId && e.stretch.length >= 5), { timeout: 30_000, interval: 250 });
    // Every field answered is in the contract (the OpenAPI document forbids others).
    for (const item of await listed()) routeEpisodeItem.strict().parse(item);
    expect(platform.scheduledLine).toBeDefined();
  });

  it('the demo seeds a drawn and a region-wide area ban, both read by the operator; seeding again writes nothing over them', async () => {
    const login = await fetch(`${platform.api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password: 'operator' }),
    });
    const { token } = (await login.json()) as { token: string };
    const bans = (
      (await (await fetch(`${platform.api.url}/v1/area-bans`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        items: Array<{ banId: string; polygon?: unknown[]; regionCode?: string }>;
      }
    ).items;
    const seeded = new Map(bans.map((b) => [b.banId, b]));
    for (const ban of DEMO_AREA_BANS) expect(seeded.has(ban.banId)).toBe(true);
    expect(seeded.get('AB-DEMO-BJ-RING5')?.polygon).toHaveLength(4);
    expect(seeded.get('AB-DEMO-BJ-NIGHT')).toMatchObject({ regionCode: '11' });
    expect(seeded.get('AB-DEMO-BJ-NIGHT')).not.toHaveProperty('polygon');
    // Seeding again (a restart) writes nothing over what is there.
    expect(await seedAreaBans(platform.pool, DEMO_AREA_BANS)).toBe(0);
  });

  it('weighings posted by the simulated station become overload alerts', async () => {
    await vi.waitUntil(() => (platform.simulation?.weighingsSent() ?? 0) >= 3, { timeout: 60_000, interval: 250 });
    await vi.waitUntil(() => (platform.alertsByRule()['overload'] ?? 0) >= 1, { timeout: 60_000, interval: 250 });
    const { rows } = await platform.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM wim_measurements');
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(3);
    // On the embedded server's one connection too: the case lifecycle opens the violation's case
    // in one transaction with its outbox rows, and the relay publishes every one of them.
    await vi.waitUntil(async () => Number((await platform.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM cases`)).rows[0]?.n) >= 1, {
      timeout: 60_000,
      interval: 250,
    });
    const opened = await platform.pool.query<{ case_id: string; stored: string; violations: string }>(
      `SELECT c.case_id, (SELECT count(*) FROM case_events e WHERE e.case_id = c.case_id)::text AS stored,
              (SELECT count(*) FROM overload_violations v WHERE v.violation_id = c.violation_id)::text AS violations
       FROM cases c ORDER BY c.opened_at LIMIT 1`,
    );
    const first = opened.rows[0]!;
    expect(first.violations).toBe('1');
    await vi.waitUntil(
      async () =>
        Number(
          (
            await platform.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM outbox WHERE topic = $1 AND message_key = $2 AND sent_at IS NOT NULL`, [
              TOPICS.caseEvents,
              first.case_id,
            ])
          ).rows[0]?.n,
        ) >= Number(first.stored),
      { timeout: 60_000, interval: 250 },
    );
    expect(Number(first.stored)).toBeGreaterThanOrEqual(9);
  });
});
