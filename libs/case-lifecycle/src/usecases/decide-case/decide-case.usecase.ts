import type { CaseEventV1 } from '@roadwatch/contracts';
import { article44ReportDeadline, type PenaltyConfig } from '@roadwatch/rules';
import { caseNotFound, invalidCommand, wrongState } from '../../case-command.error';
import type { CaseUnitOfWork } from '../../case-unit-of-work';
import { proposalOf } from '../case-proposals';
import type { DecideCaseCommand } from './decide-case.command';

/**
 * Decides an opened case: each adjusted fine must lie within its proposal's legal range
 * (the source unit's within the range of the conduct named). Records one `decided` event
 * (once: the case's natural event id) — storage applies the decided figures with the status —
 * and its `cases.events` outbox row, in one transaction.
 */
export class DecideCaseUseCase {
  constructor(
    private readonly unitOfWork: CaseUnitOfWork,
    private readonly penaltyConfig: PenaltyConfig,
  ) {}

  execute({ caseId, actor, request, nowMs }: DecideCaseCommand): Promise<CaseEventV1> {
    return this.unitOfWork.run(async (tx) => {
      const record = (await tx.cases.get(caseId)) ?? caseNotFound(caseId);
      if (record.status !== 'opened') wrongState(`case ${caseId} is already ${record.status}`);
      const decided = new Map(
        record.penalties.map((p) => [
          p.party,
          { party: p.party, fineYuan: p.fineYuan ?? null, points: p.points ?? null, warning: p.warning, measures: p.measures } as Record<string, unknown>,
        ]),
      );
      for (const [i, adjust] of request.penalties.entries()) {
        if (!record.penalties.some((p) => p.party === adjust.party)) invalidCommand(`body.penalties.${i}.party: no proposed penalty for ${adjust.party}`);
        const proposal = proposalOf(record, adjust.party);
        let range = { minYuan: proposal.minYuan, maxYuan: proposal.maxYuan };
        if (adjust.party === 'source_unit') {
          const byConduct = proposal.ranges.find((r) => r.conduct === adjust.conduct);
          if (!byConduct)
            return invalidCommand(`body.penalties.${i}.conduct: name the conduct established (${proposal.ranges.map((r) => r.conduct).join(' or ')})`);
          range = byConduct;
        }
        if (adjust.fineYuan < range.minYuan || adjust.fineYuan > range.maxYuan) {
          invalidCommand(
            `body.penalties.${i}.fineYuan: ¥${adjust.fineYuan} is outside the legal range ¥${range.minYuan}–¥${range.maxYuan} for ${adjust.party}`,
          );
        }
        decided.set(adjust.party, {
          ...decided.get(adjust.party),
          fineYuan: adjust.fineYuan,
          ...(adjust.conduct ? { conduct: adjust.conduct } : {}),
          adjusted: true,
        });
      }
      const deadline = article44ReportDeadline(nowMs, this.penaltyConfig);
      const event: CaseEventV1 = {
        v: 1,
        eventId: `${caseId}/decided`,
        caseId,
        type: 'decided',
        violationId: record.violationId,
        occurredAtMs: nowMs,
        details: {
          decidedBy: actor,
          ...(request.comment ? { comment: request.comment } : {}),
          penalties: [...decided.values()],
          reportDueDate: deadline.dueDate,
        },
      };
      // The event id is the case's: of two officers deciding at once, one records the event.
      if (!(await tx.cases.apply(event))) wrongState(`case ${caseId} is already decided`);
      await tx.publish([event]);
      return event;
    });
  }
}
