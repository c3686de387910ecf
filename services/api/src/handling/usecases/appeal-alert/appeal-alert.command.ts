import type { Scope } from '../../../auth/scope';

/** A company appeals an alert (`POST /v1/handling/:alertId/appeal`), saying why. */
export interface AppealAlertCommand {
  scope: Scope;
  alertId: string;
  reason: string;
  nowMs: number;
}
