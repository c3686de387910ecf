import type { CaseReportRequest } from '@roadwatch/contracts';

/** Report (抄告, 超限规定 第44条) a decided case to the home authority (`POST /v1/cases/:caseId/report`). */
export interface ReportCaseCommand {
  caseId: string;
  actor: string;
  request: CaseReportRequest;
  nowMs: number;
}
