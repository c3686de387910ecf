import type pg from 'pg';

/** Anything that runs a query: a pool or a checked-out client. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** Epoch ms travel as float8 and become timestamptz on the server (to_timestamp rounds to µs). */
export const msToTs = (param: string): string => `to_timestamp(${param} / 1000.0)`;

export const tsToMs = (value: Date | null | undefined): number | undefined => (value ? value.getTime() : undefined);

/** pg returns bigint/numeric as strings. */
export const num = (value: string | number | null | undefined): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);

export const chunked = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

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
