import type { DriverShiftRequest } from '@roadwatch/contracts';
import type { Scope } from '../../../auth/scope';

/** Add (`POST /v1/roster/shifts`) or replace (`PUT /v1/roster/shifts/:shiftId`) a shift in the caller's scope. */
export interface SaveDriverShiftCommand {
  scope: Scope;
  shiftId?: string | undefined;
  request: DriverShiftRequest;
  clientAddress?: string | undefined;
}
