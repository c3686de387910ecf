import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, type CaseEventV1 } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { CaseRepository, OverloadViolationRepository, type StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import type { RunningApi } from '../src/index';
import { get, logger, NOW, openingEvents, post, seededPool, startTestApi, VEHICLES, violationOf, type TestApi } from './support';

/** The API's clock: Monday 2025-06-16, 10:00 in China. */
const DECISION_DAY = Date.UTC(2025, 5, 16, 2);

describe('api cases on real PostgreSQL: scoping and an enforcement decision', () => {
  const schema = uniqueName('api_cases').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let api: RunningApi;
  let tokens: Record<string, string> = {};
  let testApi: TestApi | undefined;
  const published: CaseEventV1[] = [];
  const caseOf: Record<string, string> = {};

  beforeAll(async () => {
    pool = await seededPool(schema);
    const violations = new OverloadViolationRepository(pool);
    const cases = new CaseRepository(pool);
    for (const v of VEHICLES) {
      const violation = violationOf(v.id, v.plate, v.company, NOW - 3_600_000);
      await violations.insert(violation);
      for (const event of openingEvents(violation, NOW - 3_000_000)) await cases.apply(event);
      caseOf[v.id] = `case:${violation.violationId}`;
    }
    await bus.ensureTopics([{ topic: TOPICS.caseEvents, partitions: 2 }]);
    await bus.subscribe({
      groupId: 'observer',
      topics: [TOPICS.caseEvents],
      fromBeginning: true,
      handleBatch: async (b) => {
        for (const m of b.messages) published.push(m.value);
      },
    });
    testApi = await startTestApi(bus, pool, schema, { now: () => DECISION_DAY });
    ({ api, tokens } = testApi);
  });

  afterAll(async () => {
    await testApi?.close();
  });

  it("a company user sees only its own vehicles' cases; another company's case is 404 by id and absent from the list", async () => {
    const list = await get(api.url, '/v1/cases', tokens['c1']);
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { vehicleId: string }) => c.vehicleId)).toEqual(['V1']);
    expect(list.body.items[0]).toMatchObject({ companyId: 'C1', status: 'opened', excessKg: 8_000, vehicleOwnerFineYuan: 4_000, isBaiDunWang: false });
    expect((await get(api.url, `/v1/cases/${encodeURIComponent(caseOf['V2']!)}`, tokens['c1'])).status).toBe(404);
    expect((await get(api.url, `/v1/cases?companyId=C2`, tokens['c1'])).body.items).toEqual([]);
    const own = await get(api.url, `/v1/cases/${encodeURIComponent(caseOf['V1']!)}`, tokens['c1']);
    expect(own.status).toBe(200);
    expect(own.body.parties).toHaveLength(4);
    expect(own.body.parties.find((p: { party: string }) => p.party === 'driver')).toMatchObject({ identified: false });
    // The basis in Chinese (shown by default) and its English twin, as the case's event recorded them.
    expect(own.body.penalties.find((p: { party: string }) => p.party === 'vehicle_owner')).toMatchObject({
      fineYuan: 4_000,
      basis: expect.stringContaining('超限8000 kg，罚款 8 × 1000 kg'),
      basisEn: expect.stringContaining('excess 8000 kg → 8 started × 1000 kg × ¥500'),
    });
    // A proposal recorded before the English was (no basisEn) reads without one.
    expect(own.body.penalties.find((p: { party: string }) => p.party === 'driver')).not.toHaveProperty('basisEn');
    expect(own.body.reportDeadline).toBeNull();
    expect(own.body.events).toHaveLength(9);
    // A company user may read but not decide; another company's case stays 404.
    expect((await post(api.url, `/v1/cases/${encodeURIComponent(caseOf['V1']!)}/decision`, {}, tokens['c1'])).status).toBe(403);
    expect((await post(api.url, `/v1/cases/${encodeURIComponent(caseOf['V2']!)}/decision`, {}, tokens['c1'])).status).toBe(404);
  });

  it('operators see their region prefix; enforcement and admin see every case; filters narrow the list', async () => {
    const ids = async (user: string, query = '') =>
      (await get(api.url, `/v1/cases${query}`, tokens[user])).body.items.map((c: { vehicleId: string }) => c.vehicleId).sort();
    expect(await ids('op-gz')).toEqual(['V1']);
    expect(await ids('enf')).toEqual(['V1', 'V2', 'V3']);
    expect(await ids('admin')).toEqual(['V1', 'V2', 'V3']);
    expect(await ids('enf', '?plate=%E8%8B%8FA30003')).toEqual(['V3']);
    expect(await ids('enf', '?party=C2')).toEqual(['V2']);
    expect(await ids('enf', '?status=decided')).toEqual([]);
    expect((await get(api.url, '/v1/cases?status=bogus', tokens['enf'])).status).toBe(400);
  });

  it('an enforcement user decides within the legal range; outside it is 400; the decision is a decided event with the 第44条 deadline', async () => {
    const path = `/v1/cases/${encodeURIComponent(caseOf['V2']!)}/decision`;
    const outside = await post(api.url, path, { penalties: [{ party: 'driver', fineYuan: 3_000 }] }, tokens['enf']);
    expect(outside.status).toBe(400);
    expect(outside.body.message).toContain('¥500–¥2000');
    expect((await post(api.url, path, { penalties: [{ party: 'source_unit', fineYuan: 5_000 }] }, tokens['enf'])).status).toBe(400);
    expect((await post(api.url, path, { penalties: [{ party: 'source_unit', fineYuan: 5_000, conduct: 'let_overloaded_leave' }] }, tokens['enf'])).status).toBe(
      400,
    );

    const ok = await post(
      api.url,
      path,
      {
        penalties: [
          { party: 'driver', fineYuan: 800 },
          { party: 'source_unit', fineYuan: 12_000, conduct: 'let_overloaded_leave' },
        ],
        comment: '现场核实',
      },
      tokens['enf'],
    );
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('decided');
    expect(ok.body.penalties.find((p: { party: string }) => p.party === 'driver')).toMatchObject({ status: 'decided', fineYuan: 800, points: 3 });
    expect(ok.body.penalties.find((p: { party: string }) => p.party === 'source_unit')).toMatchObject({ fineYuan: 12_000 });
    // Decided Monday 2025-06-16: 7 working days, the decision day not counted → Wednesday 2025-06-25.
    expect(ok.body.reportDeadline).toEqual({
      decisionDate: '2025-06-16',
      dueDate: '2025-06-25',
      workingDays: 7,
      basis: '决定日2025-06-16起7个工作日 → 应于2025-06-25前抄告车籍地运管机构（超限规定 第44条）',
      basisEn: 'decision 2025-06-16 + 7 working days → report by 2025-06-25 (超限规定 第44条)',
    });
    const decided = ok.body.events.find((e: { type: string }) => e.type === 'decided');
    expect(decided.details).toMatchObject({ decidedBy: 'enf', comment: '现场核实', reportDueDate: '2025-06-25' });

    await new Promise((r) => setTimeout(r, 200));
    expect(published).toEqual([expect.objectContaining({ type: 'decided', caseId: caseOf['V2'], eventId: `${caseOf['V2']}/decided` })]);
    expect((await post(api.url, path, {}, tokens['enf'])).status).toBe(409);
  });

  it('a decided case is reported (抄告) once, then closed with its outcome; out of order is 409, others 403/404', async () => {
    const id = encodeURIComponent(caseOf['V1']!);
    const report = { reportedTo: '河北省沧州市交通运输局', reference: '京治超抄〔2025〕18号' };
    // Not decided yet: neither reported nor closed.
    expect((await post(api.url, `/v1/cases/${id}/report`, report, tokens['enf'])).status).toBe(409);
    expect((await post(api.url, `/v1/cases/${id}/close`, { outcome: 'penalties_executed', comment: '罚款已缴' }, tokens['enf'])).status).toBe(409);
    expect((await post(api.url, `/v1/cases/${id}/decision`, {}, tokens['enf'])).status).toBe(200);
    // Validation names the field; other roles may not act.
    const bad = await post(api.url, `/v1/cases/${id}/report`, { reportedTo: ' ' }, tokens['enf']);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('body.reportedTo');
    expect((await post(api.url, `/v1/cases/${id}/report`, report, tokens['admin'])).status).toBe(403);

    const reported = await post(api.url, `/v1/cases/${id}/report`, report, tokens['enf']);
    expect(reported.status).toBe(200);
    expect(reported.body).toMatchObject({ status: 'reported', reportedAtMs: DECISION_DAY });
    const event = reported.body.events.find((e: { type: string }) => e.type === 'reported');
    // Reported on the decision day: within the 7-working-day deadline.
    expect(event.details).toMatchObject({ reportedBy: 'enf', reportedTo: '河北省沧州市交通运输局', reference: '京治超抄〔2025〕18号', withinDeadline: true });
    expect((await post(api.url, `/v1/cases/${id}/report`, report, tokens['enf'])).status).toBe(409);

    const closed = await post(api.url, `/v1/cases/${id}/close`, { outcome: 'penalties_executed', comment: '四方罚款均已缴纳' }, tokens['enf']);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedAtMs: DECISION_DAY });
    expect((await post(api.url, `/v1/cases/${id}/close`, { outcome: 'revoked', comment: '再次' }, tokens['enf'])).status).toBe(409);
    await new Promise((r) => setTimeout(r, 200));
    expect(published.filter((e) => e.caseId === caseOf['V1']).map((e) => e.type)).toEqual(['decided', 'reported', 'closed']);
    expect((await get(api.url, '/v1/cases?status=closed', tokens['enf'])).body.items.map((c: { caseId: string }) => c.caseId)).toEqual([caseOf['V1']]);
  });

  it('documents the case endpoints in the OpenAPI document', async () => {
    const doc = (await get(api.url, '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/cases', '/v1/cases/{caseId}', '/v1/cases/{caseId}/decision', '/v1/cases/{caseId}/report', '/v1/cases/{caseId}/close']),
    );
    expect(doc.components.schemas.CaseDetail.properties).toHaveProperty('reportDeadline');
  });
});
