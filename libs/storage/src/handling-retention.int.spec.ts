import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraEnv, uniqueName } from '@roadwatch/testing';
import { HandlingRepository } from './handling.repository';
import { dropStorageSchema, migrate } from './migrate';
import { createPool, type StoragePool } from './pool';
import { RegistryRepository } from './registry.repository';

const env = infraEnv();

// RULES §9: violation records and their handling are kept ≥ 3 years — in storage, not in a comment.
describe('handling records are kept 3 years (alert_handling, alert_handling_events)', () => {
  const schema = uniqueName('handling_retention').replace(/[^a-z0-9_]/g, '_');
  let pool: StoragePool;
  let repository: HandlingRepository;

  beforeAll(async () => {
    pool = createPool(env.databaseUrl, { schema, max: 2 });
    await migrate(pool);
    const registry = new RegistryRepository(pool);
    await registry.upsertCompany({ companyId: 'BJ1', name: '北京某客运有限公司', regionCode: '110105' });
    repository = new HandlingRepository(pool);
    for (const alertId of ['young-1', 'old-1'])
      await repository.intake({
        alertId,
        revision: 0,
        vehicleId: '京A10001:2',
        companyId: 'BJ1',
        rule: 'speeding',
        level: 'violation',
        alertSeverity: 'major',
        summary: '超速',
        startedAtMs: Date.UTC(2026, 0, 1),
        withdrawn: false,
        handlingSeverity: 'standard',
        due: true,
        notifiedAtMs: Date.UTC(2026, 0, 1),
        deadlineAtMs: Date.UTC(2026, 0, 2),
      });
  });

  afterAll(async () => {
    if (pool) await dropStorageSchema(pool, schema);
    await pool?.end();
  });

  it('a young row: DELETE and TRUNCATE are refused, on the items and on their steps; the rows stay', async () => {
    await expect(pool.query(`DELETE FROM alert_handling WHERE alert_id = 'young-1'`)).rejects.toThrow(/kept for 3 years/);
    await expect(pool.query(`DELETE FROM alert_handling_events WHERE alert_id = 'young-1'`)).rejects.toThrow(/kept for 3 years/);
    await expect(pool.query('TRUNCATE alert_handling')).rejects.toThrow(/cannot be truncated/);
    await expect(pool.query('TRUNCATE alert_handling_events')).rejects.toThrow(/cannot be truncated/);
    expect(await repository.get('young-1', {})).toBeDefined();
    expect((await repository.events('young-1')).map((e) => e.action)).toEqual(['notified']);
  });

  it('just under 3 years is still refused; a row older than 3 years may go', async () => {
    await pool.query(`UPDATE alert_handling SET created_at = now() - interval '3 years' + interval '1 hour' WHERE alert_id = 'old-1'`);
    await expect(pool.query(`DELETE FROM alert_handling WHERE alert_id = 'old-1'`)).rejects.toThrow(/kept for 3 years/);
    await pool.query(`UPDATE alert_handling SET created_at = now() - interval '3 years' - interval '1 day' WHERE alert_id = 'old-1'`);
    await pool.query(`DELETE FROM alert_handling WHERE alert_id = 'old-1'`);
    expect(await repository.get('old-1', {})).toBeUndefined();
  });
});
