import type { HandlingMeasure } from '@roadwatch/contracts';
import type { Scope } from '../../../auth/scope';

/** A company records how it handled an alert (`POST /v1/handling/:alertId/handle`): the measure (误报 included) and a comment. */
export interface HandleAlertCommand {
  scope: Scope;
  alertId: string;
  measure: HandlingMeasure;
  comment: string;
  nowMs: number;
}
