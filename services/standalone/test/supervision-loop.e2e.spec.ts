import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TOPICS, type TopicName } from '@roadwatch/contracts';
import { chinaDateOf, chinaMidnightMs, DAY_MS, HOUR_MS, MINUTE_MS } from '@roadwatch/domain';
import { KafkaBus } from '@roadwatch/messaging';
import { chinaMonthOf, monthPeriod } from '@roadwatch/rules';
import { createLogger } from '@roadwatch/runtime';
import { createPool, dropStorageSchema, migrate } from '@roadwatch/storage';
import { createSimulatedFleet, infraEnv, pointAlongRoute, TestTerminal, uniqueName, FREE_PLATFORM_PORTS } from '@roadwatch/testing';
import { loadStandaloneConfig, startPlatform, type PlatformParts, type RunningPlatform } from '../src/index';

/**
 * Issue #14 "Done when", end to end, on the embedded default and in cluster mode (the same
 * composition given real Kafka and a PostgreSQL schema): a fatigue violation of company A's
 * coach, driven over TCP, reaches A's webhook signed; A handles it in time; another alert of A
 * goes overdue onto the operator's board; the month's 处理率 and score match the figures below;
 * the coach is on the 重点监管 list with the fatigue as its reason and leaves it exactly 30 days
 * after its last trigger. The supervision module's and the API's clock is the test's (moved);
 * the gateway and the detector keep the wall clock, so the drive is dated yesterday.
 */

// A fleet of one: a tour coach (旅游客车) of company-1 in region 110000, on route 0 (G4, posted 120;
// the class cap of a coach on an expressway is 100 km/h, RULES §1).
const coach = createSimulatedFleet(1)[0]!;
const COMPANY = 'company-1';
const SEVERE_WINDOW_MS = 30 * MINUTE_MS; // RULES §9 default: fatigue violation
const STANDARD_WINDOW_MS = 24 * HOUR_MS; // the rest: a 6-point speeding episode
const KEY_LIST_WINDOW_MS = 30 * DAY_MS; // RULES §10 / §15

/** The clock of supervision and the API: it runs with real time from where the test sets it. */
class TestClock {
  private baseMs: number;
  private realAtBaseMs = Date.now();
  constructor(startMs: number) {
    this.baseMs = startMs;
  }
  readonly now = (): number => this.baseMs + (Date.now() - this.realAtBaseMs);
  set(ms: number): void {
    this.baseMs = ms;
    this.realAtBaseMs = Date.now();
  }
}

interface Report {
  deviceTimeMs: number;
  speedKmh: number;
  distanceM: number;
}

/**
 * An evening drive that ends just after a local midnight (the latest one at least 30 min ago, or
 * the one before when that is the 1st, so the drive's day and the day after share a month): from
 * 19:50, 40 s at 115 km/h (a speeding episode, 15 % over the coach's 100 — the < 20 % band, 6
 * points, a standard deadline; not yet night, RULES §1), then 60 km/h every 55 s (917 m apart: a
 * complete track, RULES §6) to 23:55 — past 4 h of continuous driving (a fatigue violation dated
 * exactly start + 4 h, RULES §2), 1 h 55 min of it at night (under the passengers' 2 h) — then 22
 * min standing (a rest: the violation ends). The standing reports after midnight close the
 * drive's data-quality day (its final row); the detector holds no report (no silence before any).
 */
const planDrive = (): { reports: Report[]; startMs: number; fatigueAtMs: number; midnightMs: number } => {
  let midnightMs = chinaMidnightMs(Date.now() - 30 * MINUTE_MS);
  if (chinaMonthOf(midnightMs) !== chinaMonthOf(midnightMs - 1)) midnightMs -= DAY_MS;
  const startMs = midnightMs - 4 * HOUR_MS - 10 * MINUTE_MS;
  const reports: Report[] = [];
  let distanceM = 25_000; // near 房山, well away from the urban speed zones
  let t = startMs;
  for (let i = 0; i < 5; i++, t += 10_000, distanceM += (115 / 3.6) * 10) reports.push({ deviceTimeMs: t, speedKmh: 115, distanceM });
  t += 45_000;
  for (; t <= startMs + 4 * HOUR_MS + 5 * MINUTE_MS; t += 55_000, distanceM += (60 / 3.6) * 55) reports.push({ deviceTimeMs: t, speedKmh: 60, distanceM });
  const standAtM = reports[reports.length - 1]!.distanceM;
  const lastMovingMs = reports[reports.length - 1]!.deviceTimeMs;
  for (let j = 1; j <= 24; j++) reports.push({ deviceTimeMs: lastMovingMs + j * 55_000, speedKmh: 0, distanceM: standAtM });
  return { reports, startMs, fatigueAtMs: startMs + 4 * HOUR_MS, midnightMs };
};

interface WebhookRequest {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

/** Company A's webhook: a real local HTTP server that answers 204 and keeps every request. */
const startReceiver = async (): Promise<{ url: string; requests: WebhookRequest[]; close(): Promise<void> }> => {
  const requests: WebhookRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ headers: request.headers, rawBody: Buffer.concat(chunks) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/roadwatch-hook`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
};

/** The receiver's own check (not the platform's helper): HMAC-SHA256 over `<timestamp>.<raw body>`, within 5 min of the platform's clock. */
const signatureHolds = (secret: string, { headers, rawBody }: WebhookRequest, clockMs: number): boolean => {
  const timestamp = String(headers['x-roadwatch-timestamp'] ?? '');
  const signature = String(headers['x-roadwatch-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(clockMs / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(
    `sha256=${createHmac('sha256', secret)
      .update(Buffer.concat([Buffer.from(`${timestamp}.`), rawBody]))
      .digest('hex')}`,
  );
  return expected.length === signature.length && timingSafeEqual(expected, Buffer.from(signature));
};

interface HandlingItem {
  alertId: string;
  rule: string;
  level: string | null;
  handlingSeverity: 'severe' | 'standard';
  due: boolean;
  state: string;
  firstNotifiedAtMs: number | null;
  deadlineAtMs: number | null;
  handledAtMs: number | null;
  viewedAtMs: number | null;
}
interface KeyEntry {
  entryId: string;
  subjectKind: string;
  subjectId: string;
  lastTriggerAtMs: number;
  exitedAtMs?: number;
  exitKind?: string;
  reasons: Array<{ code: string; atMs: number; evidence: Array<{ kind: string; id: string }> }>;
}

const api = (platform: RunningPlatform) => {
  const signIn = async (username: string): Promise<string> => {
    const response = await fetch(`${platform.api.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: username }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { token: string }).token;
  };
  // Signed in afresh for every call: the clock jumps by days and weeks.
  const call = async <T>(username: string, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> => {
    const response = await fetch(`${platform.api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${await signIn(username)}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} as ${username}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  /** Completed 重点监管 passes (the platform's /metrics): two more after a clock move = one pass wholly at the new clock. */
  const keyListPasses = async (): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${platform.ops.port}/metrics`)).text();
    return Number(/supervision_key_list_passes_total\{[^}]*outcome="ran"[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  };
  const afterKeyListPass = async (): Promise<void> => {
    const before = await keyListPasses();
    await vi.waitUntil(async () => (await keyListPasses()) >= before + 2, { timeout: 60_000, interval: 200 });
  };
  return { call, afterKeyListPass };
};

/** The loop, driven as users would: TCP terminal, HTTP API, a webhook receiver; the clock moved. */
const runScenario = async (start: (parts: PlatformParts) => Promise<RunningPlatform>, label: string): Promise<void> => {
  const drive = planDrive();
  const month = chinaMonthOf(drive.startMs);
  const nextMonth = monthPeriod(month).endMs;
  // The platform's clock starts a minute after the last report of the drive.
  const clock = new TestClock(drive.reports[drive.reports.length - 1]!.deviceTimeMs + MINUTE_MS);
  const receiver = await startReceiver();
  const platform = await start({
    now: clock.now,
    // Jobs run promptly at the moved clock (production: 30 s, 15 min, 1 min).
    supervision: { HANDLING_ESCALATION_INTERVAL_MS: 200, KEY_SUPERVISION_INTERVAL_MS: 1_000, SCORES_INTERVAL_MS: 300, DELIVERY_POLL_MS: 200 },
  });
  let terminal: TestTerminal | undefined;
  try {
    const { call, afterKeyListPass } = api(platform);

    // 2 (set up first): A's user registers its webhook; the platform issues the signing secret once.
    const route = await call<{ secretIssued?: { secret: string } }>('company1', 'POST', `/v1/delivery/companies/${COMPANY}/routes`, {
      channel: 'webhook',
      target: receiver.url,
    });
    const secret = route.secretIssued?.secret;
    expect(secret).toMatch(/^whsec_/);

    // 1. The coach drives over TCP; each report is acknowledged (stored on the bus) before the next batch.
    terminal = await TestTerminal.connect({ host: '127.0.0.1', port: platform.gateway.port, phone: coach.terminalPhone });
    await terminal.registerAndAuthenticate(coach.facts.plate, coach.facts.plateColour);
    for (let i = 0; i < drive.reports.length; i += 25) {
      const batch = drive.reports.slice(i, i + 25).map(({ deviceTimeMs, speedKmh, distanceM }) => {
        const { position, headingDeg } = pointAlongRoute(coach.routeIndex, distanceM);
        return terminal!.waitForAnswer(terminal!.sendLocation({ ...position, headingDeg, speedKmh, deviceTimeMs }));
      });
      await Promise.all(batch);
    }

    // 2. The webhook receives the fatigue violation, signed with A's secret, keyed alertId:revision.
    const fatigueHook = (): WebhookRequest | undefined =>
      receiver.requests.find((r) => {
        const body = JSON.parse(r.rawBody.toString('utf8')) as { rule: string; level: string };
        return body.rule === 'fatigue_continuous' && body.level === 'violation';
      });
    // On a loaded 2-core CI box the embedded default's one database connection serves the archiver,
    // the detector's reads, the handling and delivery parts and the jobs: 40 s was once not enough.
    // On a timeout, say where the alert stopped (deliveries and attempts as the platform lists them).
    await vi.waitUntil(fatigueHook, { timeout: 100_000, interval: 200 }).catch(async (error: unknown) => {
      const deliveries = await call<unknown>('company1', 'GET', '/v1/delivery/deliveries').catch((e: unknown) => String(e));
      const attempts = await call<unknown>('company1', 'GET', '/v1/delivery/attempts').catch((e: unknown) => String(e));
      const bodies = receiver.requests.map((r) => r.rawBody.toString('utf8').slice(0, 200));
      throw new Error(
        `${label}: no signed fatigue violation at the webhook: ${String(error)}\nreceived: ${JSON.stringify(bodies)}\ndeliveries: ${JSON.stringify(deliveries).slice(0, 4000)}\nattempts: ${JSON.stringify(attempts).slice(0, 4000)}`,
      );
    });
    const hook = fatigueHook()!;
    const hookBody = JSON.parse(hook.rawBody.toString('utf8')) as { kind: string; alertId: string; revision: number; companyId: string; vehicleId: string };
    expect(hookBody).toMatchObject({ kind: 'alert', companyId: COMPANY, vehicleId: coach.facts.vehicleId });
    expect(hook.headers['content-type']).toMatch(/^application\/json/);
    expect(signatureHolds(secret!, hook, clock.now())).toBe(true);
    expect(signatureHolds('whsec_someone-else', hook, clock.now())).toBe(false);
    // One changed byte of the body breaks the signature.
    const tampered = Buffer.from(hook.rawBody);
    const flipAt = tampered.length - 2;
    tampered[flipAt] = tampered[flipAt]! ^ 1;
    expect(signatureHolds(secret!, { ...hook, rawBody: tampered }, clock.now())).toBe(false);
    // The alert id holds the plate (京…): percent-encoded, as an HTTP header must be bytes 0–255.
    expect(hook.headers['idempotency-key']).toBe(`${encodeURIComponent(hookBody.alertId)}:${hookBody.revision}`);
    // Every request the receiver got is signed and verifiable.
    expect(receiver.requests.every((r) => signatureHolds(secret!, r, clock.now()))).toBe(true);

    // 3. A's 待处理 list: the violation (severe, 30 min), the speeding episode (standard, 24 h), the pre-warning (never due).
    const listOfA = async (): Promise<HandlingItem[]> => (await call<{ items: HandlingItem[] }>('company1', 'GET', '/v1/handling?limit=100')).items;
    await vi.waitUntil(async () => (await listOfA()).some((i) => i.rule === 'speeding') && (await listOfA()).some((i) => i.alertId === hookBody.alertId), {
      timeout: 60_000,
      interval: 250,
    });
    const items = await listOfA();
    const fatigue = items.find((i) => i.alertId === hookBody.alertId)!;
    const speeding = items.find((i) => i.rule === 'speeding')!;
    expect(fatigue).toMatchObject({ handlingSeverity: 'severe', due: true, state: 'notified' });
    expect(fatigue.deadlineAtMs).toBe(fatigue.firstNotifiedAtMs! + SEVERE_WINDOW_MS);
    expect(speeding).toMatchObject({ handlingSeverity: 'standard', due: true });
    expect(speeding.deadlineAtMs).toBe(speeding.firstNotifiedAtMs! + STANDARD_WINDOW_MS);
    // Pre-warnings (continuous, night) are listed, never due; the two above are all that is due.
    expect(items.filter((i) => i.level === 'prewarning').every((i) => !i.due && i.deadlineAtMs === null)).toBe(true);
    expect(
      items
        .filter((i) => i.due)
        .map((i) => i.alertId)
        .sort(),
    ).toEqual([fatigue.alertId, speeding.alertId].sort());

    await call('company1', 'POST', `/v1/handling/${encodeURIComponent(fatigue.alertId)}/view`);
    const handled = await call<HandlingItem>('company1', 'POST', `/v1/handling/${encodeURIComponent(fatigue.alertId)}/handle`, {
      measure: 'tts_reminder',
      comment: '已语音提醒驾驶员就近停车休息',
    });
    expect(handled.state).toBe('handled');
    expect(handled.viewedAtMs).not.toBeNull();
    expect(handled.handledAtMs!).toBeLessThanOrEqual(fatigue.deadlineAtMs!);

    // 6 (listing). The coach is on the 重点监管 list, the fatigue violation its reason, dated at its `at`.
    const vehicleEntries = async (state: 'current' | 'history'): Promise<KeyEntry[]> =>
      (
        await call<{ items: KeyEntry[] }>(
          'operator',
          'GET',
          `/v1/key-supervision/entries?state=${state}&subjectKind=vehicle&vehicleId=${encodeURIComponent(coach.facts.vehicleId)}`,
        )
      ).items;
    await vi.waitUntil(async () => (await vehicleEntries('current')).some((e) => e.reasons.some((r) => r.code === 'fatigue')), {
      timeout: 60_000,
      interval: 250,
    });
    const listed = (await vehicleEntries('current'))[0]!;
    const fatigueReason = listed.reasons.find((r) => r.code === 'fatigue')!;
    expect(fatigueReason.atMs).toBe(drive.fatigueAtMs);
    expect(fatigueReason.evidence).toEqual([{ kind: 'alert', id: fatigue.alertId }]);
    const listedNow = await call<{ vehicleIds: string[] }>('company1', 'GET', '/v1/key-supervision/vehicles');
    expect(listedNow.vehicleIds).toContain(coach.facts.vehicleId);

    // 4. The speeding episode is never handled: a minute past its deadline it is on the operator's on-duty board.
    clock.set(speeding.deadlineAtMs! + MINUTE_MS);
    const board = async () => call<{ overdue: HandlingItem[] }>('operator', 'GET', '/v1/handling/duty-board');
    await vi.waitUntil(async () => (await board()).overdue.some((i) => i.alertId === speeding.alertId), { timeout: 60_000, interval: 250 });
    expect((await board()).overdue.map((i) => i.alertId)).not.toContain(fatigue.alertId);

    // 5. The month ends: the scores job scores it at the moved clock.
    clock.set(Math.max(clock.now(), nextMonth + 30 * MINUTE_MS));
    type Score = { totalScore?: number; handlingRatePct?: number; handling?: { numerator: number; denominator: number } };
    const scoresOfA = async (): Promise<Score[]> =>
      (
        await call<{ items: Score[] }>(
          'company1',
          'GET',
          `/v1/assessment/scores?periodKind=month&subjectKind=company&subjectId=${COMPANY}&fromMonth=${month}&toMonth=${month}`,
        )
      ).items;
    await vi.waitUntil(async () => (await scoresOfA()).length === 1, { timeout: 60_000, interval: 300 });
    const [score] = await scoresOfA();
    // 处理率 (RULES §9, §15): due in the month its deadline falls in. The violation's deadline is
    // just after the drive's midnight (+30 min), handled in time → numerator 1, denominator 1. The
    // speeding episode's deadline is 24 h later: in this month unless that day is its last → denominator +1,
    // never handled. So 1 ÷ 2 = 50.00 %, or 1 ÷ 1 = 100.00 %.
    const speedingDueThisMonth = chinaMonthOf(speeding.deadlineAtMs!) === month ? 1 : 0;
    expect(score!.handling).toMatchObject({ numerator: 1, denominator: 1 + speedingDueThisMonth });
    expect(score!.handlingRatePct).toBe(speedingDueThisMonth ? 50 : 100);
    // The score (RULES §10, 2016 enterprise table, §15): one operating coach with a bound terminal,
    // the only vehicle of its region that reported (company-1 is the region's only company).
    //   入网率 1/1 = 100 % → 5 × 1 = 5
    //   上线率 1/1 → 5 × 1 = 5
    //   漂移车辆率 0/1 → 10 − 0 = 10
    //   轨迹完整率: every step ≤ 1 km → 100 % → 15
    //   数据合格率: every record valid → 100 % → 15
    //   超速 E = 1 episode ÷ 1 online = 1, R = the region's 1 ÷ 1 = 1; E ≤ R → 10 + 10 (R − E)/R = 10
    //   疲劳 E = the time over 4 h ÷ 1 = R (the region is this coach) > 0 → 10
    //   查岗响应率: nothing sent → not assessed, full marks 10
    //   total 5 + 5 + 10 + 15 + 15 + 10 + 10 + 10 = 80
    expect(score!.totalScore).toBe(80);

    // 6 (exit). The 运政 list of the next month has the coach 报停 (laid up): its silence there is
    // not "offline". In this month it stays on the list and silent after the drive: the day after
    // midnight counts only if its quality day reached the archive (a snapshot on the detector's
    // own schedule; its final row needs a later day's report), and a run of ≥ 3
    // silent operating days to the month's end is a trigger dated at the end of the run's third
    // day — as the window slides, last dated at the month's last day's end (RULES §10, §15).
    const plate = coach.facts.plate;
    await call(
      'admin',
      'POST',
      `/v1/assessment/operating-vehicles?month=${chinaMonthOf(nextMonth)}`,
      `车牌号,车牌颜色,企业编号,行政区划,车辆类型,营运状态\n${plate},${coach.facts.plateColour},${COMPANY},110000,${coach.facts.vehicleClass},报停\n`,
      'text/csv; charset=utf-8',
    );
    const dayAfterCounted =
      (
        await platform.pool.query('SELECT 1 FROM vehicle_quality_daily WHERE vehicle_id = $1 AND day = $2::date AND valid > 0', [
          coach.facts.vehicleId,
          chinaDateOf(drive.midnightMs),
        ])
      ).rowCount === 1;
    const firstSilentDayMs = drive.midnightMs + (dayAfterCounted ? DAY_MS : 0);
    const silentDaysThisMonth = Math.max(0, Math.round((nextMonth - firstSilentDayMs) / DAY_MS));
    // The job has judged the month's end (the silent run is on the entry) before the clock jumps.
    // Known gap, left to the key-list part: a pass that skips the whole silent run reads only the
    // trailing 30 days and closes the entry at the fatigue + 30 d, never seeing the run.
    await afterKeyListPass();
    // A run of silent days keeps the coach listed while three of them lie in the trailing 30 days:
    // until the month's third-last day, a day fact dated at its end (nextMonth − 2 d), is 30 d old.
    const lastTriggerMs = silentDaysThisMonth >= 3 ? Math.max(drive.fatigueAtMs, nextMonth - 2 * DAY_MS) : drive.fatigueAtMs;
    const exitMs = lastTriggerMs + KEY_LIST_WINDOW_MS;
    clock.set(exitMs + MINUTE_MS);
    await vi.waitUntil(async () => (await vehicleEntries('current')).length === 0, { timeout: 60_000, interval: 250 });
    const history = await vehicleEntries('history');
    const left = history.find((e) => e.reasons.some((r) => r.code === 'fatigue' && r.atMs === drive.fatigueAtMs))!;
    expect(left).toMatchObject({ exitKind: 'quiet_30d', lastTriggerAtMs: lastTriggerMs, exitedAtMs: exitMs });
    const stillListed = await call<{ vehicleIds: string[] }>('company1', 'GET', '/v1/key-supervision/vehicles');
    expect(stillListed.vehicleIds).not.toContain(coach.facts.vehicleId);
    console.info(
      `${label}: ${drive.reports.length} reports, ${receiver.requests.length} webhook requests, 处理率 ${score!.handlingRatePct} %, score ${score!.totalScore}`,
    );
  } finally {
    await terminal?.close();
    await platform.close();
    await receiver.close();
  }
};

const standaloneConfig = (dataDir: string) =>
  loadStandaloneConfig({
    ROADWATCH_DATA_DIR: dataDir,
    ...FREE_PLATFORM_PORTS,
    // The registry holds the fleet of one; the test drives its terminal itself.
    SIM_VEHICLES: '1',
    SIM_DRIVE: 'false',
  });

describe('the supervision loop of issue #14, end to end', () => {
  it('on the embedded default (in-process bus, embedded TimescaleDB)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'roadwatch-loop-'));
    try {
      await runScenario((parts) => startPlatform(standaloneConfig(dataDir), parts), 'embedded');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);

  it('in cluster mode (KafkaBus on the real Kafka, a PostgreSQL schema)', async () => {
    const env = infraEnv();
    const prefix = `${uniqueName('loop')}.`;
    const schema = uniqueName('loop');
    const logger = createLogger('supervision-loop', 'warn');
    const bus = new KafkaBus({ brokers: env.kafkaBrokers.split(','), clientId: 'supervision-loop', topicPrefix: prefix, groupPrefix: prefix, logger });
    const pool = createPool(env.databaseUrl, { schema, max: 6, application: 'supervision-loop' });
    const dataDir = mkdtempSync(join(tmpdir(), 'roadwatch-loop-'));
    try {
      await bus.ensureTopics(Object.values(TOPICS).map((topic: TopicName) => ({ topic, partitions: 2 })));
      await migrate(pool);
      await runScenario((parts) => startPlatform(standaloneConfig(dataDir), { ...parts, bus, pool }), 'cluster');
    } finally {
      await bus.close();
      await dropStorageSchema(pool, schema).catch(() => undefined);
      await pool.end();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
