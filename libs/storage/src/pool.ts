import pg from 'pg';

export interface CreatePoolOptions {
  /** Against the embedded TimescaleDB: one connection, never more (it serves one at a time). */
  embedded?: boolean;
  /** Schema the repositories work in (search_path = schema, public). Default `public`. */
  schema?: string;
  /** Connections on a real server; ignored when embedded. */
  max?: number;
  application?: string;
}

export interface StoragePool extends pg.Pool {
  /** Set by createPool; repositories and maintenance read it. */
  readonly roadwatch: { embedded: boolean; schema: string };
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

export const assertIdentifier = (name: string): string => {
  if (!IDENT.test(name)) throw new Error(`storage: "${name}" is not a plain lower-case SQL identifier`);
  return name;
};

/** A `pg` pool for the storage layer; every connection has the schema on its search_path. */
export function createPool(url: string, options: CreatePoolOptions = {}): StoragePool {
  const embedded = options.embedded ?? false;
  const schema = assertIdentifier(options.schema ?? 'public');
  const searchPath = `SET search_path TO ${schema}, public`;
  // Set the schema inside connect, before the pool hands the client out. The embedded
  // server ignores the `options` start-up parameter, so a statement is the one way that
  // works on both servers.
  class SchemaClient extends pg.Client {
    override connect(): Promise<pg.Client>;
    override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
    override connect(callback?: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): Promise<pg.Client> | void {
      const ready = super.connect().then(async () => {
        await this.query(searchPath);
        return this as pg.Client;
      });
      if (!callback) return ready;
      // pg's callback takes an error alone, or null and the client: one function for both calls.
      const done = callback as (err: Error | null, c?: pg.Client) => void;
      ready.then(
        (c) => done(null, c),
        (error: Error) => done(error),
      );
    }
  }
  const pool = new pg.Pool({
    Client: SchemaClient as unknown as new () => pg.ClientBase,
    connectionString: url,
    max: embedded ? 1 : (options.max ?? 10),
    // The embedded server queues a second socket until the first detaches; keep the one
    // connection open instead of churning it.
    idleTimeoutMillis: embedded ? 0 : 30_000,
    application_name: options.application ?? 'roadwatch-storage',
  });
  // An idle client's error (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => undefined);
  Object.defineProperty(pool, 'roadwatch', { value: { embedded, schema }, enumerable: false });
  return pool as StoragePool;
}

/** True when the database answers a trivial query (readiness checks); throws when it cannot be reached. */
export const pingDatabase = async (pool: pg.Pool): Promise<boolean> => (await pool.query('SELECT 1')).rowCount === 1;
