import { conflict, notFound } from '../../registry-command.error';
import { registryResources } from '../../registry-resources';
import { fieldChanges, type RegistryUnitOfWork } from '../../registry-unit-of-work';
import type { SaveRegistryRecordCommand } from './save-registry-record.command';

/**
 * Writes the record, its audit entry (the fields that changed) and its `registry.changes`
 * upsert (and one for each row the write binds, a vehicle's terminal) in one transaction; answers the stored record. Refuses, writing
 * nothing, an id that exists on create, an absent one on replace, and a reference to a row
 * that does not exist.
 */
export class SaveRegistryRecordUseCase {
  constructor(private readonly unitOfWork: RegistryUnitOfWork) {}

  execute(command: SaveRegistryRecordCommand): Promise<unknown> {
    return this.unitOfWork.run(async (repositories, changed) => {
      const resource = registryResources(repositories)[command.resource] ?? notFound('registry resource', command.resource);
      const id = command.record[resource.idKey] as string;
      const stored = await resource.storedId(id);
      if (command.mode === 'create' && stored !== undefined) conflict(`${resource.what} ${stored} exists; use PUT`);
      if (command.mode === 'replace' && stored === undefined) notFound(resource.what, id);
      await resource.checkReferences?.(command.record);
      const before = stored !== undefined ? await resource.get(stored) : undefined;
      const saved = await resource.put(command.record, stored);
      await repositories.audit.record({
        ...command.by,
        action: stored === undefined ? 'registry.create' : 'registry.update',
        target: `${command.resource}/${stored ?? id}`,
        outcome: 'success',
        changes: fieldChanges(before, saved),
      });
      await changed(resource.entity, stored ?? id, 'upsert');
      for (const other of resource.alsoChanged?.(command.record) ?? []) await changed(other.entity, other.id, 'upsert');
      return saved;
    });
  }
}
