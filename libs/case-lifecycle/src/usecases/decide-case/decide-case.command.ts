import type { CaseDecisionRequest } from '@roadwatch/contracts';

/** Decide an opened case (`POST /v1/cases/:caseId/decision`), adjusting fines within their legal ranges. */
export interface DecideCaseCommand {
  caseId: string;
  /** The enforcement officer's user name (`decidedBy`). */
  actor: string;
  request: CaseDecisionRequest;
  nowMs: number;
}
