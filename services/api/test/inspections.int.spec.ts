import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { LIVE_EVENTS, type InspectionItem } from '@roadwatch/contracts';
import { MINUTE_MS } from '@roadwatch/domain';
import { InProcessBus } from '@roadwatch/messaging';
import { inspectionResponseRate } from '@roadwatch/rules';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { ServiceMetrics } from '@roadwatch/runtime';
import { startApi } from '../src/index';
import { connectLive, dropSchema, env, fieldsOf, get, JWT_SECRET, logger, login, NOW, post, seededPool, startTestApi, USERS, type TestApi } from './support';

/**
 * 查岗 over REST and the live feed on real PostgreSQL (RULES §9, §15). Beside support's C1
 * (广州天河 440106), C2 (深圳 440305) and C3 (南京 320102): C4, another Guangzhou transport company
 * (440104), and S1, a Guangzhou 货运源头单位 (never addressed by "all"). The operator `op-gz`
 * (4401) has C1 and C4 in scope.
 */
describe('查岗 — platform inspections (/v1/inspections)', () => {
  const schema = uniqueName('api_inspections').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;
  /** The API's clock, moved by the tests (late answers). */
  let clockMs = NOW;
  const sockets: Socket[] = [];
  const EXTRA = [
    { username: 'c1b', password: 'c1b-pw', role: 'company' as const, companyId: 'C1' },
    { username: 'c4', password: 'c4-pw', role: 'company' as const, companyId: 'C4' },
    { username: 'op-sz', password: 'op-sz-pw', role: 'operator' as const, regionCode: '4403' },
    { username: 'op-xj', password: 'op-xj-pw', role: 'operator' as const, regionCode: '65' },
  ];

  beforeAll(async () => {
    pool = await seededPool(schema);
    await pool.query(
      `INSERT INTO companies (company_id, name, region_code, kind) VALUES ('C4', '公司C4', '440104', 'transport'), ('S1', '源头S1', '440106', 'source_unit')`,
    );
    testApi = await startTestApi(bus, pool, schema, { now: () => clockMs, seedUsers: [...USERS, ...EXTRA] });
    ({ api, tokens } = testApi);
    for (const u of EXTRA) tokens[u.username] = await login(api.url, u.username, u.password);
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await testApi?.close();
  });

  const live = async (username: string): Promise<{ inspections: InspectionItem[]; answered: InspectionItem[] }> => {
    const socket = await connectLive(api.url, tokens[username]!);
    sockets.push(socket);
    const heard = { inspections: [] as InspectionItem[], answered: [] as InspectionItem[] };
    socket.on(LIVE_EVENTS.inspection, (e: InspectionItem) => heard.inspections.push(e));
    socket.on(LIVE_EVENTS.inspectionAnswered, (e: InspectionItem) => heard.answered.push(e));
    return heard;
  };

  const recipientRows = async (inspectionId: string) =>
    (
      await pool.query<{
        company_id: string;
        sent_at: Date;
        window_ends_at: Date;
        answered_at: Date | null;
        answered_by: string | null;
        answer: string | null;
      }>(
        `SELECT company_id, sent_at, window_ends_at, answered_at, answered_by, answer FROM inspection_recipients WHERE inspection_id = $1 ORDER BY company_id`,
        [inspectionId],
      )
    ).rows;

  it('an operator sends to one company: one recipient row, window = sent + 10 min by default; only that company hears it live, its own row only', async () => {
    clockMs = NOW;
    const [c1, c1b, c4, c2, op] = await Promise.all([live('c1'), live('c1b'), live('c4'), live('c2'), live('op-gz')]);
    const sent = await post(api.url, '/v1/inspections', { question: '请报告当前在岗值班人员姓名', companyIds: ['C1'] }, tokens['op-gz']);
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ question: '请报告当前在岗值班人员姓名', sentBy: 'op-gz', sentAtMs: NOW, windowMinutes: 10, addressing: 'companies' });
    expect(sent.body.recipients).toEqual([{ companyId: 'C1', companyName: '公司C1', windowEndsAtMs: NOW + 10 * MINUTE_MS, status: 'open' }]);
    const rows = await recipientRows(sent.body.inspectionId);
    expect(rows.map((r) => [r.company_id, r.sent_at.getTime(), r.window_ends_at.getTime(), r.answered_at])).toEqual([['C1', NOW, NOW + 10 * MINUTE_MS, null]]);
    await expect.poll(() => c1.inspections.length + c1b.inspections.length).toBe(2);
    expect(c1.inspections[0]).toMatchObject({
      inspectionId: sent.body.inspectionId,
      question: '请报告当前在岗值班人员姓名',
      recipients: [{ companyId: 'C1' }],
    });
    // Nobody else: a later event to C4 arrives first on its socket if a stray one were coming.
    const other = await post(api.url, '/v1/inspections', { question: '第二个', companyIds: ['C4'] }, tokens['op-gz']);
    await expect.poll(() => c4.inspections.length).toBe(1);
    expect(c4.inspections.map((e) => e.inspectionId)).toEqual([other.body.inspectionId]);
    expect(c2.inspections).toEqual([]);
    expect(op.inspections).toEqual([]);
    expect(c1.inspections.map((e) => e.inspectionId)).toEqual([sent.body.inspectionId]);
  });

  it('to several companies, and to all in scope: one row per company addressed, transport companies only, nothing outside the region', async () => {
    clockMs = NOW + 1_000;
    const several = await post(api.url, '/v1/inspections', { question: '多家', companyIds: ['C4', 'C1', 'C1'], windowMinutes: 30 }, tokens['op-gz']);
    expect(several.status).toBe(201);
    expect(several.body.recipients.map((r: { companyId: string; windowEndsAtMs: number }) => [r.companyId, r.windowEndsAtMs])).toEqual([
      ['C1', clockMs + 30 * MINUTE_MS],
      ['C4', clockMs + 30 * MINUTE_MS],
    ]);
    const all = await post(api.url, '/v1/inspections', { question: '全部', addressing: 'all' }, tokens['op-gz']);
    expect(all.status).toBe(201);
    expect((await recipientRows(all.body.inspectionId)).map((r) => r.company_id)).toEqual(['C1', 'C4']);
    const { rows } = await pool.query(`SELECT addressing, sender_region_prefix, window_seconds FROM inspections WHERE inspection_id = $1`, [
      all.body.inspectionId,
    ]);
    expect(rows[0]).toEqual({ addressing: 'all', sender_region_prefix: '4401', window_seconds: 600 });
    const byAdmin = await post(api.url, '/v1/inspections', { question: '全国', addressing: 'all', windowMinutes: 1 }, tokens['admin']);
    expect((await recipientRows(byAdmin.body.inspectionId)).map((r) => r.company_id)).toEqual(['C1', 'C2', 'C3', 'C4']);
  });

  it('a company outside the scope (or unknown) refuses the whole request: 404 naming it, nothing written; bad bodies are 400 naming the field', async () => {
    const count = async () =>
      Number((await pool.query<{ n: string }>(`SELECT (SELECT count(*) FROM inspections) + (SELECT count(*) FROM inspection_recipients) AS n`)).rows[0]!.n);
    const before = await count();
    const mixed = await post(api.url, '/v1/inspections', { question: '越权', companyIds: ['C1', 'C2'] }, tokens['op-gz']);
    expect(mixed.status).toBe(404);
    expect(mixed.body.message).toContain('C2');
    expect(mixed.body.message).not.toContain('C1,');
    expect(fieldsOf(mixed.body)).toEqual(['body.companyIds']);
    const unknown = await post(api.url, '/v1/inspections', { question: '猜', companyIds: ['C9'] }, tokens['op-gz']);
    expect(unknown.status).toBe(404);
    // The same answer for another region's company as for one that does not exist: nothing learnt.
    expect(unknown.body.message.replace('C9', 'X')).toBe(
      (await post(api.url, '/v1/inspections', { question: '猜', companyIds: ['C3'] }, tokens['op-gz'])).body.message.replace('C3', 'X'),
    );
    // A source unit is not addressed, even named; the targets offered are the region's transport companies.
    expect((await post(api.url, '/v1/inspections', { question: '源头', companyIds: ['S1'] }, tokens['op-gz'])).status).toBe(404);
    expect((await get(api.url, '/v1/inspections/targets', tokens['op-gz'])).body.items).toEqual([
      { companyId: 'C1', name: '公司C1', regionCode: '440106' },
      { companyId: 'C4', name: '公司C4', regionCode: '440104' },
    ]);
    expect((await get(api.url, '/v1/inspections/targets', tokens['c1'])).status).toBe(403);
    // A region without any transport company: "all" sends nothing.
    const empty = await post(api.url, '/v1/inspections', { question: '空', addressing: 'all' }, tokens['op-xj']);
    expect(empty.status).toBe(404);
    expect(empty.body.message).toContain('no transport company in your scope');
    for (const [body, field] of [
      [{ question: '', companyIds: ['C1'] }, 'body.question'],
      [{ question: 'q' }, 'body.companyIds'],
      [{ question: 'q', companyIds: [] }, 'body.companyIds'],
      [{ question: 'q', addressing: 'all', companyIds: ['C1'] }, 'body.companyIds'],
      [{ question: 'q', companyIds: ['C1'], windowMinutes: 0 }, 'body.windowMinutes'],
      [{ question: 'q', companyIds: ['C1'], windowMinutes: 24 * 60 + 1 }, 'body.windowMinutes'],
      [{ question: 'q', companyIds: ['C1'], windowMinutes: 2.5 }, 'body.windowMinutes'],
      [{ question: 'a\u0000b', companyIds: ['C1'] }, 'body.question'],
      [{ question: 'q', companyIds: ['C\u0001'] }, 'body.companyIds.0'],
      [{ question: 'x'.repeat(501), companyIds: ['C1'] }, 'body.question'],
    ] as const) {
      const bad = await post(api.url, '/v1/inspections', body, tokens['op-gz']);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(bad.body)).toEqual([field]);
    }
    // A company user sends nothing; enforcement has no 查岗 at all.
    expect((await post(api.url, '/v1/inspections', { question: 'q', companyIds: ['C1'] }, tokens['c1'])).status).toBe(403);
    expect((await get(api.url, '/v1/inspections', tokens['enf'])).status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('a company answers once, in time at the window end exactly; a second answer is 409 and changes nothing; the operator sees who answered and who did not', async () => {
    clockMs = NOW + 2 * MINUTE_MS;
    const op = await live('op-gz');
    const opSz = await live('op-sz');
    const sent = await post(api.url, '/v1/inspections', { question: '请回复', companyIds: ['C1', 'C4'], windowMinutes: 5 }, tokens['op-gz']);
    const id = sent.body.inspectionId as string;
    const windowEndsAtMs = clockMs + 5 * MINUTE_MS;
    // The company sees it listed (open) and by id, its own row only.
    const listed = await get(api.url, '/v1/inspections?state=open', tokens['c1']);
    expect(listed.body.items.find((i: InspectionItem) => i.inspectionId === id).recipients).toEqual([
      { companyId: 'C1', companyName: '公司C1', windowEndsAtMs, status: 'open' },
    ]);
    clockMs = windowEndsAtMs; // the window is inclusive: still open at its very end, past a millisecond later
    expect((await get(api.url, '/v1/inspections?state=open', tokens['op-gz'])).body.items.map((i: InspectionItem) => i.inspectionId)).toContain(id);
    expect((await get(api.url, '/v1/inspections?state=past', tokens['op-gz'])).body.items.map((i: InspectionItem) => i.inspectionId)).not.toContain(id);
    const answered = await post(api.url, `/v1/inspections/${id}/answer`, { answer: '值班员：张三\n电话 138' }, tokens['c1']);
    expect(answered.status).toBe(200);
    expect(answered.body.recipients).toEqual([
      {
        companyId: 'C1',
        companyName: '公司C1',
        windowEndsAtMs,
        status: 'answered',
        answeredAtMs: windowEndsAtMs,
        answeredBy: 'c1',
        answer: '值班员：张三\n电话 138',
      },
    ]);
    // Once: another user of the same company cannot overwrite it.
    clockMs = windowEndsAtMs + 1;
    expect((await get(api.url, '/v1/inspections?state=open', tokens['op-gz'])).body.items.map((i: InspectionItem) => i.inspectionId)).not.toContain(id);
    const again = await post(api.url, `/v1/inspections/${id}/answer`, { answer: '改口' }, tokens['c1b']);
    expect(again.status).toBe(409);
    expect((await recipientRows(id))[0]).toMatchObject({ answered_by: 'c1', answer: '值班员：张三\n电话 138' });
    expect((await recipientRows(id))[0]!.answered_at!.getTime()).toBe(windowEndsAtMs);
    // The operator sees per company who answered, when, and who did not (C4's window has closed).
    const seen = await get(api.url, `/v1/inspections/${id}`, tokens['op-gz']);
    expect(seen.body.recipients.map((r: { companyId: string; status: string; answeredBy?: string }) => [r.companyId, r.status, r.answeredBy])).toEqual([
      ['C1', 'answered', 'c1'],
      ['C4', 'unanswered', undefined],
    ]);
    // The answer reached the region's operator live, not Shenzhen's.
    await expect.poll(() => op.answered.map((e) => e.inspectionId)).toEqual([id]);
    expect(op.answered[0]!.recipients).toMatchObject([{ companyId: 'C1', status: 'answered' }]);
    expect(opSz.answered).toEqual([]);
    // Past now, for C1 and the operator alike.
    expect((await get(api.url, '/v1/inspections?state=past', tokens['op-gz'])).body.items.map((i: InspectionItem) => i.inspectionId)).toContain(id);
    expect((await get(api.url, '/v1/inspections?state=open', tokens['c1'])).body.items.map((i: InspectionItem) => i.inspectionId)).not.toContain(id);
  });

  it('two answers at once (two users of one company): exactly one is recorded, the other is 409', async () => {
    clockMs = NOW + 150_000;
    const sent = await post(api.url, '/v1/inspections', { question: '并发', companyIds: ['C1'] }, tokens['op-gz']);
    const id = sent.body.inspectionId as string;
    const [first, second] = await Promise.all([
      post(api.url, `/v1/inspections/${id}/answer`, { answer: '甲' }, tokens['c1']),
      post(api.url, `/v1/inspections/${id}/answer`, { answer: '乙' }, tokens['c1b']),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const winner = first.status === 200 ? { by: 'c1', answer: '甲' } : { by: 'c1b', answer: '乙' };
    expect((await recipientRows(id))[0]).toMatchObject({ answered_by: winner.by, answer: winner.answer });
  });

  it('an answer after the window is recorded and marked late; it counts against 查岗响应率 like no answer', async () => {
    clockMs = NOW + 3 * MINUTE_MS;
    const sent = await post(api.url, '/v1/inspections', { question: '迟到', companyIds: ['C4'], windowMinutes: 1 }, tokens['admin']);
    const id = sent.body.inspectionId as string;
    clockMs += MINUTE_MS + 1;
    const late = await post(api.url, `/v1/inspections/${id}/answer`, { answer: '刚看到' }, tokens['c4']);
    expect(late.status).toBe(200);
    expect(late.body.recipients).toEqual([expect.objectContaining({ status: 'late', answeredAtMs: clockMs, answer: '刚看到' })]);
    const [row] = await recipientRows(id);
    expect(row!.answered_at!.getTime()).toBe(clockMs);
    // The scores job reads the table and the pure rate: the late answer is not in time.
    const rate = inspectionResponseRate(
      [{ inspectionId: id, companyId: 'C4', windowEndsAtMs: row!.window_ends_at.getTime(), answeredAtMs: row!.answered_at!.getTime() }],
      'C4',
      new Date(row!.window_ends_at.getTime() + 8 * 3_600_000).toISOString().slice(0, 7),
    );
    expect(rate).toMatchObject({ sent: 1, answeredInTime: 0, rate: 0 });
  });

  it('another company can neither read nor answer a 查岗 not addressed to it, by list or by id guessing; operators of another region neither', async () => {
    clockMs = NOW + 4 * MINUTE_MS;
    const sent = await post(api.url, '/v1/inspections', { question: '仅C1', companyIds: ['C1'] }, tokens['op-gz']);
    const id = sent.body.inspectionId as string;
    const notFound = await get(api.url, `/v1/inspections/${id}`, tokens['c2']);
    expect(notFound.status).toBe(404);
    const missing = await get(api.url, `/v1/inspections/no-such-id`, tokens['c2']);
    expect(notFound.body.message.replace(id, 'X')).toBe(missing.body.message.replace('no-such-id', 'X'));
    expect((await get(api.url, `/v1/inspections/${id}`, tokens['op-sz'])).status).toBe(404);
    expect((await get(api.url, '/v1/inspections', tokens['c2'])).body.items.map((i: InspectionItem) => i.inspectionId)).not.toContain(id);
    const answer = await post(api.url, `/v1/inspections/${id}/answer`, { answer: '冒充' }, tokens['c2']);
    expect(answer.status).toBe(404);
    expect((await post(api.url, `/v1/inspections/${encodeURIComponent("' OR 1=1 --")}/answer`, { answer: 'x' }, tokens['c2'])).status).toBe(404);
    expect((await recipientRows(id))[0]).toMatchObject({ company_id: 'C1', answered_at: null, answer: null });
    // The monitoring centre asks; it does not answer for a company.
    expect((await post(api.url, `/v1/inspections/${id}/answer`, { answer: '代答' }, tokens['op-gz'])).status).toBe(403);
    expect((await post(api.url, `/v1/inspections/${id}/answer`, { answer: '代答' }, tokens['admin'])).status).toBe(403);
    // A company sees only its own row of an inspection sent to several companies.
    const several = await post(api.url, '/v1/inspections', { question: '两家', companyIds: ['C1', 'C4'] }, tokens['op-gz']);
    const asC4 = await get(api.url, `/v1/inspections/${several.body.inspectionId}`, tokens['c4']);
    expect(asC4.body.recipients.map((r: { companyId: string }) => r.companyId)).toEqual(['C4']);
    expect(JSON.stringify(asC4.body)).not.toContain('C1');
  });
});

describe('查岗 live across two API instances (the Redis adapter, as in cluster mode)', () => {
  const schema = uniqueName('api_inspections_cluster').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let a: RunningApi;
  let b: RunningApi;
  const tokens: Record<string, string> = {};
  const sockets: Socket[] = [];

  beforeAll(async () => {
    pool = await seededPool(schema);
    const common = { bus, pool, jwtSecret: JWT_SECRET, port: 0, logger, redisUrl: env.redisUrl, redisKeyPrefix: `${schema}:`, liveGroupPrefix: schema };
    a = await startApi({ ...common, instanceId: 'a', metrics: new ServiceMetrics('api-insp-a', { defaultMetrics: false }), seedUsers: USERS });
    b = await startApi({ ...common, instanceId: 'b', metrics: new ServiceMetrics('api-insp-b', { defaultMetrics: false }) });
    for (const u of USERS) tokens[u.username] = await login(a.url, u.username, u.password);
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await a?.close();
    await b?.close();
    await bus.close();
    if (pool) await dropSchema(pool, schema);
  });

  const heard = async (url: string, username: string, event: string): Promise<InspectionItem[]> => {
    const socket = await connectLive(url, tokens[username]!);
    sockets.push(socket);
    const got: InspectionItem[] = [];
    socket.on(event, (e: InspectionItem) => got.push(e));
    return got;
  };

  it("a 查岗 sent on B reaches the company's socket on A; its answer on A reaches the operator's socket on B; other companies hear neither", async () => {
    const c1OnA = await heard(a.url, 'c1', LIVE_EVENTS.inspection);
    const c2OnA = await heard(a.url, 'c2', LIVE_EVENTS.inspection);
    const opOnB = await heard(b.url, 'op-gz', LIVE_EVENTS.inspectionAnswered);
    const c2AnsweredOnB = await heard(b.url, 'c2', LIVE_EVENTS.inspectionAnswered);
    const sent = await post(b.url, '/v1/inspections', { question: '跨实例', companyIds: ['C1'] }, tokens['op-gz']);
    expect(sent.status).toBe(201);
    await expect.poll(() => c1OnA.map((e) => e.inspectionId)).toEqual([sent.body.inspectionId]);
    const answered = await post(a.url, `/v1/inspections/${sent.body.inspectionId}/answer`, { answer: '在岗' }, tokens['c1']);
    expect(answered.status).toBe(200);
    await expect.poll(() => opOnB.map((e) => e.recipients[0]?.status)).toEqual(['answered']);
    expect(c2OnA).toEqual([]);
    expect(c2AnsweredOnB).toEqual([]);
  });
});
