import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS, type PositionV1 } from '@roadwatch/contracts';
import type { Batch } from '@roadwatch/messaging';
import { createPool, dropStorageSchema, migrate, PositionRepository, type StoragePool } from '@roadwatch/storage';
import { infraEnv, positionsEvery, uniqueName } from '@roadwatch/testing';
import { ArchiveBatch, MemoryLatestPositionStore, PgArchiveWriter, type ArchiveWriter } from '../src/index';
import { rising } from './support/scenario';

/**
 * The position batches of partitions handled at once go to the database as one write, on real
 * PostgreSQL: each batch still resolves only after its rows are committed, and a record the
 * database refuses fails its own batch alone.
 */
const env = infraEnv();
const PARTITIONS = 12;
const PER_BATCH = 40;
const T_MS = Date.now() - 3_600_000;

describe('position batches handled at once are joined into one write', () => {
  const name = uniqueName('archiver_join');
  let pool: StoragePool;
  /** The real writer, counting the positions of each call (and failing the next joint write, when asked). */
  const calls: number[] = [];
  let failNextWith: Error | null = null;
  let writer: ArchiveWriter;

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema: name, max: 4, application: 'archiver-join-test' });
    await migrate(pool);
    const real = new PgArchiveWriter(pool);
    writer = {
      writePositions: async (positions) => {
        calls.push(positions.length);
        const failure = failNextWith;
        failNextWith = null;
        if (failure) throw failure;
        return real.writePositions(positions);
      },
      writeWimMeasurements: (m) => real.writeWimMeasurements(m),
      upsertAlerts: (a) => real.upsertAlerts(a),
      upsertQualityDays: (d) => real.upsertQualityDays(d),
      writeDriverCardEvents: (e) => real.writeDriverCardEvents(e),
      writeTerminalAreaAlarms: (a) => real.writeTerminalAreaAlarms(a),
      ping: () => real.ping(),
    };
  });
  afterAll(async () => {
    await dropStorageSchema(pool, name);
    await pool.end();
  });

  /** One batch per partition, one vehicle per partition (as Kafka keys them), PER_BATCH reports each. */
  const batchesOf = (run: string, each: (partition: number, index: number) => Partial<PositionV1> = () => ({})): Batch<typeof TOPICS.positions>[] =>
    Array.from({ length: PARTITIONS }, (_, partition) => ({
      topic: TOPICS.positions,
      partition,
      messages: positionsEvery(1_000, PER_BATCH, { vehicleId: `${run}-${partition}:2`, deviceTimeMs: T_MS }, (i) => ({
        ...rising(i),
        ...each(partition, i),
      })).map((value, i) => ({
        topic: TOPICS.positions,
        partition,
        offset: String(i),
        key: value.vehicleId,
        value,
        timestampMs: value.receivedAtMs,
        headers: {},
      })),
    }));

  const stored = async (run: string): Promise<number> =>
    Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM positions WHERE vehicle_id LIKE $1`, [`${run}-%`])).rows[0]!.n);

  it('twelve partition batches handled at once: one write, every batch resolved with its rows after the commit', async () => {
    calls.length = 0;
    const latest = new MemoryLatestPositionStore();
    const writes: number[] = [];
    const archive = new ArchiveBatch({ writer, latestPositions: latest, onPositionWrite: (n) => writes.push(n) });
    const outcomes = await Promise.all(batchesOf('JOIN').map((batch) => archive.handle(batch)));
    expect(calls).toEqual([PARTITIONS * PER_BATCH]);
    expect(writes).toEqual([PARTITIONS * PER_BATCH]);
    expect(await stored('JOIN')).toBe(PARTITIONS * PER_BATCH);
    expect(outcomes.map((o) => o.rows)).toEqual(Array(PARTITIONS).fill(PER_BATCH));
    expect(outcomes.reduce((sum, o) => sum + o.latestMoved, 0)).toBe(PARTITIONS);
    expect((await latest.all()).length).toBe(PARTITIONS);
    // Redelivered whole: joined again, nothing new, nothing doubled.
    const again = await Promise.all(batchesOf('JOIN').map((batch) => archive.handle(batch)));
    expect(again.reduce((sum, o) => sum + o.rows, 0)).toBe(0);
    expect(await new PositionRepository(pool).count()).toBeGreaterThanOrEqual(PARTITIONS * PER_BATCH);
    expect(await stored('JOIN')).toBe(PARTITIONS * PER_BATCH);
  });

  it('batches handled one after another are written one by one, in order', async () => {
    calls.length = 0;
    const archive = new ArchiveBatch({ writer, latestPositions: new MemoryLatestPositionStore() });
    for (const batch of batchesOf('SEQ').slice(0, 3)) expect((await archive.handle(batch)).rows).toBe(PER_BATCH);
    expect(calls).toEqual([PER_BATCH, PER_BATCH, PER_BATCH]);
  });

  it('a record the database refuses fails its own batch alone (22003); the other batches are stored', async () => {
    calls.length = 0;
    const archive = new ArchiveBatch({ writer, latestPositions: new MemoryLatestPositionStore() });
    const settled = await Promise.allSettled(
      batchesOf('POISON', (partition, i) => (partition === 5 && i === 17 ? { satellites: 70_000 } : {})).map((b) => archive.handle(b)),
    );
    expect(settled.map((s) => s.status)).toEqual(Array.from({ length: PARTITIONS }, (_, p) => (p === 5 ? 'rejected' : 'fulfilled')));
    expect((settled[5] as PromiseRejectedResult).reason).toMatchObject({ code: '22003' });
    // The joint write, then each batch alone.
    expect(calls).toEqual([PARTITIONS * PER_BATCH, ...Array(PARTITIONS).fill(PER_BATCH)]);
    expect(await stored('POISON')).toBe((PARTITIONS - 1) * PER_BATCH);
  });

  it('a database that is away fails every joined batch at once, without writing each alone', async () => {
    calls.length = 0;
    const archive = new ArchiveBatch({ writer, latestPositions: new MemoryLatestPositionStore() });
    failNextWith = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const settled = await Promise.allSettled(batchesOf('AWAY').map((b) => archive.handle(b)));
    expect(settled.every((s) => s.status === 'rejected' && (s.reason as { code?: string }).code === '57P01')).toBe(true);
    expect(calls).toEqual([PARTITIONS * PER_BATCH]);
    expect(await stored('AWAY')).toBe(0);
  });
});
