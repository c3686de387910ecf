import type { AuditRepository, DriverShiftRepository } from '@roadwatch/storage';
import { RosterCommandError } from '../../roster-command.error';
import type { RosterChanges } from '../../roster-changes';
import type { DeleteDriverShiftCommand } from './delete-driver-shift.command';

/** Deletes a shift the caller may see (another company's is 404, as one that does not exist). Audited, and announced on `registry.changes` with the write. */
export class DeleteDriverShiftUseCase {
  constructor(
    private readonly shifts: DriverShiftRepository,
    private readonly audit: AuditRepository,
    private readonly changes: RosterChanges,
  ) {}

  async execute({ scope, shiftId, clientAddress }: DeleteDriverShiftCommand): Promise<void> {
    const before = await this.shifts.shift(shiftId);
    if (!before || !scope.admits({ companyId: before.companyId }) || !(await this.shifts.delete(shiftId, this.changes.announce(shiftId, 'delete'))))
      throw new RosterCommandError('not_found', `shift ${shiftId} not found`);
    this.changes.committed();
    await this.audit.record({
      actor: scope.principal.username,
      clientAddress,
      action: 'roster.shift_delete',
      target: `roster/shift/${shiftId}`,
      outcome: 'success',
      changes: {
        driverId: { before: before.driverId },
        vehicleId: { before: before.vehicleId },
        startsAtMs: { before: before.startsAtMs },
        endsAtMs: { before: before.endsAtMs },
      },
    });
  }
}
