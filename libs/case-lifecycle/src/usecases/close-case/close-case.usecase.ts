import type { CaseEventV1 } from '@roadwatch/contracts';
import { caseNotFound, wrongState } from '../../case-command.error';
import type { CaseUnitOfWork } from '../../case-unit-of-work';
import { advanceEvent } from '../case-proposals';
import type { CloseCaseCommand } from './close-case.command';

/** Closes a decided or reported case, with the outcome and why. */
export class CloseCaseUseCase {
  constructor(private readonly unitOfWork: CaseUnitOfWork) {}

  execute({ caseId, actor, request, nowMs }: CloseCaseCommand): Promise<CaseEventV1> {
    return this.unitOfWork.run(async (tx) => {
      const record = (await tx.cases.get(caseId)) ?? caseNotFound(caseId);
      if (record.status !== 'decided' && record.status !== 'reported') wrongState(`case ${caseId} is ${record.status}; decide it before closing`);
      const event = advanceEvent(record, 'closed', nowMs, { closedBy: actor, outcome: request.outcome, comment: request.comment });
      if (!(await tx.cases.apply(event))) wrongState(`case ${caseId} is already closed`);
      await tx.publish([event]);
      return event;
    });
  }
}
