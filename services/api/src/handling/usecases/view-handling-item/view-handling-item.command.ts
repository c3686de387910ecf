import type { Scope } from '../../../auth/scope';

/** A company user opens an item of its 待处理 list (`POST /v1/handling/:alertId/view`): the first view marks it viewed, with who and when. */
export interface ViewHandlingItemCommand {
  scope: Scope;
  alertId: string;
  nowMs: number;
}
