import type { Scope } from '../../../auth/scope';

/** A company user answers its company's 查岗 (`POST /v1/inspections/:inspectionId/answer`). */
export interface AnswerInspectionCommand {
  scope: Scope;
  inspectionId: string;
  answer: string;
  nowMs: number;
}
