import type { Scope } from '../../../auth/scope';

/** Import the 运政 list of a month (`POST /v1/assessment/operating-vehicles?month=`). */
export interface ImportOperatingVehiclesCommand {
  scope: Scope;
  /** `yyyy-mm`. */
  month: string;
  body: unknown;
  contentType: string;
}
