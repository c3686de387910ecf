import { randomUUID } from 'node:crypto';
import type { InspectionItem } from '@roadwatch/contracts';
import type { InspectionRecord, InspectionRepository } from '@roadwatch/storage';
import { InspectionCommandError } from '../../inspection-command.error';
import { forCompany, inspectionItemOf } from '../../inspection-item';
import type { SendInspectionCommand } from './send-inspection.command';

/**
 * Writes the 查岗 and one recipient per company addressed (window end = sent + window), all or
 * nothing: a named company that is not a transport company in the caller's scope refuses the
 * whole request (not found, as everything outside a scope is), and so does "all" when the scope
 * holds no transport company. Then each company addressed hears of it at once, its own row only.
 */
export class SendInspectionUseCase {
  constructor(
    private readonly inspections: InspectionRepository,
    private readonly sent: (companyId: string, record: InspectionRecord) => void,
  ) {}

  async execute({ scope, request, nowMs }: SendInspectionCommand): Promise<InspectionItem> {
    // A company user sends nothing, whatever its role's capabilities become.
    if (scope.kind === 'company') throw new InspectionCommandError('forbidden', 'only the monitoring centre sends 查岗');
    const outcome = await this.inspections.send({
      inspectionId: randomUUID(),
      question: request.question,
      sentBy: scope.principal.username,
      sentAtMs: nowMs,
      windowSeconds: request.windowMinutes * 60,
      addressing: request.addressing,
      senderRegionPrefix: scope.kind === 'region' ? scope.value : undefined,
      ...(request.companyIds ? { companyIds: request.companyIds } : {}),
      scope: scope.filter,
    });
    if (outcome.kind === 'outside_scope')
      throw new InspectionCommandError(
        'not_found',
        `companyIds: company ${outcome.companyIds.join(', ')} not found among the transport companies in your scope; nothing was sent`,
        'body.companyIds',
      );
    if (outcome.kind === 'no_company') throw new InspectionCommandError('not_found', 'no transport company in your scope to send to; nothing was sent');
    for (const r of outcome.record.recipients) this.sent(r.companyId, forCompany(outcome.record, r.companyId));
    return inspectionItemOf(outcome.record, nowMs);
  }
}
