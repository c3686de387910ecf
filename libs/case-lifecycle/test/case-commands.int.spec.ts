import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, type CaseDecisionRequest } from '@roadwatch/contracts';
import { DEFAULT_OVERLOAD_CONFIG, DEFAULT_PENALTY_CONFIG } from '@roadwatch/rules';
import { createPool, dropStorageSchema, migrate, RegistryRepository, type StoragePool, type VehicleRecord } from '@roadwatch/storage';
import { infraEnv, overloadViolationOf, uniqueName } from '@roadwatch/testing';
import { CaseCommandError, CaseProposer, CaseUnitOfWork, CloseCaseUseCase, DecideCaseUseCase, OpenCaseUseCase, ReportCaseUseCase } from '../src/index';

const env = infraEnv();
const NOW = Date.UTC(2025, 5, 16, 2, 0, 0); // Monday 10:00 in China

describe('case commands on real PostgreSQL: each change commits with its cases.events outbox row; a refusal is typed and writes nothing', () => {
  const schema = uniqueName('case_commands').replace(/[^a-z0-9_]/g, '_');
  let pool: StoragePool;
  let commits = 0;
  let open: OpenCaseUseCase;
  let decide: DecideCaseUseCase;
  let report: ReportCaseUseCase;
  let close: CloseCaseUseCase;
  const truck: VehicleRecord = {
    vehicleId: '冀A55555:2',
    plate: '冀A55555',
    plateColour: 2,
    vehicleClass: 'heavy_truck',
    companyId: 'HB1',
    regionCode: '130102',
    axleCount: 6,
    isCombination: true,
  };

  /** What the outbox holds for cases.events, in order. */
  const outbox = async (): Promise<string[]> =>
    (await pool.query(`SELECT payload->>'eventId' AS event_id FROM outbox WHERE topic = $1 ORDER BY outbox.id`, [TOPICS.caseEvents])).rows.map(
      (r) => r.event_id as string,
    );
  const refusal = (promise: Promise<unknown>): Promise<CaseCommandError> =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(CaseCommandError);
        return error as CaseCommandError;
      },
    );

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 4, application: 'case-commands-test' });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'HB1', name: '河北某运输有限公司', regionCode: '130102' });
    await registry.upsertVehicle(truck);
    const unitOfWork = new CaseUnitOfWork(pool, () => void (commits += 1));
    open = new OpenCaseUseCase(
      unitOfWork,
      new CaseProposer({ penaltyConfig: DEFAULT_PENALTY_CONFIG, overloadConfig: DEFAULT_OVERLOAD_CONFIG, stationSourceSites: {} }),
    );
    decide = new DecideCaseUseCase(unitOfWork, DEFAULT_PENALTY_CONFIG);
    report = new ReportCaseUseCase(unitOfWork, DEFAULT_PENALTY_CONFIG);
    close = new CloseCaseUseCase(unitOfWork);
  });

  afterAll(async () => {
    if (pool) {
      await dropStorageSchema(pool, schema);
      await pool.end();
    }
  });

  it('opens, refuses out-of-range, out-of-order and unknown commands without a row, decides once of two at the same time, reports and closes', async () => {
    // 60,000 kg on 6 axles, class 5: confirmed 57,000, 8,000 kg over → ¥4,000; driver ¥200–500.
    const v = overloadViolationOf({ stationId: 'ST-C', recordId: 'c1', plate: truck.plate, measuredAtMs: NOW - 3_600_000, grossKg: 60_000, vehicle: truck });
    const opened = await open.execute({ violation: v, nowMs: NOW - 3_000_000 });
    expect(opened.opened).toBe(true);
    const caseId = opened.caseId;
    expect(await outbox()).toEqual(opened.events.map((e) => e.eventId));
    expect(commits).toBe(1);
    const afterOpening = await outbox();

    const tooHigh: CaseDecisionRequest = { penalties: [{ party: 'driver', fineYuan: 501 }] };
    const outside = await refusal(decide.execute({ caseId, actor: 'officer1', request: tooHigh, nowMs: NOW }));
    expect(outside).toMatchObject({ kind: 'invalid', message: 'body.penalties.0.fineYuan: ¥501 is outside the legal range ¥200–¥500 for driver' });
    const noConduct = await refusal(decide.execute({ caseId, actor: 'officer1', request: { penalties: [{ party: 'source_unit', fineYuan: 0 }] }, nowMs: NOW }));
    expect(noConduct.kind).toBe('invalid');
    expect(noConduct.message).toMatch(/^body\.penalties\.0\.conduct: name the conduct established/);
    expect(await refusal(report.execute({ caseId, actor: 'officer1', request: { reportedTo: '河北省交通运输厅' }, nowMs: NOW }))).toMatchObject({
      kind: 'wrong_state',
      message: `case ${caseId} is opened; only a decided case is reported`,
    });
    expect(await refusal(close.execute({ caseId, actor: 'officer1', request: { outcome: 'revoked', comment: '撤销' }, nowMs: NOW }))).toMatchObject({
      kind: 'wrong_state',
    });
    expect(await refusal(decide.execute({ caseId: 'case:nope', actor: 'officer1', request: { penalties: [] }, nowMs: NOW }))).toMatchObject({
      kind: 'not_found',
      message: 'case case:nope not found',
    });
    // Nothing written by a refusal: no event, no outbox row, the case still opened.
    expect(await outbox()).toEqual(afterOpening);
    expect((await pool.query(`SELECT status FROM cases WHERE case_id = $1`, [caseId])).rows).toEqual([{ status: 'opened' }]);

    // Two officers at once: one decides, the other is told the case is no longer open.
    const both = await Promise.allSettled([
      decide.execute({ caseId, actor: 'officer1', request: { penalties: [{ party: 'driver', fineYuan: 300 }] }, nowMs: NOW }),
      decide.execute({ caseId, actor: 'officer2', request: { penalties: [{ party: 'driver', fineYuan: 400 }] }, nowMs: NOW + 1 }),
    ]);
    const won = both.filter((r) => r.status === 'fulfilled');
    const lost = both.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(CaseCommandError);
    expect((lost[0]!.reason as CaseCommandError).kind).toBe('wrong_state');
    expect(await outbox()).toEqual([...afterOpening, `${caseId}/decided`]);
    const decidedFine = (await pool.query(`SELECT fine_yuan FROM case_penalties WHERE case_id = $1 AND party = 'driver'`, [caseId])).rows[0].fine_yuan;
    const winner = (won[0] as PromiseFulfilledResult<{ details: Record<string, unknown> }>).value.details['decidedBy'];
    expect(decidedFine).toBe(winner === 'officer1' ? 300 : 400);

    const reported = await report.execute({ caseId, actor: 'officer1', request: { reportedTo: '河北省交通运输厅' }, nowMs: NOW + 86_400_000 });
    expect(reported.details).toMatchObject({ reportedBy: 'officer1', reportedTo: '河北省交通运输厅', withinDeadline: true });
    expect(await refusal(report.execute({ caseId, actor: 'officer1', request: { reportedTo: '河北省交通运输厅' }, nowMs: NOW + 86_400_000 }))).toMatchObject({
      kind: 'wrong_state',
    });
    await close.execute({ caseId, actor: 'officer1', request: { outcome: 'penalties_executed', comment: '已执行' }, nowMs: NOW + 2 * 86_400_000 });
    expect(await outbox()).toEqual([...afterOpening, `${caseId}/decided`, `${caseId}/reported`, `${caseId}/closed`]);
    expect((await pool.query(`SELECT status FROM cases WHERE case_id = $1`, [caseId])).rows).toEqual([{ status: 'closed' }]);
  });

  it('a redelivered violation opens no second case: its stored events are queued again unchanged', async () => {
    const v = overloadViolationOf({ stationId: 'ST-C', recordId: 'c2', plate: truck.plate, measuredAtMs: NOW - 7_200_000, grossKg: 60_000, vehicle: truck });
    const first = await open.execute({ violation: v, nowMs: NOW });
    const again = await open.execute({ violation: v, nowMs: NOW + 60_000 });
    expect(again.opened).toBe(false);
    expect(again.events).toEqual(first.events);
    expect((await pool.query(`SELECT count(*)::int AS n FROM case_events WHERE case_id = $1`, [first.caseId])).rows[0].n).toBe(9);
  });
});
