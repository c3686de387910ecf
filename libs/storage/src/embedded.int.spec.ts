import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedTimescale } from './embedded-timescale';
import { runMaintenance } from './maintenance';
import { migrate } from './migrate';
import { createPool } from './pool';
import { PositionRepository } from './position.repository';
import { describeStorageSuite } from './testing/storage-suite';
import { positions } from './testing/fixtures';

// A fresh in-memory instance per run: nothing is shared with any other test.
describeStorageSuite('storage on embedded TimescaleDB', async () => {
  const server = await startEmbeddedTimescale();
  const pool = createPool(server.url, { embedded: true, schema: 'rw' });
  return {
    pool,
    schema: 'rw',
    expectedMode: 'timescaledb',
    insertMethods: ['unnest'],
    async teardown() {
      await pool.end();
      await server.stop();
    },
  };
});

describe('embedded TimescaleDB launcher', () => {
  it('persists to its data folder across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rw-embedded-'));
    try {
      const first = await startEmbeddedTimescale({ dataDir });
      let pool = createPool(first.url, { embedded: true });
      expect((await migrate(pool)).applied).toHaveLength(4);
      await new PositionRepository(pool).insertMany(positions('P:2', Date.now() - 60_000, 5, 1_000));
      await pool.end();
      await first.stop();

      const second = await startEmbeddedTimescale({ dataDir });
      pool = createPool(second.url, { embedded: true });
      const again = await migrate(pool);
      expect(again).toMatchObject({ mode: 'timescaledb', applied: [] });
      expect(await new PositionRepository(pool).count('P:2')).toBe(5);
      const ext = await pool.query(`SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'`);
      expect(ext.rows[0].extversion).toMatch(/^2\.23/);
      // TimescaleDB's TSL half (policies, compression, continuous aggregates) works after a
      // restart too — it did not before the launcher loaded the library up front.
      expect(await runMaintenance(pool)).toMatchObject({ mode: 'timescaledb', refreshedDaily: true });
      await pool.end();
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses COPY on the embedded server (one code path there: unnest)', async () => {
    const server = await startEmbeddedTimescale();
    const pool = createPool(server.url, { embedded: true });
    try {
      expect(() => new PositionRepository(pool, { insertMethod: 'copy' })).toThrow(/real PostgreSQL/);
    } finally {
      await pool.end();
      await server.stop();
    }
  });
});
