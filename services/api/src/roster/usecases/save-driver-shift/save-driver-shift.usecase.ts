import { randomUUID } from 'node:crypto';
import type { DriverShiftItem } from '@roadwatch/contracts';
import type { AuditRepository, DriverShiftRepository, RegistryRepository } from '@roadwatch/storage';
import { RosterCommandError } from '../../roster-command.error';
import type { RosterChanges } from '../../roster-changes';
import type { SaveDriverShiftCommand } from './save-driver-shift.command';

const iso = (ms: number): string => new Date(ms).toISOString();

/** The audit's field changes: each field's before and after (a new shift has no before). */
const changesOf = (before: DriverShiftItem | undefined, after: DriverShiftItem): Record<string, { before?: unknown; after?: unknown }> =>
  Object.fromEntries(
    (['driverId', 'vehicleId', 'companyId', 'startsAtMs', 'endsAtMs'] as const)
      .filter((k) => before?.[k] !== after[k])
      .map((k) => [k, before ? { before: before[k], after: after[k] } : { after: after[k] }]),
  );

/**
 * Saves a shift: the vehicle must be in the caller's scope and the driver of the vehicle's
 * company (a company user: its own; another's is 404, as one that does not exist — ids cannot
 * be probed); a replaced shift must be in scope too. A shift overlapping another of the
 * vehicle is refused (409, naming it). Audited, and announced on `registry.changes` with the
 * write (the detectors reload the roster their fatigue rule reads).
 */
export class SaveDriverShiftUseCase {
  constructor(
    private readonly shifts: DriverShiftRepository,
    private readonly registry: Pick<RegistryRepository, 'vehicle' | 'driver'>,
    private readonly audit: AuditRepository,
    private readonly changes: RosterChanges,
  ) {}

  async execute({ scope, shiftId, request, clientAddress }: SaveDriverShiftCommand): Promise<DriverShiftItem> {
    const before = shiftId === undefined ? undefined : await this.shifts.shift(shiftId);
    if (shiftId !== undefined && (!before || !scope.admits({ companyId: before.companyId })))
      throw new RosterCommandError('not_found', `shift ${shiftId} not found`);
    const vehicle = await this.registry.vehicle(request.vehicleId);
    if (!vehicle?.companyId || !scope.admits({ companyId: vehicle.companyId, regionCode: vehicle.regionCode }))
      throw new RosterCommandError('not_found', `vehicle ${request.vehicleId} not found`);
    const driver = await this.registry.driver(request.driverId);
    if (!driver || !scope.admits({ companyId: driver.companyId })) throw new RosterCommandError('not_found', `driver ${request.driverId} not found`);
    if (driver.companyId !== vehicle.companyId) {
      const message = `driver ${request.driverId} is not a driver of ${vehicle.companyId}, the company of vehicle ${request.vehicleId}`;
      throw new RosterCommandError('invalid_field', message, { field: 'body.driverId', message });
    }
    const shift = { shiftId: shiftId ?? randomUUID(), companyId: vehicle.companyId, ...request };
    const saved = await this.shifts.save(shift, this.changes.announce(shift.shiftId, 'upsert'));
    if (!saved.saved) {
      const o = saved.overlapping;
      throw new RosterCommandError(
        'conflict',
        `vehicle ${request.vehicleId} already has shift ${o.shiftId} (driver ${o.driverId}, ${iso(o.startsAtMs)}–${iso(o.endsAtMs)}) overlapping this one`,
      );
    }
    this.changes.committed();
    await this.audit.record({
      actor: scope.principal.username,
      clientAddress,
      action: 'roster.shift_save',
      target: `roster/shift/${shift.shiftId}`,
      outcome: 'success',
      changes: changesOf(before, shift),
    });
    return shift;
  }
}
