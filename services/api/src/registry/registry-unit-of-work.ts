import type { RegistryEntity } from '@roadwatch/contracts';
import { appendRegistryChange, inStorageTransaction, type RelayRepository, type StoragePool } from '@roadwatch/storage';
import type { RegistryRepositories } from './registry-resources';

export type RecordChange = (entity: RegistryEntity, id: string, change: 'upsert' | 'delete') => Promise<void>;

export interface RegistryWriteRepositories extends RegistryRepositories {
  relays: RelayRepository;
}

/**
 * One registry write: the repositories' writes and their `registry.changes` events in the
 * outbox commit in one transaction (or neither does); after the commit the outbox relay is
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
