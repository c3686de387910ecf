import { AuditRepository, inTransaction, TargetingRepository, type StoredTargeting, type StoragePool } from '@roadwatch/storage';
import { TargetingCommandError } from '../../targeting-command.error';
import type { DecideTargetingCommand } from './decide-targeting.command';

/**
 * An officer's decision on a lead: it must be visible in the caller's scope (otherwise not found,
 * as an id that does not exist) and still open (else `decided`, a 409). The decision and its
 * audit entry commit together.
 */
export class DecideTargetingUseCase {
  constructor(private readonly pool: StoragePool) {}

  async execute({ scope, targetingId, status, note, nowMs, clientAddress }: DecideTargetingCommand): Promise<StoredTargeting> {
    return inTransaction(this.pool, async (tx) => {
      const leads = new TargetingRepository(tx);
      const lead = await leads.getInScope(targetingId, scope.filter);
      if (!lead) throw new TargetingCommandError('not_found', `targeting lead ${targetingId} not found`);
      const byUsername = scope.principal.username;
      if (!(await leads.decide(targetingId, { status, note, byUsername, atMs: nowMs }))) {
        throw new TargetingCommandError('decided', `targeting lead ${targetingId} was decided already (${lead.status})`);
      }
      await new AuditRepository(tx).record(
        {
          actor: byUsername,
          clientAddress,
          action: `targeting.${status === 'referred' ? 'refer' : 'dismiss'}`,
          target: `targeting/${targetingId}`,
          outcome: 'success',
          reason: note,
          changes: { status: { before: lead.status, after: status } },
        },
        tx,
      );
      return (await leads.getInScope(targetingId, scope.filter)) as StoredTargeting;
    });
  }
}
