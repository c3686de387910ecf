import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseRepository, OverloadViolationRepository } from './case.repository';
import { startEmbeddedTimescale, type EmbeddedTimescale } from './embedded-timescale';
import { migrate } from './migrate';
import { createPool, type StoragePool } from './pool';
import { caseEvent, violation, wim } from './testing/storage.suite';
import { WimRepository } from './wim.repository';

/**
 * The embedded server hands its one PGlite session from client to client. Whatever a client
 * leaves there (named prepared statements, an open or failed transaction, temp tables, SET)
 * must be gone for the next one: issue #10 item 2, where one failed query made pg-pool destroy
 * its client and every later WIM or violation insert failed with 42P05 until a restart.
 */
describe('embedded TimescaleDB: a client leaves nothing behind in the shared session', () => {
  let server: EmbeddedTimescale;
  let pool: StoragePool;
  let seq = 0;

  // A server per test: a wedged session must not fail the tests after the one that wedged it.
  beforeEach(async () => {
    server = await startEmbeddedTimescale();
    pool = createPool(server.url, { embedded: true, schema: 'rw' });
    await migrate(pool);
  });
  afterEach(async () => {
    if (!pool.ended) await pool.end();
    await server.stop();
  });

  /** One WIM record, its violation and a case opened on it, each through its repository. */
  const storeOneOfEach = async (): Promise<void> => {
    const n = ++seq;
    const measurement = wim('ST-SESSION', `r${n}`, Date.UTC(2025, 4, 1, 2, 0, n), `冀A${n}`, 60_000);
    expect(await new WimRepository(pool).insertMany([measurement])).toBe(1);
    expect(await new OverloadViolationRepository(pool).insertMany([violation(`v-session-${n}`, measurement)])).toBe(1);
    expect(await new CaseRepository(pool).apply(caseEvent(`e-session-${n}`, `case-session-${n}`, `v-session-${n}`, 'opened'))).toBe(true);
  };

  it('stores WIM records, violations and cases after a failed query (a NUL byte, as a login with one sends)', async () => {
    // A named statement in the session, as any pg client may prepare one (the repositories did).
    const named = { name: 'rw_probe', text: 'SELECT count(*)::int AS n FROM wim_measurements' };
    await storeOneOfEach();
    expect((await pool.query(named)).rows[0].n).toBe(1);
    // The API's login looks its user name up with such a parameter: PostgreSQL refuses the NUL,
    // and pg-pool destroys the client.
    await expect(pool.query('SELECT * FROM companies WHERE name = $1', ['admin\u0000'])).rejects.toMatchObject({ code: '22021' });
    await storeOneOfEach();
    await storeOneOfEach();
    // The next client prepares the same name again: the old session's statement is gone.
    expect((await pool.query(named)).rows[0].n).toBe(3);
  });

  it('stores after a client failed inside a transaction it opened (the transaction is rolled back)', async () => {
    await storeOneOfEach();
    await pool.query('BEGIN');
    await pool.query(`INSERT INTO wim_stations (station_id, name, kind) VALUES ('ST-UNCOMMITTED', 'never committed', 'fixed')`);
    await expect(pool.query('SELECT 1 / 0')).rejects.toMatchObject({ code: '22012' });
    await storeOneOfEach();
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM wim_stations WHERE station_id = 'ST-UNCOMMITTED'`);
    expect(rows[0].n).toBe(0);
  });

  it('stores after a client was reset mid-transaction while the pool waited for the session', async () => {
    await storeOneOfEach();
    // The pool holds the session while idle; let it go so the intruder gets it first.
    await pool.end();
    pool = createPool(server.url, { embedded: true, schema: 'rw' });

    const intruder = new pg.Client({ connectionString: server.url });
    await intruder.connect();
    await intruder.query('BEGIN');
    await intruder.query(`INSERT INTO rw.wim_stations (station_id, name, kind) VALUES ('ST-INTRUDER', 'never committed', 'fixed')`);
    // The same statement names the repositories prepare, a temp table, session settings.
    await intruder.query(`PREPARE rw_wim_insert AS SELECT 1`);
    await intruder.query(`PREPARE rw_violations_insert AS SELECT 2`);
    await intruder.query('CREATE TEMP TABLE wim_measurements (nothing int)');
    await intruder.query(`SET search_path TO pg_catalog`);
    await intruder.query(`SET TIME ZONE 'America/New_York'`);

    // The pool's connection queues behind the intruder's (the pause lets the server accept
    // it first; were it too short the test would pass without exercising the queue, never fail)…
    const waiting = storeOneOfEach();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // …which vanishes mid-transaction (no Terminate, no COMMIT).
    const socket = (intruder as unknown as { connection: { stream: import('node:net').Socket } }).connection.stream;
    intruder.on('error', () => undefined);
    // The server listens on a Unix socket, where there is no RST: the connection ends abruptly,
    // no Terminate sent. (resetAndDestroy throws on anything but TCP.)
    socket.destroy();
    await waiting;

    const state = await pool.query<{ stations: number; temps: number; zone: string; path: string }>(
      `SELECT (SELECT count(*)::int FROM rw.wim_stations WHERE station_id = 'ST-INTRUDER') AS stations,
              (SELECT count(*)::int FROM pg_class WHERE relpersistence = 't') AS temps,
              current_setting('TimeZone') AS zone, current_setting('search_path') AS path`,
    );
    expect(state.rows[0]).toMatchObject({ stations: 0, temps: 0, path: 'rw, public' });
    expect(state.rows[0]?.zone).not.toBe('America/New_York');
  });

  it('stores after a client closed without ending its transaction', async () => {
    await storeOneOfEach();
    await pool.end();
    const leaver = new pg.Client({ connectionString: server.url });
    await leaver.connect();
    await leaver.query('BEGIN');
    await leaver.query(`INSERT INTO rw.wim_stations (station_id, name, kind) VALUES ('ST-LEAVER', 'never committed', 'fixed')`);
    await leaver.query(`PREPARE rw_wim_insert AS SELECT 1`);
    await leaver.end();

    pool = createPool(server.url, { embedded: true, schema: 'rw' });
    await storeOneOfEach();
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM wim_stations WHERE station_id = 'ST-LEAVER'`);
    expect(rows[0].n).toBe(0);
  });
});
