import type { Scope } from '../../../auth/scope';

/** Acknowledge an alert in the caller's scope (`POST /v1/alerts/:alertId/ack`), saying why. */
export interface AcknowledgeAlertCommand {
  scope: Scope;
  alertId: string;
  comment: string;
  nowMs: number;
}
