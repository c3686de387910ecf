import type { Scope } from '../../../auth/scope';

/** An operator decides a pending appeal in its region (`POST /v1/handling/:alertId/appeal/decision`). */
export interface DecideAppealCommand {
  scope: Scope;
  alertId: string;
  decision: 'accepted' | 'rejected';
  comment: string;
  nowMs: number;
}
