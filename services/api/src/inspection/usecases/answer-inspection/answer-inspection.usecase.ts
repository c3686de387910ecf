import type { InspectionItem } from '@roadwatch/contracts';
import type { InspectionRecord, InspectionRepository } from '@roadwatch/storage';
import { InspectionCommandError } from '../../inspection-command.error';
import { inspectionItemOf } from '../../inspection-item';
import type { AnswerInspectionCommand } from './answer-inspection.command';

/**
 * Records the company's answer once: a second answer is refused (conflict) and changes nothing;
 * an answer after the window is recorded and reads as late. A 查岗 not addressed to the
 * caller's company is not found, whoever else it went to. Only company users answer: the
 * monitoring centre asks, it does not answer for a company.
 */
export class AnswerInspectionUseCase {
  constructor(
    private readonly inspections: InspectionRepository,
    private readonly answered: (record: InspectionRecord) => void,
  ) {}

  async execute({ scope, inspectionId, answer, nowMs }: AnswerInspectionCommand): Promise<InspectionItem> {
    if (scope.kind !== 'company') throw new InspectionCommandError('forbidden', 'only the company addressed answers its 查岗');
    const outcome = await this.inspections.answer({ inspectionId, companyId: scope.value, answeredBy: scope.principal.username, answeredAtMs: nowMs, answer });
    if (outcome.kind === 'not_found') throw new InspectionCommandError('not_found', `inspection ${inspectionId} not found`);
    if (outcome.kind === 'already_answered')
      throw new InspectionCommandError(
        'conflict',
        `inspection ${inspectionId} was already answered by ${outcome.record.recipients[0]?.answeredBy ?? 'your company'}`,
      );
    this.answered(outcome.record);
    return inspectionItemOf(outcome.record, nowMs);
  }
}
