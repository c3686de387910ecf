import type { RegistryEntity } from '@roadwatch/contracts';
import { appendRegistryChange, inStorageTransaction, type RelayRepository, type StoragePool } from '@roadwatch/storage';
import type { AuditEntry, AuditRepository } from '@roadwatch/storage';
import type { RegistryRepositories } from './registry-resources';

export type RecordChange = (entity: RegistryEntity, id: string, change: 'upsert' | 'delete') => Promise<void>;

export interface RegistryWriteRepositories extends RegistryRepositories {
  relays: RelayRepository;
  /** The audit log, written in the same transaction as the change it records. */
  audit: AuditRepository;
}

/** The fields of a record that differ between before and after (absent = unset), for the audit log. */
export const fieldChanges = (before: unknown, after: unknown): NonNullable<AuditEntry['changes']> => {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const changes: NonNullable<AuditEntry['changes']> = {};
  for (const field of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[field]) === JSON.stringify(a[field])) continue;
    changes[field] = { ...(b[field] !== undefined ? { before: b[field] } : {}), ...(a[field] !== undefined ? { after: a[field] } : {}) };
  }
  return changes;
};

/**
 * One registry write: the repositories' writes, their audit entries and their
 * `registry.changes` events in the outbox commit in one transaction (or neither does); after the commit the outbox relay is
 * told to publish at once. The registry use cases run their writes through it.
 */
export class RegistryUnitOfWork {
  constructor(
    private readonly pool: StoragePool,
    /** The repositories over a transaction's connection. */
    private readonly repositoriesOver: (db: StoragePool) => RegistryWriteRepositories,
    private readonly now: () => number,
    /** After every commit: the outbox relay's kick. */
    private readonly committed: () => void,
  ) {}

  async run<T>(work: (repositories: RegistryWriteRepositories, changed: RecordChange) => Promise<T>): Promise<T> {
    const result = await inStorageTransaction(this.pool, (tx) =>
      work(this.repositoriesOver(tx), async (entity, id, change) => {
        await appendRegistryChange(tx, { entity, id, change, changedAtMs: this.now() });
      }),
    );
    this.committed();
    return result;
  }
}
