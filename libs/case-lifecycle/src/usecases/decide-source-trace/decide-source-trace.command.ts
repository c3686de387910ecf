/** The officer confirms or rejects a case's 源头倒查 (`POST /v1/cases/:caseId/source-trace/decision`, RULES.md §13). */
export interface DecideSourceTraceCommand {
  caseId: string;
  /** The officer's user name (`decidedBy`). */
  actor: string;
  decision: 'confirm' | 'reject';
  /** The site confirmed: one of a B trace's candidates, or an A trace's own site (default the proposed one). */
  siteId?: string;
  comment: string;
  nowMs: number;
}
