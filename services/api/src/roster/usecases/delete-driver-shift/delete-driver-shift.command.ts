import type { Scope } from '../../../auth/scope';

/** Delete a shift in the caller's scope (`DELETE /v1/roster/shifts/:shiftId`). */
export interface DeleteDriverShiftCommand {
  scope: Scope;
  shiftId: string;
  clientAddress?: string | undefined;
}
