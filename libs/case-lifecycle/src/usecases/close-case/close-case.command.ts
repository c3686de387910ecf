import type { CaseCloseRequest } from '@roadwatch/contracts';

/** Close a decided or reported case with its outcome (`POST /v1/cases/:caseId/close`). */
export interface CloseCaseCommand {
  caseId: string;
  actor: string;
  request: CaseCloseRequest;
  nowMs: number;
}
