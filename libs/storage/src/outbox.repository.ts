import { registryChangeKey, TOPICS, type CaseEventV1, type RegistryChangeV1 } from '@roadwatch/contracts';
import type { StoragePool } from './pool';
import { inTransaction, type Queryable } from './sql';

/** Marks the pool-shaped view of an open transaction (`inStorageTransaction`). */
const TRANSACTION_VIEW = Symbol('roadwatch.transactionView');

/**
 * Runs `work` in a transaction of its own on a pool, or directly on an open transaction's
 * view (a repository used inside a unit of work joins it instead of opening a second one).
 */
export const withinTransaction = <T>(pool: StoragePool, work: (db: Queryable) => Promise<T>): Promise<T> =>
  (pool as unknown as Record<symbol, unknown>)[TRANSACTION_VIEW] === true ? work(pool) : inTransaction(pool, work);

/**
 * Runs `work` in one transaction and hands it a pool-shaped view of the transaction's
 * connection, so the repositories (built over a StoragePool) write inside it: a registry
 * write and its outbox row commit together or not at all. The view refuses `connect`: a
 * second connection inside the transaction would wait forever for the embedded server's
 * only one.
 */
export const inStorageTransaction = <T>(pool: StoragePool, work: (tx: StoragePool) => Promise<T>): Promise<T> =>
  inTransaction(pool, (client) => {
    const tx = {
      query: client.query.bind(client),
      connect: () => Promise.reject(new Error('storage: a transaction view cannot check out another connection')),
      roadwatch: pool.roadwatch,
      [TRANSACTION_VIEW]: true,
    };
    return work(tx as unknown as StoragePool);
  });

export type RegistryChangeInput = Omit<RegistryChangeV1, 'v' | 'revision'>;

/**
 * Appends a `registry.changes` event to the outbox on `db` — the transaction of the write
 * it tells of. Its revision is the outbox row's id, taken in the same statement.
 */
export const appendRegistryChange = async (db: Queryable, change: RegistryChangeInput): Promise<RegistryChangeV1> => {
  const { rows } = await db.query<{ id: string }>(
    `WITH next AS (SELECT nextval(pg_get_serial_sequence('outbox', 'id')) AS id)
     INSERT INTO outbox (id, topic, message_key, payload)
     SELECT id, $1, $2, $3::jsonb || jsonb_build_object('revision', id) FROM next
     RETURNING id`,
    [
      TOPICS.registryChanges,
      registryChangeKey(change),
      JSON.stringify({ v: 1, entity: change.entity, id: change.id, change: change.change, changedAtMs: change.changedAtMs }),
    ],
  );
  return { v: 1, ...change, revision: Number(rows[0]?.id) };
};

/**
 * Appends 一超四罚 case events to the outbox on `db` — the transaction that recorded them —
 * in order, key = caseId: the relay publishes them on `cases.events` after the commit.
 */
export const appendCaseEvents = async (db: Queryable, events: readonly CaseEventV1[]): Promise<void> => {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO outbox (topic, message_key, payload)
     SELECT $1, e->>'caseId', e FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n`,
    [TOPICS.caseEvents, JSON.stringify(events)],
  );
};

export interface OutboxMessage {
  key: string;
  value: unknown;
}

export interface OutboxRelayOptions {
  pool: StoragePool;
  /** Resolves once the broker holds every message (the Bus's publish). A rejection leaves the rows pending. */
  publish(topic: string, messages: readonly OutboxMessage[]): Promise<void>;
  logger: { warn(details: object, message: string): void; error(details: object, message: string): void };
  /**
   * When `publish` refused one message for good (it fails the topic's schema: the Bus's
   * InvalidMessageError), its index in the call; undefined for anything worth retrying. The
   * refused row is set aside with the reason and the others go out, in order.
   */
  refusedIndex?(error: unknown): number | undefined;
  /** Safety-net period: rows a crashed relay left pending go out at the next run. Default 1 s; 0 only on `kick()`. */
  intervalMs?: number;
  /** Rows per transaction. Default 500. */
  batchSize?: number;
  /** Sent rows older than this are deleted. Default one day. */
  keepSentMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  payload: unknown;
}

/**
 * One relay at a time per schema drains its outbox, so rows go out in id order even with several
 * API instances. Advisory locks are database-wide: keyed by the schema, a deployment (or a test)
 * in another schema of the same database — with an outbox of its own — never skips a round for it.
 */
const OUTBOX_LOCK_SQL = "SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':roadwatch:outbox')) AS locked";

/**
 * Publishes the outbox's pending rows in id order and marks them sent, in one transaction
 * per batch under an advisory lock (another instance's relay skips the round). At least
 * once: a crash after the publish and before the commit publishes the rows again, and the
 * consumers are idempotent. `kick()` after a commit publishes at once; the timer catches
 * what a crashed process left behind.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private closed = false;
  private publishedCount = 0;

  constructor(private readonly options: OutboxRelayOptions) {}

  static start(options: OutboxRelayOptions): OutboxRelay {
    const relay = new OutboxRelay(options);
    const intervalMs = options.intervalMs ?? 1_000;
    if (intervalMs > 0) {
      relay.timer = setInterval(() => relay.kickSoon(), intervalMs);
      relay.timer.unref();
    }
    relay.kickSoon();
    return relay;
  }

  /**
   * `kick()` without waiting for it (a timer, a commit whose caller does not wait for the
   * publish). A failed drain is already logged and left for the next round; anything else is
   * logged here rather than left an unhandled rejection that ends the process.
   */
  kickSoon(): void {
    void this.kick().catch((error: unknown) =>
      this.options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'outbox relay: run failed'),
    );
  }

  /** Rows published since start (a row published twice counts twice). */
  get published(): number {
    return this.publishedCount;
  }

  /**
   * Drain now; resolves with the rows published. A kick during a run is folded into one more
   * run after it, so a row committed while the relay was reading is never left for the timer.
   */
  kick(): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async (): Promise<number> => {
      let total = 0;
      do {
        this.again = false;
        total += await this.drain();
      } while (this.again && !this.closed);
      return total;
    };
    this.running = run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async drain(): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    let total = 0;
    try {
      for (;;) {
        const { read, sent } = await this.publishBatch(batchSize);
        total += sent;
        if (read < batchSize || this.closed) break;
      }
      await this.options.pool.query(`DELETE FROM outbox WHERE sent_at < now() - make_interval(secs => $1 / 1000.0)`, [this.options.keepSentMs ?? 86_400_000]);
    } catch (error) {
      // The rows stay pending; the next kick or tick tries again.
      this.options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'outbox relay: publish failed; the rows stay pending');
    }
    return total;
  }

  /** One batch in one transaction: the rows read, and those published and marked sent (not the refused). */
  private publishBatch(batchSize: number): Promise<{ read: number; sent: number }> {
    return inTransaction(this.options.pool, async (client) => {
      const { rows: locked } = await client.query<{ locked: boolean }>(OUTBOX_LOCK_SQL);
      if (!locked[0]?.locked) return { read: 0, sent: 0 };
      const { rows } = await client.query<OutboxRow>(
        'SELECT id, topic, message_key, payload FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT $1',
        [batchSize],
      );
      const sent: string[] = [];
      // One publish per run of rows on the same topic, in id order.
      for (let start = 0; start < rows.length;) {
        const topic = rows[start]?.topic as string;
        let end = start;
        while (end < rows.length && rows[end]?.topic === topic) end += 1;
        let group = rows.slice(start, end);
        while (group.length > 0) {
          try {
            await this.options.publish(
              topic,
              group.map((row) => ({ key: row.message_key, value: row.payload })),
            );
            sent.push(...group.map((row) => row.id));
            group = [];
          } catch (error) {
            // The bus validates a whole call before it writes any of it: without the refused row, the rest go out.
            const index = this.options.refusedIndex?.(error);
            const refused = index === undefined ? undefined : group[index];
            if (!refused) throw error;
            const failure = error instanceof Error ? error.message : String(error);
            await client.query('UPDATE outbox SET failed_at = now(), failure = $2 WHERE id = $1', [refused.id, failure]);
            this.options.logger.error(
              { outboxId: refused.id, topic, key: refused.message_key, failure },
              'outbox relay: the bus refuses this row for good; set aside (outbox.failed_at), the rest go on',
            );
            group = group.filter((row) => row !== refused);
          }
        }
        start = end;
      }
      if (sent.length > 0) await client.query('UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])', [sent]);
      this.publishedCount += sent.length;
      return { read: rows.length, sent: sent.length };
    });
  }
}
