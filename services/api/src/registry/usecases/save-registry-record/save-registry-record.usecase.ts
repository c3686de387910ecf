import { conflict, notFound } from '../../registry-command.error';
import { registryResources } from '../../registry-resources';
import { fieldChanges, type RecordChange, type RegistryUnitOfWork, type RegistryWriteRepositories } from '../../registry-unit-of-work';
import type { SaveRegistryRecordCommand } from './save-registry-record.command';

/** What a save did: `unchanged` only in `upsert` mode, when the stored record already was the record. */
export type SaveOutcome = { saved: unknown; outcome: 'created' | 'updated' | 'unchanged' };

/**
 * One save inside a registry transaction: the record, its audit entry (the fields that
 * changed) and its `registry.changes` upsert (and one for each row the write binds, a
 * vehicle's terminal). Refuses, writing nothing, an id that exists on create, an absent one
 * on replace, and a reference to a row that does not exist.
 */
export const saveRegistryRecord = async (
  repositories: RegistryWriteRepositories,
  changed: RecordChange,
  command: SaveRegistryRecordCommand,
): Promise<SaveOutcome> => {
  const resource = registryResources(repositories)[command.resource] ?? notFound('registry resource', command.resource);
  const id = command.record[resource.idKey] as string;
  const stored = await resource.storedId(id);
  if (command.mode === 'create' && stored !== undefined) conflict(`${resource.what} ${stored} exists; use PUT`);
  if (command.mode === 'replace' && stored === undefined) notFound(resource.what, id);
  await resource.checkReferences?.(command.record);
  const before = stored !== undefined ? await resource.get(stored) : undefined;
  const bound = resource.alsoChanged?.(command.record) ?? [];
  // A seed re-run over the same data: the stored record (and any terminal it binds) is already there.
  if (
    command.mode === 'upsert' &&
    before !== undefined &&
    (resource.sameAsStored ? await resource.sameAsStored(command.record, before) : Object.keys(fieldChanges(before, command.record)).length === 0)
  )
    return { saved: before, outcome: 'unchanged' };
  const saved = await resource.put(command.record, stored);
  await repositories.audit.record({
    ...command.by,
    action: stored === undefined ? 'registry.create' : 'registry.update',
    target: `${command.resource}/${stored ?? id}`,
    outcome: 'success',
    changes: fieldChanges(before, saved),
  });
  await changed(resource.entity, stored ?? id, 'upsert');
  for (const other of bound) await changed(other.entity, other.id, 'upsert');
  return { saved, outcome: stored === undefined ? 'created' : 'updated' };
};

/** Create or replace one registry record in its own transaction; answers the stored record. */
export class SaveRegistryRecordUseCase {
  constructor(private readonly unitOfWork: RegistryUnitOfWork) {}

  execute(command: SaveRegistryRecordCommand): Promise<unknown> {
    return this.unitOfWork.run(async (repositories, changed) => (await saveRegistryRecord(repositories, changed, command)).saved);
  }
}
