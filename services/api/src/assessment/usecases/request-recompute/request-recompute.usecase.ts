import { chinaMonthOf } from '@roadwatch/rules';
import type { AssessmentRecomputeRequestRepository, AuditRepository } from '@roadwatch/storage';
import { AssessmentCommandError } from '../../assessment-command.error';
import type { RequestRecomputeCommand } from './request-recompute.command';

/**
 * A month's scores computed again (after an appeal decision, a late import, a changed table):
 * recorded as a request that the scores job (services/supervision) honours on its next pass,
 * so the scores keep one writer. A month not yet over has nothing to recompute (400). Audited.
 */
export class RequestRecomputeUseCase {
  constructor(
    private readonly requests: AssessmentRecomputeRequestRepository,
    private readonly audit: AuditRepository,
    private readonly now: () => number,
  ) {}

  async execute({ scope, month }: RequestRecomputeCommand): Promise<void> {
    if (month >= chinaMonthOf(this.now())) throw new AssessmentCommandError(`${month} is not over yet: its scores come after it ends`, 'body.month');
    await this.requests.request(`${month}-01`, scope.principal.username);
    await this.audit.record({ actor: scope.principal.username, action: 'assessment.recompute', target: `assessment/${month}`, outcome: 'success' });
  }
}
