import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Socket } from 'socket.io-client';
import { LIVE_EVENTS, TOPICS, type SessionEnded } from '@roadwatch/contracts';
import { InProcessBus } from '@roadwatch/messaging';
import { ServiceMetrics } from '@roadwatch/runtime';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { startApi, type ApiOptions, type RunningApi } from '../src/index';
import { connectLive, dropSchema, env, get, JWT_SECRET, login, logger, post, send, seededPool, USERS } from './support';

/** The session bound under test: a change must reach every instance's REST and sockets within it. */
const BOUND_MS = 2_000;

interface Watched {
  socket: Socket;
  ended: SessionEnded[];
  disconnectedAtMs?: number;
}

const watch = async (api: RunningApi, token: string): Promise<Watched> => {
  const socket = await connectLive(api.url, token);
  const watched: Watched = { socket, ended: [] };
  socket.on(LIVE_EVENTS.sessionEnded, (event: SessionEnded) => watched.ended.push(event));
  socket.on('disconnect', () => (watched.disconnectedAtMs = Date.now()));
  return watched;
};

/** How long a request took to start answering `status`. */
const msUntilStatus = async (request: () => Promise<{ status: number }>, status: number, timeoutMs: number): Promise<number> => {
  const startedMs = Date.now();
  await vi.waitUntil(async () => (await request()).status === status, { timeout: timeoutMs, interval: 50, message: `no ${status} within ${timeoutMs} ms` });
  return Date.now() - startedMs;
};

/**
 * Sessions end with their users (issue #11, item 2), over real HTTP and socket.io, two API
 * instances sharing PostgreSQL and the Redis adapter, with a 2 s bound.
 */
describe('api sessions: disabling, re-scoping, resetting or deleting a user ends its tokens and sockets on every instance within the bound', () => {
  const schema = uniqueName('api_sessions').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let a: RunningApi;
  let b: RunningApi;
  const started: RunningApi[] = [];
  const sockets: Socket[] = [];
  let admin: string;

  const start = async (name: string, options: Partial<ApiOptions> = {}): Promise<RunningApi> => {
    const api = await startApi({
      bus,
      pool,
      jwtSecret: JWT_SECRET,
      port: 0,
      logger,
      redisUrl: env.redisUrl,
      redisKeyPrefix: `${schema}:`,
      tickMs: 200,
      liveGroupPrefix: schema,
      instanceId: name,
      metrics: new ServiceMetrics(`api-${name}`, { defaultMetrics: false }),
      sessionBoundMs: BOUND_MS,
      ...options,
    });
    started.push(api);
    return api;
  };
  const open = async (api: RunningApi, token: string): Promise<Watched> => {
    const watched = await watch(api, token);
    sockets.push(watched.socket);
    return watched;
  };
  const addUser = async (username: string, fields: Record<string, unknown>): Promise<string> => {
    const password = `${username}-Night-Shift-Depot`;
    expect((await post(a.url, '/v1/admin/users', { username, password, ...fields }, admin)).status).toBe(201);
    const first = await post(a.url, '/v1/auth/login', { username, password });
    const changed = await post(a.url, '/v1/me/password', { currentPassword: password, newPassword: `${password}-2` }, first.body.token);
    expect(changed.status).toBe(200);
    return changed.body.token as string;
  };

  beforeAll(async () => {
    pool = await seededPool(schema);
    await bus.ensureTopics([
      { topic: TOPICS.positions, partitions: 2 },
      { topic: TOPICS.alerts, partitions: 2 },
    ]);
    a = await start('a', { seedUsers: USERS });
    b = await start('b');
    admin = await login(a.url, 'admin', 'admin-pw');
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    for (const api of started) await api.close();
    await bus.close();
    if (pool) await dropSchema(pool, schema);
  });

  it('disabling a user on A: 401 at once on A, within the bound on B; its sockets on both instances end within the bound', async () => {
    const token = await addUser('zhou', { role: 'company', companyId: 'C1' });
    // Both instances have the session cached as good.
    expect((await get(a.url, '/v1/vehicles', token)).status).toBe(200);
    expect((await get(b.url, '/v1/vehicles', token)).status).toBe(200);
    const onA = await open(a, token);
    const onB = await open(b, token);
    const other = await open(b, await login(a.url, 'c2', 'c2-pw'));

    const disabledAtMs = Date.now();
    expect((await post(a.url, '/v1/admin/users/zhou/disable', {}, admin)).status).toBe(200);
    expect((await get(a.url, '/v1/vehicles', token)).status).toBe(401);
    expect(await msUntilStatus(() => get(b.url, '/v1/vehicles', token), 401, BOUND_MS + 1_000)).toBeLessThanOrEqual(BOUND_MS + 500);
    await vi.waitUntil(() => onA.disconnectedAtMs !== undefined && onB.disconnectedAtMs !== undefined, { timeout: BOUND_MS + 1_000, interval: 25 });
    expect(onA.ended).toEqual([{ reason: 'revoked' }]);
    expect(onB.ended).toEqual([{ reason: 'revoked' }]);
    expect(onB.disconnectedAtMs! - disabledAtMs).toBeLessThanOrEqual(BOUND_MS);
    // Another user's socket on the same instance stays.
    expect(other.socket.connected).toBe(true);
    expect(other.ended).toEqual([]);
    // A new handshake with the old token is refused, on both.
    await expect(connectLive(a.url, token)).rejects.toThrow(/unauthenticated/);
    await expect(connectLive(b.url, token)).rejects.toThrow(/unauthenticated/);
  });

  it('changing role, company or region, or resetting the password, ends the old tokens; a display-name change does not', async () => {
    const token = await addUser('sun', { role: 'operator', regionCode: '4401' });
    const socket = await open(b, token);
    expect((await send(a.url, 'PUT', '/v1/admin/users/sun', { role: 'operator', regionCode: '4401', displayName: '孙值班' }, admin)).status).toBe(200);
    await new Promise((r) => setTimeout(r, BOUND_MS));
    expect((await get(b.url, '/v1/vehicles', token)).status).toBe(200);
    expect(socket.socket.connected).toBe(true);

    expect((await send(a.url, 'PUT', '/v1/admin/users/sun', { role: 'operator', regionCode: '3201', displayName: '孙值班' }, admin)).status).toBe(200);
    expect((await get(a.url, '/v1/vehicles', token)).status).toBe(401);
    await msUntilStatus(() => get(b.url, '/v1/vehicles', token), 401, BOUND_MS + 1_000);
    await vi.waitUntil(() => socket.disconnectedAtMs !== undefined, { timeout: BOUND_MS + 1_000, interval: 25 });
    expect(socket.ended).toEqual([{ reason: 'revoked' }]);

    // Signed in again with the new region: the reset ends that session too.
    const again = await login(b.url, 'sun', 'sun-Night-Shift-Depot-2');
    expect((await get(b.url, '/v1/me', again)).body.regionCode).toBe('3201');
    expect((await post(a.url, '/v1/admin/users/sun/reset-password', {}, admin)).status).toBe(200);
    await msUntilStatus(() => get(b.url, '/v1/me', again), 401, BOUND_MS + 1_000);
  });

  it("a user deleted or disabled with SQL behind the API's back (no instance told): REST 401 and sockets ended by the sweep, within the bound", async () => {
    const gone = await addUser('qian', { role: 'company', companyId: 'C2' });
    const off = await addUser('wu', { role: 'company', companyId: 'C2' });
    expect((await get(a.url, '/v1/vehicles', gone)).status).toBe(200);
    const goneSocket = await open(a, gone);
    const offSocket = await open(b, off);
    const changedAtMs = Date.now();
    await pool.query(`DELETE FROM users WHERE username = 'qian'`);
    await pool.query(`UPDATE users SET disabled = true WHERE username = 'wu'`);
    expect(await msUntilStatus(() => get(a.url, '/v1/vehicles', gone), 401, BOUND_MS + 1_000)).toBeLessThanOrEqual(BOUND_MS);
    await vi.waitUntil(() => goneSocket.disconnectedAtMs !== undefined && offSocket.disconnectedAtMs !== undefined, {
      timeout: BOUND_MS + 2_000,
      interval: 25,
    });
    expect(goneSocket.disconnectedAtMs! - changedAtMs).toBeLessThanOrEqual(BOUND_MS + 300);
    expect(offSocket.disconnectedAtMs! - changedAtMs).toBeLessThanOrEqual(BOUND_MS + 300);
    expect(goneSocket.ended).toEqual([{ reason: 'revoked' }]);
  });

  it('a socket whose token expires is disconnected at expiry, not left streaming; REST refuses the token too', async () => {
    const short = await start('short', { tokenTtlMs: 1_500, sessionBoundMs: 60_000 });
    const response = await post(short.url, '/v1/auth/login', { username: 'op-gz', password: 'op-pw' });
    const { token, expiresAtMs } = response.body as { token: string; expiresAtMs: number };
    const watched = await open(short, token);
    await vi.waitUntil(() => watched.disconnectedAtMs !== undefined, { timeout: 5_000, interval: 25 });
    expect(watched.ended).toEqual([{ reason: 'expired' }]);
    // The JWT's exp is whole seconds: the socket ends within a second of the time the login named, never before exp.
    expect(watched.disconnectedAtMs!).toBeGreaterThanOrEqual(Math.floor(expiresAtMs / 1000) * 1000 - 50);
    expect(watched.disconnectedAtMs! - expiresAtMs).toBeLessThanOrEqual(1_000);
    expect((await get(short.url, '/v1/vehicles', token)).status).toBe(401);
  });

  it('a user who must change the password cannot open the live feed', async () => {
    expect((await post(a.url, '/v1/admin/users', { username: 'feng', role: 'operator', password: 'feng-Night-Shift-Depot' }, admin)).status).toBe(201);
    const token = await login(a.url, 'feng', 'feng-Night-Shift-Depot');
    await expect(connectLive(b.url, token)).rejects.toThrow(/password change required/);
  });
});
