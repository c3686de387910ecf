import type { Scope } from '../../../auth/scope';

/** Ask for a month's scores again (`POST /v1/admin/assessment/recompute`). */
export interface RequestRecomputeCommand {
  scope: Scope;
  /** `yyyy-mm`. */
  month: string;
}
