import { AuditRepository, RelayRepository, type StoragePool } from '@roadwatch/storage';
import { RegistryAdminRepository } from '../repositories/registry-admin.repository';
import { VehiclesRepository } from '../repositories/vehicles.repository';
import { RegistryUnitOfWork, type RegistryWriteRepositories } from './registry-unit-of-work';
import type { SeedRegistryCommand } from './usecases/seed-registry/seed-registry.command';
import { SeedRegistryUseCase, type SeedCounts } from './usecases/seed-registry/seed-registry.usecase';

/** The registry write repositories over a pool or a transaction's connection. */
export const registryWriteRepositories = (db: StoragePool, now: () => number, clockSkewMs?: number): RegistryWriteRepositories => ({
  vehicles: new VehiclesRepository(db, undefined, undefined, now, clockSkewMs),
  registryAdmin: new RegistryAdminRepository(db),
  relays: new RelayRepository(db),
  audit: new AuditRepository(db),
});

/**
 * Seeds the registry before the services start (the embedded default's simulated fleet):
 * the registry's own use case, so the records are checked, audited and announced on
 * `registry.changes` (the outbox keeps the events until an API instance's relay publishes them).
 */
export const seedRegistry = (pool: StoragePool, command: SeedRegistryCommand, now: () => number = Date.now): Promise<SeedCounts> =>
  new SeedRegistryUseCase(
    new RegistryUnitOfWork(
      pool,
      (tx) => registryWriteRepositories(tx, now),
      now,
      () => undefined,
    ),
  ).execute(command);
