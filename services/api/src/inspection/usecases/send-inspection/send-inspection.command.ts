import type { SendInspectionRequest } from '@roadwatch/contracts';
import type { Scope } from '../../../auth/scope';

/** Send a 查岗 question to named companies or to every transport company in the caller's scope (`POST /v1/inspections`). */
export interface SendInspectionCommand {
  scope: Scope;
  request: SendInspectionRequest;
  nowMs: number;
}
