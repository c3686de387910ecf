import { conflict, notFound } from '../../registry-command.error';
import { registryResources } from '../../registry-resources';
import { fieldChanges, type RegistryUnitOfWork } from '../../registry-unit-of-work';
import type { DeleteRegistryRecordCommand } from './delete-registry-record.command';

/**
 * Deletes the record and writes its audit entry and its `registry.changes` delete in one transaction. Refuses an
 * absent record (not found) and one that records still refer to (conflict, saying which).
 */
export class DeleteRegistryRecordUseCase {
  constructor(private readonly unitOfWork: RegistryUnitOfWork) {}

  execute(command: DeleteRegistryRecordCommand): Promise<void> {
    return this.unitOfWork.run(async (repositories, changed) => {
      const resource = registryResources(repositories)[command.resource];
      // Companies and vehicles have no delete: the records that name them are evidence.
      if (!resource?.table) return notFound('registry resource', command.resource);
      const stored = (await resource.storedId(command.id)) ?? notFound(resource.what, command.id);
      const inUse = await repositories.registryAdmin.inUse(resource.table, stored);
      if (inUse) conflict(inUse);
      const before = await resource.get(stored);
      await repositories.registryAdmin.delete(resource.table, stored);
      await repositories.audit.record({
        ...command.by,
        action: 'registry.delete',
        target: `${command.resource}/${stored}`,
        outcome: 'success',
        changes: fieldChanges(before, undefined),
      });
      await changed(resource.entity, stored, 'delete');
    });
  }
}
