import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import { ServiceMetrics } from '@roadwatch/runtime';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { startApi } from '../src/index';
import { fieldsOf, get, JWT_SECRET, login, logger, post, send, seededPool, startTestApi, type TestApi } from './support';

const STRONG = 'Tianhe-Depot-Night-Shift';
const signIn = (url: string, username: string, password: string) => post(url, '/v1/auth/login', { username, password });

/** User administration and the audit log over real HTTP and PostgreSQL. */
describe('api: user administration, must-change passwords, the audit log', () => {
  const schema = uniqueName('api_users').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let t: TestApi;
  let url: string;
  let admin: string;

  beforeAll(async () => {
    pool = await seededPool(schema);
    t = await startTestApi(bus, pool, schema);
    url = t.api.url;
    admin = t.tokens['admin']!;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('only admins administer users and read the audit log: every other role gets 403, no token 401', async () => {
    for (const role of ['op-gz', 'c1', 'enf']) {
      for (const path of ['/v1/admin/users', '/v1/admin/users/admin', '/v1/admin/users/admin/sign-ins', '/v1/admin/audit', '/v1/admin/audit.csv']) {
        expect((await get(url, path, t.tokens[role])).status, `${role} ${path}`).toBe(403);
      }
      expect((await post(url, '/v1/admin/users', { username: 'x', role: 'admin' }, t.tokens[role])).status).toBe(403);
      expect((await post(url, '/v1/admin/users/c2/disable', {}, t.tokens[role])).status).toBe(403);
    }
    expect((await get(url, '/v1/admin/users')).status).toBe(401);
    const login = await signIn(url, 'admin', 'admin-pw');
    expect(login.body.user.capabilities).toContain('users.admin');
    expect(login.body.user.mustChangePassword).toBe(false);
    expect((await signIn(url, 'c1', 'c1-pw')).body.user.capabilities).not.toContain('users.admin');
  });

  it('creates a user with a one-time password; the user signs in flagged must-change and is refused everywhere but /v1/me until it changes it', async () => {
    const created = await post(url, '/v1/admin/users', { username: 'wang.op', role: 'operator', regionCode: '440106', displayName: '王值班' }, admin);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username: 'wang.op',
      role: 'operator',
      regionCode: '440106',
      displayName: '王值班',
      disabled: false,
      mustChangePassword: true,
    });
    const temporary = created.body.temporaryPassword as string;
    expect(temporary).toMatch(/^[A-Za-z2-9]{16}$/);
    expect((await post(url, '/v1/admin/users', { username: 'wang.op', role: 'admin' }, admin)).status).toBe(409);

    const first = await signIn(url, 'wang.op', temporary);
    expect(first.status).toBe(200);
    expect(first.body.user.mustChangePassword).toBe(true);
    const token = first.body.token as string;
    const refused = await get(url, '/v1/vehicles', token);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/password change required.*\/v1\/me\/password/);
    expect((await get(url, '/v1/alerts', token)).status).toBe(403);
    expect((await get(url, '/v1/me', token)).body).toMatchObject({ username: 'wang.op', mustChangePassword: true });

    // Too weak, the user name, the same password, a wrong current one: 400 naming the field, nothing changed.
    const weak = await post(url, '/v1/me/password', { currentPassword: temporary, newPassword: 'password123' }, token);
    expect(weak.status).toBe(400);
    expect(fieldsOf(weak.body)).toEqual(['body.newPassword']);
    expect(weak.body.message).toMatch(/too easy to guess/);
    expect(fieldsOf((await post(url, '/v1/me/password', { currentPassword: temporary, newPassword: 'short' }, token)).body)).toEqual(['body.newPassword']);
    expect((await post(url, '/v1/me/password', { currentPassword: temporary, newPassword: 'WANG.OP' }, token)).status).toBe(400);
    const wrong = await post(url, '/v1/me/password', { currentPassword: 'not-it-at-all', newPassword: STRONG }, token);
    expect(wrong.status).toBe(400);
    expect(fieldsOf(wrong.body)).toEqual(['body.currentPassword']);
    expect((await get(url, '/v1/me', token)).status).toBe(200);

    const changed = await post(url, '/v1/me/password', { currentPassword: temporary, newPassword: STRONG }, token);
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ username: 'wang.op', mustChangePassword: false, regionCode: '440106' });
    expect((await get(url, '/v1/vehicles', changed.body.token)).status).toBe(200);
    // The must-change token is over; the temporary password too.
    expect((await get(url, '/v1/me', token)).status).toBe(401);
    expect((await signIn(url, 'wang.op', temporary)).status).toBe(401);
    expect((await signIn(url, 'wang.op', STRONG)).body.user.mustChangePassword).toBe(false);
  });

  it('400s name each bad field: role and company go together, regions are division codes, text has no control characters', async () => {
    const bad = await post(url, '/v1/admin/users', { username: ' bad name', role: 'company', regionCode: '44%', displayName: 'a\u202Eb' }, admin);
    expect(bad.status).toBe(400);
    expect([...new Set(fieldsOf(bad.body))]).toEqual(['body.companyId', 'body.displayName', 'body.regionCode', 'body.username']);
    expect(fieldsOf((await post(url, '/v1/admin/users', { username: 'op2', role: 'operator', companyId: 'C1' }, admin)).body)).toEqual(['body.companyId']);
    expect(fieldsOf((await post(url, '/v1/admin/users', { username: 'c9', role: 'company', companyId: 'NOPE' }, admin)).body)).toEqual(['body.companyId']);
    expect(fieldsOf((await post(url, '/v1/admin/users', { username: 'c9', role: 'company', companyId: 'C1', password: 'qwertyuiop' }, admin)).body)).toEqual([
      'body.password',
    ]);
    expect((await get(url, '/v1/admin/users/c9', admin)).status).toBe(404);
    expect(fieldsOf((await get(url, '/v1/admin/audit?action=nope&limit=0', admin)).body)).toEqual(['query.action', 'query.limit']);
    expect(fieldsOf((await get(url, '/v1/admin/audit.csv?fromMs=10&toMs=5', admin)).body)).toEqual(['query.toMs']);
  });

  it('edits, disables, enables and resets; each lands in the audit log with actor, address and before/after, never a password', async () => {
    const created = await post(url, '/v1/admin/users', { username: 'li.c1', role: 'company', companyId: 'C1', password: STRONG }, admin);
    expect(created.status).toBe(201);
    expect(created.body.temporaryPassword).toBeUndefined();

    const edited = await send(url, 'PUT', '/v1/admin/users/li.c1', { role: 'company', companyId: 'C2', displayName: '李调度' }, admin);
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ companyId: 'C2', displayName: '李调度' });
    expect((await send(url, 'PUT', '/v1/admin/users/nobody', { role: 'admin' }, admin)).status).toBe(404);
    expect((await post(url, '/v1/admin/users/li.c1/disable', {}, admin)).body.disabled).toBe(true);
    expect((await signIn(url, 'li.c1', STRONG)).status).toBe(401);
    expect((await post(url, '/v1/admin/users/li.c1/enable', {}, admin)).body.disabled).toBe(false);
    expect((await post(url, '/v1/admin/users/admin/disable', {}, admin)).status).toBe(409);

    const given = await post(url, '/v1/admin/users/li.c1/reset-password', { password: 'Another-Strong-Passphrase' }, admin);
    expect(given.body).toEqual({ username: 'li.c1', mustChangePassword: true });
    const reset = await post(url, '/v1/admin/users/li.c1/reset-password', {}, admin);
    expect(reset.status).toBe(200);
    expect(reset.body.temporaryPassword).toMatch(/^[A-Za-z2-9]{16}$/);
    expect((await signIn(url, 'li.c1', 'Another-Strong-Passphrase')).status).toBe(401);
    expect((await signIn(url, 'li.c1', reset.body.temporaryPassword)).body.user.mustChangePassword).toBe(true);
    expect((await get(url, '/v1/admin/users/li.c1', admin)).body).toMatchObject({ mustChangePassword: true, companyId: 'C2' });

    const log = await get(url, '/v1/admin/audit?target=li.c1&limit=50', admin);
    expect(log.status).toBe(200);
    const actions = (log.body.items as Array<{ action: string }>).map((i) => i.action);
    // Newest first.
    expect(actions).toEqual([
      'auth.sign_in',
      'auth.sign_in',
      'user.reset_password',
      'user.reset_password',
      'user.enable',
      'auth.sign_in',
      'user.disable',
      'user.update',
      'user.create',
    ]);
    const update = log.body.items.find((i: { action: string }) => i.action === 'user.update');
    expect(update).toMatchObject({
      actor: 'admin',
      target: 'li.c1',
      outcome: 'success',
      changes: { companyId: { before: 'C1', after: 'C2' }, displayName: { after: '李调度' } },
    });
    expect(update.clientAddress).toMatch(/127\.0\.0\.1/);
    expect(update.changes.role).toBeUndefined();
    expect(log.body.items.find((i: { action: string }) => i.action === 'user.disable').changes).toEqual({ disabled: { before: false, after: true } });
    const disabledSignIn = log.body.items.filter((i: { action: string }) => i.action === 'auth.sign_in')[2];
    expect(disabledSignIn).toMatchObject({ outcome: 'failure', reason: 'disabled' });
    // No password, no hash, anywhere in the log.
    const everything = JSON.stringify((await get(url, '/v1/admin/audit?limit=1000', admin)).body);
    expect(everything).not.toMatch(/scrypt\$|Another-Strong|Tianhe-Depot|password_hash/);
    expect(everything).not.toContain(reset.body.temporaryPassword);

    const filtered = await get(url, `/v1/admin/audit?actor=admin&action=user.disable`, admin);
    expect(filtered.body.items.map((i: { target: string }) => i.target)).toEqual(['li.c1']);
    const paged = await get(url, '/v1/admin/audit?target=li.c1&limit=2&offset=1', admin);
    expect(paged.body.items.map((i: { action: string }) => i.action)).toEqual(['auth.sign_in', 'user.reset_password']);
  });

  it("every sign-in lands in the log, success or failure with its reason and address; admins list a user's sign-ins", async () => {
    await signIn(url, 'c2', 'wrong-password');
    await signIn(url, 'c2', 'c2-pw');
    await signIn(url, 'ghost', 'whatever');
    const signIns = await get(url, '/v1/admin/users/c2/sign-ins', admin);
    expect(signIns.status).toBe(200);
    const [latest, failed] = signIns.body.items;
    expect(latest).toMatchObject({ action: 'auth.sign_in', actor: 'c2', target: 'c2', outcome: 'success' });
    expect(failed).toMatchObject({ outcome: 'failure', reason: 'wrong_password' });
    expect(failed.clientAddress).toMatch(/127\.0\.0\.1/);
    // Every answer to a failure is the same; only the log tells the reasons apart.
    const ghost = await get(url, '/v1/admin/audit?actor=ghost', admin);
    expect(ghost.body.items[0]).toMatchObject({ outcome: 'failure', reason: 'unknown_user' });
    expect((await get(url, '/v1/admin/users/c2', admin)).body.lastSignInAtMs).toBeGreaterThan(Date.now() - 60_000);
  });

  it('exports the filtered log as CSV (UTF-8 with BOM, RFC 4180 quoting, formulas defused); the export is itself audited', async () => {
    const fromMs = Date.now() - 1;
    await post(url, '/v1/admin/users', { username: 'zhao', role: 'enforcement', displayName: '赵 "老" 王' }, admin);
    // A user name typed at the sign-in form is free text: the log keeps it, the CSV must not run it.
    await signIn(url, '=SUM(1,2)', 'whatever');
    const response = await fetch(`${url}/v1/admin/audit.csv?fromMs=${fromMs}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="audit-log.csv"/);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text[0]).toBe('\uFEFF');
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe('auditId,at,actor,action,target,outcome,reason,clientAddress,changes');
    expect(lines).toHaveLength(4);
    // Oldest first; the JSON of the changes quoted with doubled quotes.
    expect(lines[1]).toMatch(
      /^\d+,\d{4}-\d\d-\d\dT[^,]+Z,admin,user\.create,zhao,success,,[^,]*127\.0\.0\.1,"\{.*""displayName"":\{""after"":""赵 \\""老\\"" 王""\}.*\}"$/,
    );
    expect(lines[2]).toMatch(/^\d+,[^,]+Z,"'=SUM\(1,2\)",auth\.sign_in,"'=SUM\(1,2\)",failure,unknown_user,[^,]*127\.0\.0\.1,$/);
    expect(lines[3]).toBe('');
    const exports = await get(url, '/v1/admin/audit?action=audit.export', admin);
    expect(exports.body.items[0]).toMatchObject({ actor: 'admin', outcome: 'success', changes: { filters: { after: { fromMs } } } });
  });

  it('registry administration lands in the audit log too: who, what, which record, the fields before and after', async () => {
    expect((await send(url, 'PUT', '/v1/admin/companies/C3', { companyId: 'C3', name: '南京玄武货运', regionCode: '320102' }, admin)).status).toBe(200);
    expect((await post(url, '/v1/admin/drivers', { driverId: 'D-AUDIT', name: '钱师傅', companyId: 'C3' }, admin)).status).toBe(201);
    expect((await send(url, 'DELETE', '/v1/admin/drivers/D-AUDIT', undefined, admin)).status).toBe(204);
    const log = (await get(url, '/v1/admin/audit?actor=admin&limit=3', admin)).body.items;
    expect(log.map((i: { action: string; target: string }) => `${i.action} ${i.target}`)).toEqual([
      'registry.delete drivers/D-AUDIT',
      'registry.create drivers/D-AUDIT',
      'registry.update companies/C3',
    ]);
    expect(log[2].changes).toEqual({ name: { before: '公司C3', after: '南京玄武货运' } });
    expect(log[1].changes).toMatchObject({ name: { after: '钱师傅' }, companyId: { after: 'C3' } });
    expect(log[0].changes).toMatchObject({ name: { before: '钱师傅' } });
    expect(log[0].clientAddress).toMatch(/127\.0\.0\.1/);
  });

  it("documents the user, audit and password routes in /openapi.json from the contracts' schemas", async () => {
    const doc = (await get(url, '/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/me',
        '/v1/me/password',
        '/v1/admin/users',
        '/v1/admin/users/{username}',
        '/v1/admin/users/{username}/disable',
        '/v1/admin/users/{username}/enable',
        '/v1/admin/users/{username}/reset-password',
        '/v1/admin/users/{username}/sign-ins',
        '/v1/admin/audit',
        '/v1/admin/audit.csv',
      ]),
    );
    expect(doc.components.schemas.CreateUserRequest.required).toEqual(expect.arrayContaining(['username', 'role']));
    expect(doc.components.schemas.ChangePasswordRequest.properties.newPassword.minLength).toBe(10);
    expect(Object.keys(doc.components.schemas.AuditEntry.properties)).toEqual(
      expect.arrayContaining(['actor', 'action', 'target', 'outcome', 'reason', 'clientAddress', 'changes']),
    );
    expect(doc.paths['/v1/admin/audit'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['actor', 'action', 'fromMs', 'toMs', 'limit', 'offset']),
    );
    // The signed-in user of /v1/me and of the sign-in answer says whether the password must change.
    expect(doc.components.schemas.User.required).toContain('mustChangePassword');
    expect(doc.components.schemas.LoginResponse.properties.user.$ref).toMatch(/^#\/components\/schemas\/User(Output)?$/);
    expect(Object.keys(doc.paths['/v1/admin/audit.csv'].get.responses['200'].content)).toEqual(['text/csv']);
    expect(Object.keys(doc.paths['/v1/admin/users/{username}/disable'].post.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404', '409']));
  });

  it('the audit log is append-only: UPDATE, DELETE of a recent row and TRUNCATE are refused by the database', async () => {
    await expect(pool.query(`UPDATE audit_log SET actor = 'someone-else'`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`DELETE FROM audit_log`)).rejects.toThrow(/kept 3 years/);
    await expect(pool.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    expect(Number((await pool.query(`SELECT count(*) FROM audit_log`)).rows[0].count)).toBeGreaterThan(10);
  });

  it('API_BOOTSTRAP_ADMIN creates the first admin flagged must-change, and a restart with it never resets the password', async () => {
    const start = (password: string) =>
      startApi({
        bus,
        pool,
        jwtSecret: JWT_SECRET,
        port: 0,
        logger,
        metrics: new ServiceMetrics(`api-boot-${password.length}`, { defaultMetrics: false }),
        bootstrapAdmin: { username: 'root-admin', password },
      });
    const first = await start('first:boot-pass');
    const signedIn = await signIn(first.url, 'root-admin', 'first:boot-pass');
    expect(signedIn.body.user).toMatchObject({ role: 'admin', mustChangePassword: true });
    const changed = await post(first.url, '/v1/me/password', { currentPassword: 'first:boot-pass', newPassword: STRONG }, signedIn.body.token);
    expect(changed.status).toBe(200);
    await first.close();
    const again = await start('second-boot-pass');
    expect((await signIn(again.url, 'root-admin', 'second-boot-pass')).status).toBe(401);
    expect(await login(again.url, 'root-admin', STRONG)).toBeTypeOf('string');
    await again.close();
    const boots = await get(url, '/v1/admin/audit?action=user.bootstrap', admin);
    expect(boots.body.items).toHaveLength(1);
    expect(boots.body.items[0]).toMatchObject({ actor: 'system', target: 'root-admin' });
  });
});
