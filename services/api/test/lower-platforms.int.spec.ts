import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import { verifyPassword } from '@roadwatch/runtime';
import { LowerPlatformLinkRepository, LowerPlatformRepository, type StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { alert, fieldsOf, get, insertAlert, logger, NOW, post, seededPool, send, startTestApi, type TestApi } from './support';

const platformBody = (over: Record<string, unknown> = {}) => ({
  name: '公司C1监控平台',
  companyId: 'C1',
  userId: 8_001,
  password: 'pw809',
  allowedSources: ['127.0.0.1', '10.0.0.0/8', '2001:db8::/32'],
  protocolVersion: '2019',
  ...over,
});

/**
 * JT/T 809 lower platforms over real HTTP and PostgreSQL (issue #17): the admin keeps the
 * registry (the password only as its hash, never listed, kept on a replace without one); an
 * operator's 查岗 of a company's platform is the company's 查岗 and is queued for the link; the
 * platform's answer recorded by the gateway answers it; 督办 of an alert; nobody else may.
 */
describe('lower platforms REST (/v1/lower-platforms) on real PostgreSQL', () => {
  const schema = uniqueName('api_jt809');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let testApi: TestApi;
  let url = '';
  let t: Record<string, string> = {};

  beforeAll(async () => {
    pool = await seededPool(schema);
    testApi = await startTestApi(bus, pool, schema, { now: () => NOW, lowerPlatformsOnline: () => [8_001] });
    url = testApi.api.url;
    t = testApi.tokens;
  });
  afterAll(async () => {
    await testApi?.close();
  });

  it('the admin creates a platform; its password is kept as a scrypt hash and never listed; a replace without one keeps it', async () => {
    const created = await send(url, 'PUT', '/v1/lower-platforms/8001', platformBody(), t['admin']);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ accessCode: 8_001, name: '公司C1监控平台', companyId: 'C1', encrypt: false, protocolVersion: '2019', enabled: true });
    expect(JSON.stringify(created.body)).not.toMatch(/pw809|password|scrypt/);
    const stored = await new LowerPlatformRepository(pool).byAccessCode(8_001);
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('pw809', stored!.passwordHash)).toBe(true);
    const replaced = await send(url, 'PUT', '/v1/lower-platforms/8001', platformBody({ password: undefined, enabled: false, name: '改名平台' }), t['admin']);
    expect(replaced.body).toMatchObject({ name: '改名平台', enabled: false });
    expect((await new LowerPlatformRepository(pool).byAccessCode(8_001))?.passwordHash).toBe(stored!.passwordHash);
    const listed = await get(url, '/v1/lower-platforms', t['admin']);
    expect(listed.body.items).toEqual([expect.objectContaining({ accessCode: 8_001, online: true })]);
    expect(JSON.stringify(listed.body)).not.toMatch(/scrypt|m1|ia1/);
    await send(url, 'PUT', '/v1/lower-platforms/8001', platformBody({ password: undefined }), t['admin']);
  });

  it('a replace without M1/IA1/IC1 or the initial key keeps the stored ones (never listed, so an edit form cannot send them back)', async () => {
    const keys = { encryptKey: 0x1234_5678, m1: 10_000_000, ia1: 20_000_000, ic1: 30_000_000 };
    expect((await send(url, 'PUT', '/v1/lower-platforms/8004', platformBody({ ...keys, encrypt: true }), t['admin'])).status).toBe(200);
    const platforms = new LowerPlatformRepository(pool);
    expect(await platforms.byAccessCode(8_004)).toMatchObject(keys);
    const edited = await send(url, 'PUT', '/v1/lower-platforms/8004', platformBody({ password: undefined, encrypt: true, name: '改名' }), t['admin']);
    expect(edited.status).toBe(200);
    expect(await platforms.byAccessCode(8_004)).toMatchObject({ ...keys, encrypt: true, name: '改名' });
    // One key given: that one changes, the others stay.
    await send(url, 'PUT', '/v1/lower-platforms/8004', platformBody({ password: undefined, encrypt: true, m1: 7 }), t['admin']);
    expect(await platforms.byAccessCode(8_004)).toMatchObject({ ...keys, m1: 7 });
    // A new platform without keys: 0, as before.
    await send(url, 'PUT', '/v1/lower-platforms/8005', platformBody(), t['admin']);
    expect(await platforms.byAccessCode(8_005)).toMatchObject({ encryptKey: 0, m1: 0, ia1: 0, ic1: 0 });
    for (const code of [8_004, 8_005]) expect((await send(url, 'DELETE', `/v1/lower-platforms/${code}`, undefined, t['admin'])).status).toBe(204);
  });

  it('refuses bad input naming the field and writes nothing: an address that is none, a code beyond UINT32, a new platform without password, an unknown company', async () => {
    const badAddress = await send(url, 'PUT', '/v1/lower-platforms/8002', platformBody({ allowedSources: ['10.0.0.0/33'] }), t['admin']);
    expect(badAddress.status).toBe(400);
    expect(fieldsOf(badAddress.body)).toEqual(['body.allowedSources.0']);
    expect((await send(url, 'PUT', '/v1/lower-platforms/4294967296', platformBody(), t['admin'])).status).toBe(400);
    const noPassword = await send(url, 'PUT', '/v1/lower-platforms/8002', platformBody({ password: undefined }), t['admin']);
    expect(noPassword.status).toBe(400);
    expect(fieldsOf(noPassword.body)).toEqual(['body.password']);
    expect((await send(url, 'PUT', '/v1/lower-platforms/8002', platformBody({ companyId: 'NOPE' }), t['admin'])).status).toBe(404);
    expect((await get(url, '/v1/lower-platforms', t['admin'])).body.items.map((p: { accessCode: number }) => p.accessCode)).toEqual([8_001]);
  });

  it('only the admin administers; others get 403', async () => {
    for (const user of ['op-gz', 'c1', 'enf']) {
      expect((await get(url, '/v1/lower-platforms', t[user])).status, user).toBe(403);
      expect((await send(url, 'PUT', '/v1/lower-platforms/8003', platformBody(), t[user])).status, user).toBe(403);
    }
  });

  it('an operator’s 查岗 of a company’s platform is the company’s 查岗, queued for the link; the platform’s answer over the link answers it', async () => {
    // op-gz's region 4401 holds C1 (440106): in scope.
    const sent = await post(url, '/v1/lower-platforms/8001/inspections', { question: '请报告在岗人员', windowMinutes: 10 }, t['op-gz']);
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ kind: 'inspection', accessCode: 8_001, infoId: 1, question: '请报告在岗人员', deadlineAtMs: NOW + 600_000 });
    expect(sent.body.inspectionId).toBeDefined();
    // The company sees the 查岗 as any other.
    const seen = await get(url, `/v1/inspections/${sent.body.inspectionId}`, t['c1']);
    expect(seen.body.recipients).toEqual([expect.objectContaining({ companyId: 'C1', status: 'open' })]);
    // What the gateway does on 0x1301.
    await new LowerPlatformLinkRepository(pool).recordAnswer({
      accessCode: 8_001,
      kind: 'inspection',
      infoId: 1,
      answeredAtMs: NOW + 60_000,
      answer: { infoContent: '在岗3人' },
      answerText: '在岗3人',
    });
    const answered = await get(url, `/v1/inspections/${sent.body.inspectionId}`, t['op-gz']);
    expect(answered.body.recipients).toEqual([expect.objectContaining({ companyId: 'C1', status: 'answered', answer: '在岗3人', answeredBy: 'jt809:8001' })]);
    const requests = await get(url, '/v1/lower-platforms/requests?accessCode=8001', t['admin']);
    expect(requests.body.items).toEqual([expect.objectContaining({ requestId: sent.body.requestId, answeredAtMs: NOW + 60_000 })]);
    // A company may not send 查岗; an unknown platform is 404.
    expect((await post(url, '/v1/lower-platforms/8001/inspections', { question: 'x' }, t['c1'])).status).toBe(403);
    expect((await post(url, '/v1/lower-platforms/9999/inspections', { question: 'x' }, t['op-gz'])).status).toBe(404);
  });

  it('督办 of an alert in scope is queued with what 0x9401 carries; an alert outside the scope is 404', async () => {
    await insertAlert(pool, alert('A-809', 'V1', NOW - 60_000));
    await insertAlert(pool, alert('A-OUT', 'V3', NOW - 60_000));
    const sent = await post(url, '/v1/lower-platforms/8001/supervisions', { alertId: 'A-809', level: 0, supervisor: '张三' }, t['op-gz']);
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ kind: 'supervision', alertId: 'A-809', infoId: 2 });
    const queued = (await new LowerPlatformLinkRepository(pool).unsentRequests([8_001])).find((r) => r.kind === 'supervision');
    expect(queued?.detail).toMatchObject({ plate: '粤A10001', plateColour: 2, level: 0, supervisor: '张三', warnAtMs: NOW - 60_000 });
    expect((await post(url, '/v1/lower-platforms/8001/supervisions', { alertId: 'A-OUT' }, t['op-gz'])).status).toBe(404);
  });

  it('lists discovered vehicles and forwarded alarms, and an officer’s review changes the status', async () => {
    const link = new LowerPlatformLinkRepository(pool);
    await link.discoverVehicle({ accessCode: 8_001, plate: '粤A80901', plateColour: 2, seenAtMs: NOW, registration: { terminalId: 'T1' } });
    await link.recordAlarm({
      accessCode: 8_001,
      plate: '粤A80901',
      plateColour: 2,
      warnSrc: 1,
      warnType: 1,
      warnAtMs: NOW,
      infoId: 5,
      infoContent: '超速',
      receivedAtMs: NOW,
    });
    const vehicles = await get(url, '/v1/lower-platforms/vehicles', t['admin']);
    expect(vehicles.body.items).toEqual([expect.objectContaining({ plate: '粤A80901', reviewStatus: 'pending', registration: { terminalId: 'T1' } })]);
    expect(
      (await post(url, '/v1/lower-platforms/vehicles/review', { accessCode: 8_001, plate: '粤A80901', plateColour: 2, decision: 'accepted' }, t['admin']))
        .status,
    ).toBe(204);
    expect((await get(url, '/v1/lower-platforms/vehicles', t['admin'])).body.items[0].reviewStatus).toBe('accepted');
    expect(
      (await post(url, '/v1/lower-platforms/vehicles/review', { accessCode: 8_001, plate: '粤Z0', plateColour: 2, decision: 'accepted' }, t['admin'])).status,
    ).toBe(404);
    expect((await get(url, '/v1/lower-platforms/alarms?accessCode=8001', t['admin'])).body.items).toEqual([
      expect.objectContaining({ warnType: 1, infoContent: '超速' }),
    ]);
  });

  it('splits the data quality by source for the admin: the platform’s forwarded vehicle apart from the 808 rest; a bad range is 400, others 403', async () => {
    // 粤A80901 (discovered above) is no registry vehicle: counted under the platform by its plate's id.
    await pool.query(
      `INSERT INTO vehicle_quality_daily (vehicle_id, day, received, valid, invalid, drift, duplicate, late, track_m, complete_track_m, incomplete_gaps, moved_through_gaps, final, computed_at)
       VALUES ('粤A80901:2', '2026-12-05', 100, 90, 10, 0, 0, 0, 1000, 800, 1, 0, true, now()), ('V1', '2026-12-05', 10, 10, 0, 0, 0, 0, 500, 500, 0, 0, true, now())`,
    );
    const quality = await get(url, '/v1/lower-platforms/quality?fromDate=2026-12-01&toDate=2026-12-06', t['admin']);
    expect(quality.status).toBe(200);
    expect(quality.body.items).toEqual([
      { source: 'jt808', vehicles: 3, onlineVehicles: 1, onlineRate: 1 / 3, trackCompletenessRate: 1, validRate: 1, received: 10 },
      {
        source: '8001',
        platformName: '公司C1监控平台',
        vehicles: 1,
        onlineVehicles: 1,
        onlineRate: 1,
        trackCompletenessRate: 0.8,
        validRate: 0.9,
        received: 100,
      },
    ]);
    expect((await get(url, '/v1/lower-platforms/quality?fromDate=2026-12-06&toDate=2026-11-01', t['admin'])).status).toBe(400);
    expect((await get(url, '/v1/lower-platforms/quality?fromDate=2026-10-01&toDate=2026-12-06', t['admin'])).status).toBe(400);
    expect((await get(url, '/v1/lower-platforms/quality?fromDate=2026-12-01&toDate=2026-12-06', t['op-gz'])).status).toBe(403);
  });

  it('removing a platform removes its requests and vehicles with it', async () => {
    expect((await send(url, 'DELETE', '/v1/lower-platforms/8001', undefined, t['admin'])).status).toBe(204);
    expect((await send(url, 'DELETE', '/v1/lower-platforms/8001', undefined, t['admin'])).status).toBe(404);
    expect((await get(url, '/v1/lower-platforms/requests', t['admin'])).body.items).toEqual([]);
  });
});
