import type { BlindAreaDto } from '@roadwatch/contracts';
import { AuditRepository, BlindAreaRepository, inTransaction, type BlindAreaRecord, type StoragePool } from '@roadwatch/storage';
import type { Scope } from '../../auth/scope';

export interface BlindAreaCommandContext {
  scope: Scope;
  clientAddress?: string | undefined;
}

/** Creates or replaces a registered blind area (RULES §15 tampering exclusion); the write and its audit entry commit together. */
export class SaveBlindAreaUseCase {
  constructor(private readonly pool: StoragePool) {}

  async execute(area: BlindAreaDto, { scope, clientAddress }: BlindAreaCommandContext): Promise<BlindAreaRecord> {
    return inTransaction(this.pool, async (tx) => {
      const areas = new BlindAreaRepository(tx);
      const before = await areas.get(area.blindAreaId);
      const { created } = await areas.upsert(area);
      await new AuditRepository(tx).record(
        {
          actor: scope.principal.username,
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

  async execute(blindAreaId: string, { scope, clientAddress }: BlindAreaCommandContext): Promise<boolean> {
    return inTransaction(this.pool, async (tx) => {
      const areas = new BlindAreaRepository(tx);
      const before = await areas.get(blindAreaId);
      if (!before || !(await areas.remove(blindAreaId))) return false;
      await new AuditRepository(tx).record(
        {
          actor: scope.principal.username,
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
