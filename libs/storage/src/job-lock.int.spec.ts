import { afterAll, describe, expect, it } from 'vitest';
import { withJobLock } from './job-lock';
import { createPool } from './pool';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://roadwatch:roadwatch@127.0.0.1:5432/roadwatch';

describe('withJobLock: a scheduled job runs once per cluster', () => {
  const pool = createPool(DATABASE_URL, { max: 3 });
  afterAll(() => pool.end());

  it('a second member asking while the first holds the job is told it did not run; after the first ends it runs', async () => {
    const jobName = `test-${process.pid}-${Date.now()}`;
    let releaseFirst!: () => void;
    const firstHolding = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));
    const first = withJobLock(pool, jobName, async () => {
      firstStarted();
      await firstHolding;
      return 'first';
    });
    await started;
    await expect(withJobLock(pool, jobName, () => Promise.resolve('second'))).resolves.toEqual({ ran: false });
    // Another job's name is not blocked by this one.
    await expect(withJobLock(pool, `${jobName}-other`, () => Promise.resolve('other'))).resolves.toEqual({ ran: true, result: 'other' });
    releaseFirst();
    await expect(first).resolves.toEqual({ ran: true, result: 'first' });
    await expect(withJobLock(pool, jobName, () => Promise.resolve('again'))).resolves.toEqual({ ran: true, result: 'again' });
  });

  it('a job that throws releases the lock with its transaction', async () => {
    const jobName = `test-throws-${process.pid}-${Date.now()}`;
    await expect(withJobLock(pool, jobName, () => Promise.reject(new Error('job failed')))).rejects.toThrow('job failed');
    await expect(withJobLock(pool, jobName, () => Promise.resolve(1))).resolves.toEqual({ ran: true, result: 1 });
  });

  it('the same job in another schema of the database (another deployment, another test) is not blocked', async () => {
    const jobName = `test-schemas-${process.pid}-${Date.now()}`;
    const schema = `joblock_${process.pid}`;
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const other = createPool(DATABASE_URL, { max: 1, schema });
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const begun = new Promise<void>((resolve) => (started = resolve));
    const first = withJobLock(pool, jobName, async () => {
      started();
      await holding;
    });
    try {
      await begun;
      await expect(withJobLock(other, jobName, () => Promise.resolve('elsewhere'))).resolves.toEqual({ ran: true, result: 'elsewhere' });
      // In the same schema it is still held.
      await expect(withJobLock(pool, jobName, () => Promise.resolve('here'))).resolves.toEqual({ ran: false });
    } finally {
      release();
      await first;
      await other.end();
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });
});
