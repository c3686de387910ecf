import type { CaseEventV1 } from '@roadwatch/contracts';
import { chinaDateOf } from '@roadwatch/domain';
import { article44ReportDeadline, type PenaltyConfig } from '@roadwatch/rules';
import { caseNotFound, wrongState } from '../../case-command.error';
import type { CaseUnitOfWork } from '../../case-unit-of-work';
import { advanceEvent } from '../case-proposals';
import type { ReportCaseCommand } from './report-case.command';

/**
 * 抄告 (超限规定 第44条): a decided case reported to the home authority. Once per case; the
 * event says whether it was within the deadline counted from the decision.
 */
export class ReportCaseUseCase {
  constructor(
    private readonly unitOfWork: CaseUnitOfWork,
    private readonly penaltyConfig: PenaltyConfig,
  ) {}

  execute({ caseId, actor, request, nowMs }: ReportCaseCommand): Promise<CaseEventV1> {
    return this.unitOfWork.run(async (tx) => {
      const record = (await tx.cases.get(caseId)) ?? caseNotFound(caseId);
      if (record.status !== 'decided') wrongState(`case ${caseId} is ${record.status}; only a decided case is reported`);
      const dueDate = record.decidedAtMs !== undefined ? article44ReportDeadline(record.decidedAtMs, this.penaltyConfig).dueDate : undefined;
      const event = advanceEvent(record, 'reported', nowMs, {
        reportedBy: actor,
        reportedTo: request.reportedTo,
        ...(request.reference ? { reference: request.reference } : {}),
        ...(request.comment ? { comment: request.comment } : {}),
        ...(dueDate ? { dueDate, withinDeadline: chinaDateOf(nowMs) <= dueDate } : {}),
      });
      if (!(await tx.cases.apply(event))) wrongState(`case ${caseId} is already reported`);
      await tx.publish([event]);
      return event;
    });
  }
}
