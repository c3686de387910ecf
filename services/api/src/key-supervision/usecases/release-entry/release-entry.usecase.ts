import { AuditRepository, inTransaction, KeySupervisionRepository, type KeySupervisionEntryRecord, type StoragePool } from '@roadwatch/storage';
import { KeySupervisionCommandError } from '../../key-supervision-command.error';
import type { ReleaseEntryCommand } from './release-entry.command';

/**
 * Ends a listing by an officer's decision: the entry must be visible in the caller's scope
 * (otherwise not found, as an id that does not exist) and still open (else `not_listed`, a 409).
 * The release and its audit entry commit together. The 重点监管 job honours it: only triggers
 * dated after the release list the subject again.
 */
export class ReleaseEntryUseCase {
  constructor(private readonly pool: StoragePool) {}

  async execute({ scope, entryId, comment, nowMs, clientAddress }: ReleaseEntryCommand): Promise<KeySupervisionEntryRecord> {
    return inTransaction(this.pool, async (tx) => {
      const entries = new KeySupervisionRepository(tx);
      const entry = await entries.get(entryId, scope.filter, tx);
      if (!entry) throw new KeySupervisionCommandError('not_found', `重点监管 entry ${entryId} not found`);
      const byUsername = scope.principal.username;
      if (!(await entries.release(entryId, { byUsername, atMs: nowMs, comment }, tx))) {
        throw new KeySupervisionCommandError('not_listed', `重点监管 entry ${entryId} already left the list`);
      }
      await new AuditRepository(tx).record(
        {
          actor: byUsername,
          clientAddress,
          action: 'key_supervision.release',
          target: `key-supervision/${entryId}`,
          outcome: 'success',
          reason: comment,
          changes: { exitKind: { after: 'released' }, subject: { after: `${entry.subjectKind}:${entry.subjectId}` } },
        },
        tx,
      );
      return (await entries.get(entryId, scope.filter, tx)) as KeySupervisionEntryRecord;
    });
  }
}
