import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FREE_PLATFORM_PORTS } from '@roadwatch/testing';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALARM_BITS, STATUS_BITS } from '@roadwatch/jt808';
import { createSimulatedFleet, DEMO_WIM_STATION, TestTerminal, type LocationInput } from '@roadwatch/simulator';
import { loadStandaloneConfig, startPlatform, type RunningPlatform } from '../src/index';

const MIN = 60_000;
const KM_LAT = 1 / 111.195;

/**
 * Issue #16 item 5, "Done when" (the tampering half), end to end on the embedded default: a
 * truck reports over TCP through the gateway; its antenna-cut bit goes on 2 km before the demo
 * 治超 station (ACC on, no fix) and it reappears 12 km on. The tampering job (on a 1 s interval)
 * judges the stored track: a 疑似屏蔽 episode naming I1, I2 and I7 (near the station), read over
 * HTTP by its company (another company gets 404, as an id that does not exist), and its alert
 * is on the company's alert list.
 */
describe('signal tampering, end to end (issue #16 item 5)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'roadwatch-tampering-'));
  const truck = createSimulatedFleet(5)[0]!;
  let platform: RunningPlatform;
  let terminal: TestTerminal | undefined;

  beforeAll(async () => {
    platform = await startPlatform(
      loadStandaloneConfig({
        ROADWATCH_DATA_DIR: dataDir,
        ...FREE_PLATFORM_PORTS,
        SIM_VEHICLES: '5',
        SIM_DRIVE: 'false',
      }),
      { enforcement: { TAMPERING_INTERVAL_MS: 1_000 } },
    );
  }, 120_000);

  afterAll(async () => {
    await terminal?.close();
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = async (username: string, password = username): Promise<Record<string, string>> => {
    const response = await fetch(`${platform.api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(response.status).toBe(200);
    return { authorization: `Bearer ${((await response.json()) as { token: string }).token}` };
  };
  const getJson = async (path: string, headers: Record<string, string>) => {
    const response = await fetch(`${platform.api.url}${path}`, { headers });
    return { status: response.status, body: (await response.json().catch(() => null)) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON bodies
  };

  it('an antenna cut near the 治超 station reappearing 12 km on is a 疑似屏蔽 episode naming I1, I2 and I7, scoped and alerted', async () => {
    expect(truck.companyId).toBe('company-1');
    terminal = await TestTerminal.connect({ host: '127.0.0.1', port: platform.gateway.port, phone: truck.terminalPhone });
    await terminal.registerAndAuthenticate(truck.facts.plate, truck.facts.plateColour);

    // Whole seconds (the BCD clock); the drive ends a minute ago, northbound along the station's meridian.
    const startMs = Math.floor((Date.now() - 20 * MIN) / 1000) * 1000;
    const at = (minute: number, northKm: number, extra: Partial<LocationInput> = {}): LocationInput => ({
      deviceTimeMs: startMs + minute * MIN,
      latitudeDeg: DEMO_WIM_STATION.latitudeDeg - 3 * KM_LAT + northKm * KM_LAT,
      longitudeDeg: DEMO_WIM_STATION.longitudeDeg,
      speedKmh: 60,
      ...extra,
    });
    const accOnNoFix = 1 << STATUS_BITS.accOn;
    const reports: LocationInput[] = [
      at(0, 0),
      at(1, 1),
      // The antenna cut 2 km before the station, ACC on, no fix: the terminal repeats its last place.
      ...[2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((m) => at(m, 1, { alarmFlags: 1 << ALARM_BITS.gnssAntennaDisconnected, statusFlags: accOnNoFix })),
      // Fixed again 12 km on.
      at(14, 13),
      at(15, 14),
      at(16, 15),
    ];
    for (const r of reports) await terminal.waitForAnswer(terminal.sendLocation(r));

    const company1 = await signIn('company1');
    type Episode = { episodeId: string; vehicleId: string; indicators: string[]; contextI7: boolean; context: { near?: { kind: string } }; alertId: string };
    let episode: Episode | undefined;
    await vi.waitUntil(
      async () => {
        const list = await getJson(`/v1/tampering-episodes?vehicleId=${encodeURIComponent(truck.facts.vehicleId)}`, company1);
        episode = (list.body?.items as Episode[] | undefined)?.[0];
        return episode !== undefined;
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(episode!.indicators).toEqual(expect.arrayContaining(['I1', 'I2']));
    expect(episode!.contextI7).toBe(true);
    expect(episode!.context.near?.kind).toBe('station');

    // Another company: 404 for the id, nothing in its list.
    const admin = await signIn('admin');
    const created = await fetch(`${platform.api.url}/v1/admin/users`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'company2-e2e', password: 'Tamper-e2e-2026!', role: 'company', companyId: 'company-2' }),
    });
    expect(created.status).toBe(201);
    // Test setup: the new user's first password is accepted as chosen (the change-password step is not under test here).
    await platform.pool.query(`UPDATE users SET must_change_password = false WHERE username = 'company2-e2e'`);
    const company2 = await signIn('company2-e2e', 'Tamper-e2e-2026!');
    expect((await getJson(`/v1/tampering-episodes/${encodeURIComponent(episode!.episodeId)}`, company2)).status).toBe(404);
    expect((await getJson('/v1/tampering-episodes', company2)).body.items).toEqual([]);
    expect((await getJson(`/v1/tampering-episodes/${encodeURIComponent(episode!.episodeId)}`, company1)).status).toBe(200);

    // The alert reached the company like every alert: 疑似, the indicators named.
    let alert: { rule: string; summary: string; summaryEn?: string } | undefined;
    await vi.waitUntil(
      async () => {
        const list = await getJson(`/v1/alerts?vehicleId=${encodeURIComponent(truck.facts.vehicleId)}`, company1);
        alert = (list.body?.items as Array<{ alertId: string; rule: string; summary: string }> | undefined)?.find((a) => a.alertId === episode!.alertId);
        return alert !== undefined;
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(alert!.rule).toBe('signal_tampering_suspected');
    expect(alert!.summary).toMatch(/疑似.*I1.*I2.*I7/);
    expect(alert!.summaryEn).toMatch(/I1.*I2.*I7/);
  }, 120_000);
});
