import type { StoragePool } from './pool';
import { inTransaction, type Queryable } from './sql';

/**
 * Runs `work` in one transaction holding the advisory lock of `jobName`, or not at all when
 * another member holds it (answers `{ ran: false }`). Scheduled jobs of a service with several
 * members (supervision's scores, the 重点监管 list, overdue escalation) run once per cluster
 * this way; the lock ends with the transaction, so a member that dies releases it. Keyed by the
 * schema too: advisory locks are database-wide, and a deployment (or a test) in another schema
 * runs its own jobs over its own tables.
 */
export const withJobLock = async <T>(
  pool: StoragePool,
  jobName: string,
  work: (client: Queryable) => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> =>
  inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':roadwatch:job:' || $1)) AS locked",
      [jobName],
    );
    if (!rows[0]?.locked) return { ran: false as const };
    return { ran: true as const, result: await work(client) };
  });
