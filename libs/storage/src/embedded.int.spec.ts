import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedTimescale } from './embedded-timescale';
import { runMaintenance } from './maintenance';
import { AlertRepository } from './alert.repository';
import { DEFAULT_MIGRATIONS_DIR, loadMigrations, migrate } from './migrate';
import { createPool } from './pool';
import { PositionRepository } from './position.repository';
import { positionsEvery } from '@roadwatch/testing';
import { alert, describeStorageSuite, reportOf } from './testing/storage.suite';

// A fresh in-memory instance per run: nothing is shared with any other test.
describeStorageSuite('storage on embedded TimescaleDB', async () => {
  const server = await startEmbeddedTimescale();
  const pool = createPool(server.url, { embedded: true, schema: 'rw' });
  return {
    pool,
    schema: 'rw',
    expectedMode: 'timescaledb',
    insertMethods: ['unnest'],
    defaultInsertMethod: 'unnest' as const,
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
      expect((await migrate(pool)).applied).toEqual(loadMigrations().map((m) => m.id));
      await new PositionRepository(pool).insertMany(positionsEvery(1_000, 5, { ...reportOf('P:2'), deviceTimeMs: Date.now() - 60_000 }));
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

  it('0005 adds summary_en to an alerts hypertable whose chunks are already compressed', async () => {
    const server = await startEmbeddedTimescale();
    const pool = createPool(server.url, { embedded: true });
    const before = mkdtempSync(join(tmpdir(), 'rw-migrations-'));
    try {
      // The schema as it was before 0005, with an old alert in a compressed chunk.
      for (const name of readdirSync(DEFAULT_MIGRATIONS_DIR).filter((n) => /^000[1-4]_.*\.sql$/.test(n))) {
        copyFileSync(join(DEFAULT_MIGRATIONS_DIR, name), join(before, name));
      }
      await migrate(pool, { migrationsDir: before });
      const startedAtMs = Date.now() - 60 * 86_400_000;
      const repo = new AlertRepository(pool);
      // Written as the build before 0005 did (the repository now names summary_en).
      await pool.query(
        `INSERT INTO alerts (alert_id, started_at, revision, vehicle_id, rule, level, severity, raised_at, summary)
         VALUES ('al-compressed', to_timestamp($1::float8 / 1000), 0, 'A:2', 'speeding', 'violation', 'major', now(), '超速')`,
        [startedAtMs],
      );
      expect((await runMaintenance(pool)).compressedChunks).toBeGreaterThan(0);
      const compressed = await pool.query(`SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_name = 'alerts' AND is_compressed`);
      expect(compressed.rows[0].n).toBeGreaterThan(0);

      expect((await migrate(pool)).applied[0]).toBe('0005_alert_summary_en');
      expect(await repo.get('al-compressed')).not.toHaveProperty('summaryEn');
      await repo.upsertMany([alert('al-compressed', 1, { startedAtMs, summary: '超速（已结束）', summaryEn: 'Speeding (ended)' })]);
      expect(await repo.get('al-compressed')).toMatchObject({ revision: 1, summary: '超速（已结束）', summaryEn: 'Speeding (ended)' });
    } finally {
      rmSync(before, { recursive: true, force: true });
      await pool.end();
      await server.stop();
    }
  });
});
