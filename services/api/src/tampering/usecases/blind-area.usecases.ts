import type { BlindAreaDto } from '@roadwatch/contracts';
import { AuditRepository, BlindAreaRepository, inTransaction, type BlindAreaRecord, type StoragePool } from '@roadwatch/storage';
export interface BlindAreaCommandContext {
  /** Who writes: the signed-in user, or `system:demo-seed`. */
  actor: string;
  clientAddress?: string | undefined;
}

/** Creates or replaces a registered blind area (RULES §15 tampering exclusion); the write and its audit entry commit together. */
export class SaveBlindAreaUseCase {
  constructor(private readonly pool: StoragePool) {}

  async execute(area: BlindAreaDto, { actor, clientAddress }: BlindAreaCommandContext): Promise<BlindAreaRecord> {
    return inTransaction(this.pool, async (tx) => {
      const areas = new BlindAreaRepository(tx);
      const before = await areas.get(area.blindAreaId);
      // A seed re-run over the same record writes nothing (and audits nothing).
      if (before && JSON.stringify(before) === JSON.stringify(areas.normalised(area))) return before;
      const { created } = await areas.upsert(area);
      await new AuditRepository(tx).record(
        {
          actor,
          clientAddress,
          action: created ? 'registry.create' : 'registry.update',
          target: `blind-areas/${area.blindAreaId}`,
          outcome: 'success',
          changes: { record: { before: before ?? null, after: area } },
        },
        tx,
      );
      return (await areas.get(area.blindAreaId)) as BlindAreaRecord;
    });
  }
}

/** Removes a blind area; false when there was none. Audited with what it was. */
export class DeleteBlindAreaUseCase {
  constructor(private readonly pool: StoragePool) {}

  async execute(blindAreaId: string, { actor, clientAddress }: BlindAreaCommandContext): Promise<boolean> {
    return inTransaction(this.pool, async (tx) => {
      const areas = new BlindAreaRepository(tx);
      const before = await areas.get(blindAreaId);
      if (!before || !(await areas.remove(blindAreaId))) return false;
      await new AuditRepository(tx).record(
        {
          actor,
          clientAddress,
          action: 'registry.delete',
          target: `blind-areas/${blindAreaId}`,
          outcome: 'success',
          changes: { record: { before, after: null } },
        },
        tx,
      );
      return true;
    });
  }
}

/** The demo seed's blind areas (the embedded default), written through the same use case: audited as `system:demo-seed`. */
export const seedBlindAreas = async (pool: StoragePool, areas: readonly BlindAreaDto[]): Promise<void> => {
  const save = new SaveBlindAreaUseCase(pool);
  for (const area of areas) await save.execute(area, { actor: 'system:demo-seed' });
};
