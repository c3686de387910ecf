import type pg from 'pg';

/** Anything that runs a query: a pool or a checked-out client. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** Epoch ms travel as float8 and become timestamptz on the server (to_timestamp rounds to µs). */
export const msToTs = (param: string): string => `to_timestamp(${param} / 1000.0)`;

export const tsToMs = (value: Date | null | undefined): number | undefined => (value ? value.getTime() : undefined);

/** pg returns bigint/numeric as strings. */
export const num = (value: string | number | null | undefined): number | undefined => (value === null || value === undefined ? undefined : Number(value));

export const chunked = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

/** Rows as column arrays, for `INSERT … SELECT … FROM unnest($1::t[], $2::t[], …)`. */
export const toColumns = <T>(batch: readonly T[], columnCount: number, rowOf: (item: T) => readonly unknown[]): unknown[][] => {
  const columns: unknown[][] = Array.from({ length: columnCount }, () => new Array(batch.length));
  batch.forEach((item, row) => rowOf(item).forEach((value, col) => ((columns[col] as unknown[])[row] = value)));
  return columns;
};

/**
 * One item per key — the one `supersedes(candidate, kept)` prefers — in first-seen order:
 * one upsert statement may not touch a row twice.
 */
export const latestByKey = <T>(items: readonly T[], keyOf: (item: T) => string, supersedes: (candidate: T, kept: T) => boolean): T[] => {
  const kept = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    const seen = kept.get(key);
    if (seen === undefined || supersedes(item, seen)) kept.set(key, item);
  }
  return [...kept.values()];
};

/**
 * A named (server-side prepared) statement on a real server, an unnamed one on the embedded
 * server: when a named statement's Bind or Execute fails there (a refused row),
 * pglite-socket answers without the ParseComplete, so `pg` forgets the statement while the
 * server keeps it, and every later use of that name on the one connection fails with 42P05
 * "prepared statement already exists" — one refused row would stop the table's writes.
 */
export const preparedQuery = (pool: { roadwatch?: { embedded: boolean } }, name: string, text: string, values: unknown[]): pg.QueryConfig =>
  pool.roadwatch?.embedded ? { text, values } : { name, text, values };

/** A text matched literally inside LIKE (its %, _ and \\ are plain characters). */
export const escapeLike = (text: string): string => text.replace(/[%_\\]/g, '\\$&');

export const undef = <T>(value: T | null): T | undefined => (value === null ? undefined : value);

export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
