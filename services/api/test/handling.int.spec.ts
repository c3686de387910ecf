import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiRoutes, LIVE_EVENTS, TOPICS, type HandlingChangeV1, type HandlingItem, type HandlingLiveEvent } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { HandlingRepository, handlingItemOf, inTransaction, type HandlingIntake, type StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { connectLive, fieldsOf, get, NOW, post, seededPool, send, startTestApi, type TestApi } from './support';

const MIN = 60_000;
const SEVERE_MS = 30 * MIN;

/**
 * The handling workflow's REST over real HTTP and PostgreSQL (RULES §9, §15): every transition,
 * its refusals, the scope checks (a company never reads nor changes another's item, by id
 * guessing too: 404 as an id that does not exist), the on-duty board, the live pushes.
 * Supervision's part is stood in for by its repository (intake, escalation): services do not
 * import each other.
 */
describe('handling REST: the 待处理 list, view, handle, appeal, decide, the on-duty board', () => {
  const schema = uniqueName('api_handling').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus();
  let pool: StoragePool;
  let t: TestApi;
  let repository: HandlingRepository;
  let nowMs = NOW;
  const sockets: { disconnect(): unknown }[] = [];

  const intake = (alertId: string, vehicleId: string, patch: Partial<HandlingIntake> = {}): Promise<unknown> =>
    repository.intake({
      alertId,
      revision: 0,
      vehicleId,
      rule: 'fatigue_continuous',
      level: 'violation',
      alertSeverity: 'serious',
      summary: `${vehicleId} 疲劳驾驶`,
      summaryEn: `${vehicleId} fatigue`,
      startedAtMs: nowMs - 5 * MIN,
      withdrawn: false,
      handlingSeverity: 'severe',
      due: true,
      notifiedAtMs: nowMs,
      deadlineAtMs: nowMs + SEVERE_MS,
      ...patch,
    });
  const token = (user: string): string => t.tokens[user] as string;
  const actions = async (alertId: string): Promise<string[]> => (await repository.events(alertId)).map((e) => e.action);

  beforeAll(async () => {
    pool = await seededPool(schema);
    repository = new HandlingRepository(pool);
    t = await startTestApi(bus, pool, schema, { now: () => nowMs, tickMs: 100, liveGroupPrefix: schema });
    await intake('H-V1-a', 'V1');
    await intake('H-V1-b', 'V1', { rule: 'speeding', handlingSeverity: 'standard', deadlineAtMs: nowMs + 24 * 60 * MIN });
    await intake('H-V1-pre', 'V1', { level: 'prewarning', due: false, deadlineAtMs: null, handlingSeverity: 'standard' });
    await intake('H-V2-a', 'V2');
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.close();
  });

  it("a company lists its own due items only (pre-warnings with all=true), with counts; another company's are not there", async () => {
    const c1 = await get(t.api.url, '/v1/handling', token('c1'));
    expect(c1.status).toBe(200);
    expect(c1.body.items.map((i: HandlingItem) => i.alertId)).toEqual(['H-V1-a', 'H-V1-b']);
    expect(c1.body.counts).toEqual({ open: 2, overdue: 0, handled: 0, appealsPending: 0 });
    expect(c1.body.items[0]).toMatchObject({ companyId: 'C1', state: 'notified', handlingSeverity: 'severe', deadlineAtMs: NOW + SEVERE_MS, overdue: false });
    const all = await get(t.api.url, '/v1/handling?all=true', token('c1'));
    expect(all.body.items.map((i: HandlingItem) => i.alertId).sort()).toEqual(['H-V1-a', 'H-V1-b', 'H-V1-pre']);
    expect((await get(t.api.url, '/v1/handling?rule=speeding', token('c1'))).body.items.map((i: HandlingItem) => i.alertId)).toEqual(['H-V1-b']);
    expect((await get(t.api.url, '/v1/handling', token('c2'))).body.items.map((i: HandlingItem) => i.alertId)).toEqual(['H-V2-a']);
    // An operator of 4401 (Guangzhou) reads C1's (440106), not C2's (Shenzhen 440305); enforcement may not use it.
    expect((await get(t.api.url, '/v1/handling', token('op-gz'))).body.items.map((i: HandlingItem) => i.alertId)).toEqual(['H-V1-a', 'H-V1-b']);
    expect((await get(t.api.url, '/v1/handling', token('enf'))).status).toBe(403);
    expect((await get(t.api.url, '/v1/handling?state=teleported', token('c1'))).status).toBe(400);
    expect(fieldsOf((await get(t.api.url, '/v1/handling?overdue=maybe', token('c1'))).body)).toEqual(['query.overdue']);
  });

  it("another company's item, guessed by id, is 404 on every route, as one that does not exist; nothing is changed", async () => {
    for (const id of ['H-V1-a', 'NO-SUCH-ITEM']) {
      const answers = [
        await get(t.api.url, `/v1/handling/${id}`, token('c2')),
        await post(t.api.url, `/v1/handling/${id}/view`, {}, token('c2')),
        await post(t.api.url, `/v1/handling/${id}/handle`, { measure: 'phone_call', comment: '已电话提醒' }, token('c2')),
        await post(t.api.url, `/v1/handling/${id}/appeal`, { reason: '设备故障' }, token('c2')),
      ];
      expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
      expect(answers[0]?.body.message).toBe(`handling item ${id} not found`);
    }
    expect(await actions('H-V1-a')).toEqual(['notified']);
    expect((await repository.get('H-V1-a', {}))?.state).toBe('notified');
  });

  it('view marks viewed once (who and when); a second view changes nothing', async () => {
    nowMs = NOW + 2 * MIN;
    const first = await post(t.api.url, '/v1/handling/H-V1-a/view', {}, token('c1'));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'viewed', viewedBy: 'c1', viewedAtMs: NOW + 2 * MIN });
    nowMs = NOW + 3 * MIN;
    const again = await post(t.api.url, '/v1/handling/H-V1-a/view', {}, token('c1'));
    expect(again.body).toMatchObject({ state: 'viewed', viewedAtMs: NOW + 2 * MIN });
    expect(await actions('H-V1-a')).toEqual(['notified', 'viewed']);
    // Operators read but do not take the company's steps.
    expect((await post(t.api.url, '/v1/handling/H-V1-a/view', {}, token('op-gz'))).status).toBe(403);
  });

  it('handle: the measure and comment recorded with its event, pushed live to the company; twice is a 409 with a clear message; a bad measure is a 400 naming it', async () => {
    const c1 = await connectLive(t.api.url, token('c1'));
    const c2 = await connectLive(t.api.url, token('c2'));
    sockets.push(c1, c2);
    const c1Got: HandlingLiveEvent[] = [];
    const c2Got: HandlingLiveEvent[] = [];
    c1.on(LIVE_EVENTS.handling, (e: HandlingLiveEvent) => c1Got.push(e));
    c2.on(LIVE_EVENTS.handling, (e: HandlingLiveEvent) => c2Got.push(e));
    const bad = await post(t.api.url, '/v1/handling/H-V1-a/handle', { measure: 'shouting', comment: '' }, token('c1'));
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['body.comment', 'body.measure']);
    nowMs = NOW + SEVERE_MS; // at the deadline: on time
    const handled = await post(t.api.url, '/v1/handling/H-V1-a/handle', { measure: 'false_alarm', comment: '误报：GPS漂移 ✓' }, token('c1'));
    expect(handled.status).toBe(200);
    expect(handled.body).toMatchObject({
      state: 'handled',
      handledBy: 'c1',
      handledAtMs: NOW + SEVERE_MS,
      measure: 'false_alarm',
      handlingComment: '误报：GPS漂移 ✓',
      overdue: false,
    });
    const twice = await post(t.api.url, '/v1/handling/H-V1-a/handle', { measure: 'phone_call', comment: '再次' }, token('c1'));
    expect(twice.status).toBe(409);
    expect(twice.body.message).toBe('alert H-V1-a: the alert is already handled');
    expect((await repository.get('H-V1-a', {}))?.measure).toBe('false_alarm');
    const detail = await get(t.api.url, '/v1/handling/H-V1-a', token('c1'));
    expect(detail.body.events.map((e: { action: string }) => e.action)).toEqual(['notified', 'viewed', 'handled']);
    expect(detail.body.events[2]).toMatchObject({ actor: 'c1', details: { measure: 'false_alarm', onTime: true } });
    await vi.waitUntil(() => c1Got.some((e) => e.change === 'handled'), { timeout: 10_000, interval: 50 });
    expect(c1Got.find((e) => e.change === 'handled')?.item).toMatchObject({ alertId: 'H-V1-a', state: 'handled' });
    expect(c2Got).toEqual([]);
  });

  it('a new item announced by supervision reaches the company and its region live, never another company', async () => {
    const c1 = await connectLive(t.api.url, token('c1'));
    const c2 = await connectLive(t.api.url, token('c2'));
    const op = await connectLive(t.api.url, token('op-gz'));
    sockets.push(c1, c2, op);
    const got: Record<string, string[]> = { c1: [], c2: [], op: [] };
    c1.on(LIVE_EVENTS.handling, (e: HandlingLiveEvent) => got['c1']?.push(`${e.change}:${e.item.alertId}`));
    c2.on(LIVE_EVENTS.handling, (e: HandlingLiveEvent) => got['c2']?.push(`${e.change}:${e.item.alertId}`));
    op.on(LIVE_EVENTS.handling, (e: HandlingLiveEvent) => got['op']?.push(`${e.change}:${e.item.alertId}`));
    await intake('H-V1-live', 'V1');
    const record = await repository.get('H-V1-live', {});
    const change: HandlingChangeV1 = { v: 1, change: 'notified', item: handlingItemOf(record!, nowMs) };
    await bus.publish(TOPICS.handlingChanges, [{ key: 'C1', value: change }]);
    await vi.waitUntil(() => got['c1']?.length && got['op']?.length, { timeout: 10_000, interval: 50 });
    expect(got).toEqual({ c1: ['notified:H-V1-live'], c2: [], op: ['notified:H-V1-live'] });
  });

  it('appeal in time, then rejected by the region operator: a fresh 30 min window from the rejection, off the board meanwhile; handling is refused while pending', async () => {
    await intake('H-V1-appeal', 'V1'); // deadline nowMs + 30 min
    const filedAt = nowMs + 10 * MIN;
    nowMs = filedAt;
    const appealed = await post(t.api.url, '/v1/handling/H-V1-appeal/appeal', { reason: '司机已换班，设备时钟错误' }, token('c1'));
    expect(appealed.status).toBe(200);
    expect(appealed.body).toMatchObject({ appealState: 'pending', appealFiledBy: 'c1', appealFiledAtMs: filedAt });
    expect((await post(t.api.url, '/v1/handling/H-V1-appeal/appeal', { reason: '再次申诉' }, token('c1'))).status).toBe(409);
    const whilePending = await post(t.api.url, '/v1/handling/H-V1-appeal/handle', { measure: 'education', comment: '教育' }, token('c1'));
    expect(whilePending.status).toBe(409);
    expect(whilePending.body.message).toContain('an appeal is pending');
    // Past the deadline, pending: not overdue, not escalated.
    nowMs = filedAt + 60 * MIN;
    expect((await inTransaction(pool, (tx) => repository.escalateOverdue(tx, nowMs))).map((r) => r.alertId)).not.toContain('H-V1-appeal');
    const board = await get(t.api.url, '/v1/handling/duty-board', token('op-gz'));
    expect(board.body.appeals.map((i: HandlingItem) => i.alertId)).toEqual(['H-V1-appeal']);
    // The company may not decide (403); an operator of another region does not find it (404).
    expect((await post(t.api.url, '/v1/handling/H-V1-appeal/appeal/decision', { decision: 'accepted', comment: '同意' }, token('c1'))).status).toBe(403);
    const decided = await post(t.api.url, '/v1/handling/H-V1-appeal/appeal/decision', { decision: 'rejected', comment: '证据不足' }, token('op-gz'));
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({
      appealState: 'rejected',
      appealDecidedBy: 'op-gz',
      deadlineAtMs: nowMs + SEVERE_MS,
      overdue: false,
      escalatedAtMs: null,
    });
    expect((await post(t.api.url, '/v1/handling/H-V1-appeal/appeal/decision', { decision: 'accepted', comment: '改判' }, token('op-gz'))).status).toBe(409);
    // After the fresh window it is overdue again and escalated.
    nowMs += SEVERE_MS + 1;
    expect((await inTransaction(pool, (tx) => repository.escalateOverdue(tx, nowMs))).map((r) => r.alertId)).toContain('H-V1-appeal');
    expect(await actions('H-V1-appeal')).toEqual(['notified', 'appealed', 'appeal_rejected', 'escalated']);
  });

  it('an appeal filed after the deadline and rejected changes nothing: the item stays overdue; accepted, it leaves the board; the board is the region operators’ and admins’ only', async () => {
    nowMs = NOW + 5 * 60 * MIN;
    await intake('H-V1-late', 'V1');
    await intake('H-V1-accept', 'V1');
    await intake('H-V2-late', 'V2');
    const deadline = nowMs + SEVERE_MS;
    nowMs = deadline + 1;
    expect((await inTransaction(pool, (tx) => repository.escalateOverdue(tx, nowMs))).map((r) => r.alertId).sort()).toEqual([
      'H-V1-accept',
      'H-V1-late',
      'H-V2-late',
    ]);
    const board = async (user: string): Promise<string[]> =>
      ((await get(t.api.url, '/v1/handling/duty-board', token(user))).body.overdue as HandlingItem[]).map((i) => i.alertId).sort();
    expect(await board('op-gz')).toEqual(expect.arrayContaining(['H-V1-accept', 'H-V1-late']));
    expect(await board('op-gz')).not.toContain('H-V2-late');
    expect(await board('admin')).toEqual(expect.arrayContaining(['H-V1-accept', 'H-V1-late', 'H-V2-late']));
    expect((await get(t.api.url, '/v1/handling/duty-board', token('c1'))).status).toBe(403);
    expect((await get(t.api.url, '/v1/handling?overdue=true', token('c1'))).body.counts.overdue).toBeGreaterThanOrEqual(2);

    await post(t.api.url, '/v1/handling/H-V1-late/appeal', { reason: '迟到的申诉' }, token('c1'));
    await post(t.api.url, '/v1/handling/H-V1-accept/appeal', { reason: '确系误报' }, token('c1'));
    expect(await board('op-gz')).not.toContain('H-V1-late'); // pending: off the board
    nowMs += 10 * MIN;
    const rejected = await post(t.api.url, '/v1/handling/H-V1-late/appeal/decision', { decision: 'rejected', comment: '逾期申诉' }, token('op-gz'));
    expect(rejected.body).toMatchObject({ appealState: 'rejected', deadlineAtMs: deadline, overdue: true });
    const accepted = await post(t.api.url, '/v1/handling/H-V1-accept/appeal/decision', { decision: 'accepted', comment: '同意' }, token('op-gz'));
    expect(accepted.body).toMatchObject({ appealState: 'accepted', overdue: false });
    expect(await board('op-gz')).toContain('H-V1-late');
    expect(await board('op-gz')).not.toContain('H-V1-accept');
    // An accepted appeal needs no handling.
    expect((await post(t.api.url, '/v1/handling/H-V1-accept/handle', { measure: 'education', comment: 'x' }, token('c1'))).status).toBe(409);
    // Late handling is still handling: it leaves the board.
    const late = await post(t.api.url, '/v1/handling/H-V1-late/handle', { measure: 'internal_penalty', comment: '罚款200元' }, token('c1'));
    expect(late.body).toMatchObject({ state: 'handled', overdue: false });
    expect(await board('op-gz')).not.toContain('H-V1-late');
  });

  it('there is no delete: no DELETE route in the table, and DELETE answers 404 with the item kept', async () => {
    expect(apiRoutes.filter((r) => r.path.startsWith('/v1/handling') && r.method === 'delete')).toEqual([]);
    expect((await send(t.api.url, 'DELETE', '/v1/handling/H-V1-b', undefined, token('admin'))).status).toBe(404);
    expect(await repository.get('H-V1-b', {})).toBeDefined();
  });
});
