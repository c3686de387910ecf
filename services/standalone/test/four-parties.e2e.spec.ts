import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FREE_PLATFORM_PORTS } from '@roadwatch/testing';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IcCardReadResult, IcCardStatus } from '@roadwatch/jt808';
import { DEMO_QUARRY_SITE_ID, QUARRY_TRUCK, quarryRun, TestTerminal } from '@roadwatch/simulator';
import { loadStandaloneConfig, startPlatform, type RunningPlatform } from '../src/index';
import { sendBackfill } from '../src/four-parties-simulation';

/**
 * Issue #15, "Done when", end to end on the embedded default: a truck loads at the quarry's
 * geofence (≥ 8 min standing still inside it), drives to the WIM station, its driver signed in
 * with an IC card (JT/T 808 0x0702) — all over TCP through the gateway — and is weighed at 101 t
 * (a WIM record through ingest-wim with the station's key). Its case, read over HTTP as an
 * enforcement user, names the driver from the card and proposes the quarry's company as the
 * source unit, grade A (RULES.md §13).
 */
describe('naming all four parties, end to end (issue #15)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'roadwatch-four-parties-'));
  let platform: RunningPlatform;
  let terminal: TestTerminal | undefined;

  beforeAll(async () => {
    platform = await startPlatform(
      loadStandaloneConfig({
        ROADWATCH_DATA_DIR: dataDir,
        ...FREE_PLATFORM_PORTS,
        // The demo registry (sites, drivers, the quarry truck), no generated traffic: the test drives its own terminal.
        SIM_VEHICLES: '5',
        SIM_DRIVE: 'false',
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await terminal?.close();
    await platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const signIn = async (username: string): Promise<Record<string, string>> => {
    const response = await fetch(`${platform.api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: username }),
    });
    expect(response.status).toBe(200);
    return { authorization: `Bearer ${((await response.json()) as { token: string }).token}` };
  };

  it('the case of a truck loaded at the quarry and weighed at 101 t names the card driver and the quarry company (grade A)', async () => {
    // Whole seconds: the terminal's BCD clock carries no milliseconds.
    const weighedAtMs = Math.floor(Date.now() / 1000) * 1000;
    const run = quarryRun({ weighedAtMs, stationId: 'ST-DEMO-01' });
    const { driver } = run.signIn;

    terminal = await TestTerminal.connect({ host: '127.0.0.1', port: platform.gateway.port, phone: QUARRY_TRUCK.terminalPhone });
    await terminal.registerAndAuthenticate(QUARRY_TRUCK.facts.plate, QUARRY_TRUCK.facts.plateColour);
    const cardAnswer = await terminal.sendAndWait(0x0702, {
      cardStatus: IcCardStatus.Inserted,
      signedOn: true,
      eventTimeMs: run.signIn.atMs,
      readResult: IcCardReadResult.Ok,
      card: {
        driverName: driver.name,
        qualificationCode: driver.qualificationNo,
        issuingAuthority: driver.issuingAuthority,
        certificateExpiry: driver.certificateExpiry,
        driverIdNumber: null,
      },
    });
    expect(cardAnswer.messageId).toBe(0x8001);
    await sendBackfill(terminal, run.reports);
    // The whole track archived before the weighing, so the 源头倒查 at case opening reads it all.
    await vi.waitUntil(
      async () =>
        Number(
          (await platform.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM positions WHERE vehicle_id = $1', [QUARRY_TRUCK.facts.vehicleId])).rows[0]
            ?.n,
        ) >= run.reports.length,
      { timeout: 30_000, interval: 250 },
    );

    const weighed = await fetch(`${platform.ingestWim.url}/v1/wim/measurements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'demo-station-key' },
      body: JSON.stringify(run.weighing),
    });
    expect(weighed.status).toBeLessThan(300);

    const enforcement = await signIn('enforcement');
    type Participant = { party: string; identified: boolean; partyRef?: string; name?: string; licenceNo?: string; details: Record<string, unknown> };
    let caseId: string | undefined;
    await vi.waitUntil(
      async () => {
        const list = (await (await fetch(`${platform.api.url}/v1/cases`, { headers: enforcement })).json()) as {
          items: Array<{ caseId: string; plate?: string; vehicleId: string }>;
        };
        caseId = list.items.find((c) => c.vehicleId === QUARRY_TRUCK.facts.vehicleId)?.caseId;
        return caseId !== undefined;
      },
      { timeout: 60_000, interval: 500 },
    );
    const detailOf = async () => {
      const response = await fetch(`${platform.api.url}/v1/cases/${encodeURIComponent(caseId!)}`, { headers: enforcement });
      expect(response.status).toBe(200);
      return (await response.json()) as { parties: Participant[] };
    };
    // The parties are named at opening; the trace's proposal may follow by a moment.
    let parties: Participant[] = [];
    await vi
      .waitUntil(
        async () => {
          parties = (await detailOf()).parties;
          return parties.find((p) => p.party === 'source_unit')?.identified === true && parties.find((p) => p.party === 'driver')?.identified === true;
        },
        { timeout: 30_000, interval: 500 },
      )
      .catch(() => undefined);

    // The driver on duty at the weighing, from the IC card (0x0702), with its evidence.
    const named = parties.find((p) => p.party === 'driver');
    expect(named, 'the case has a driver party').toBeDefined();
    expect(named).toMatchObject({ identified: true, name: driver.name });
    expect(JSON.stringify(named)).toContain(driver.qualificationNo);
    expect(JSON.stringify(named?.details ?? {})).toMatch(/card|sign_in|0x0702|IC/i);

    // The quarry's company proposed as the source unit, grade A.
    const source = parties.find((p) => p.party === 'source_unit');
    expect(source, 'the case has a source-unit party').toBeDefined();
    expect(source).toMatchObject({ identified: true });
    expect(JSON.stringify(source)).toContain('company-src-quarry');
    expect(source?.details).toMatchObject({ grade: 'A' });

    // The trace as stored (migration 0021's source_traces), tied to the case.
    const traces = await platform.pool.query<{ grade: string; source_site_id: string | null; source_company_id: string | null; status: string }>(
      'SELECT grade, source_site_id, source_company_id, status FROM source_traces WHERE case_id = $1',
      [caseId],
    );
    expect(traces.rows).toEqual([
      expect.objectContaining({ grade: 'A', source_site_id: DEMO_QUARRY_SITE_ID, source_company_id: 'company-src-quarry', status: 'proposed' }),
    ]);
    // The card event as stored, matched to the registry's driver.
    const cards = await platform.pool.query<{ event: string; driver_id: string | null; qualification_no: string | null }>(
      'SELECT event, driver_id, qualification_no FROM driver_card_events WHERE vehicle_id = $1',
      [QUARRY_TRUCK.facts.vehicleId],
    );
    expect(cards.rows).toEqual([{ event: 'sign_in', driver_id: driver.driverId, qualification_no: driver.qualificationNo }]);
  }, 180_000);
});
