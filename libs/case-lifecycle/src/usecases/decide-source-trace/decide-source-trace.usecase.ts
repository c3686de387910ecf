import type { CaseEventV1 } from '@roadwatch/contracts';
import type { SourceTraceRecord } from '@roadwatch/storage';
import { caseNotFound, invalidCommand, wrongState } from '../../case-command.error';
import type { CaseUnitOfWork } from '../../case-unit-of-work';
import { caseEventIdOf, sourceSitePartyOf, UNIDENTIFIED } from '../open-case/propose-case';
import type { DecideSourceTraceCommand } from './decide-source-trace.command';

export interface DecideSourceTraceResult {
  trace: SourceTraceRecord;
  event: CaseEventV1;
}

/**
 * The officer's word on a case's 源头倒查 (RULES.md §13): a grade-A proposal or a grade-B
 * question confirmed (naming the site's company as the case's 货运源头单位) or rejected (the
 * party back to "to be established"), with a comment. The trace's decision, the case's
 * `party_named` event for the source unit and its `cases.events` outbox row commit in one
 * transaction; a trace is decided once (409 after), only while the case is still opened.
 */
export class DecideSourceTraceUseCase {
  constructor(private readonly unitOfWork: CaseUnitOfWork) {}

  execute(c: DecideSourceTraceCommand): Promise<DecideSourceTraceResult> {
    return this.unitOfWork.run(async (tx) => {
      const record = (await tx.cases.get(c.caseId)) ?? caseNotFound(c.caseId);
      const trace = (await tx.sourceTraces.byCase(c.caseId)).find((t) => t.triggerKind === 'violation') ?? caseNotFound(`${c.caseId} source trace`);
      if (record.status !== 'opened') wrongState(`case ${c.caseId} is already ${record.status}: its source unit is settled`);
      if (trace.status !== 'proposed' && trace.status !== 'to_confirm')
        wrongState(
          trace.status === 'recorded'
            ? `the source trace of case ${c.caseId} is grade C: there is no site to confirm`
            : `the source trace of case ${c.caseId} is already ${trace.status}`,
        );
      const comment = c.comment.trim();
      if (comment.length === 0) invalidCommand('body.comment: say why (the decision is kept with the case)');

      let siteId: string | null = null;
      if (c.decision === 'confirm') {
        const proposed = trace.grade === 'A' ? trace.sourceSiteId : undefined;
        const candidates = trace.grade === 'A' && proposed ? [proposed] : trace.candidateSiteIds;
        siteId = c.siteId ?? (candidates.length === 1 ? (candidates[0] as string) : null);
        if (siteId === null) invalidCommand(`body.siteId: name the site confirmed (one of ${candidates.join(', ')})`);
        if (!candidates.includes(siteId as string)) invalidCommand(`body.siteId: ${siteId} is not a site this trace found (${candidates.join(', ')})`);
      }
      const site = siteId ? await tx.history.sourceSite(siteId) : undefined;
      if (siteId && !site) invalidCommand(`body.siteId: site ${siteId} is no longer registered`);

      const status = c.decision === 'confirm' ? 'confirmed' : 'rejected';
      const decided = await tx.sourceTraces.decide({
        traceId: trace.traceId,
        status,
        sourceSiteId: c.decision === 'confirm' ? siteId : (trace.sourceSiteId ?? null),
        sourceCompanyId: site?.companyId ?? null,
        decidedBy: c.actor,
        decidedAtMs: c.nowMs,
        comment,
      });
      if (!decided) wrongState(`the source trace of case ${c.caseId} was decided meanwhile`);

      const decision = {
        traceId: trace.traceId,
        grade: trace.grade,
        traceStatus: status,
        decidedBy: c.actor,
        comment,
        reasons: (trace.result['reasons'] as unknown[]) ?? [],
      };
      const event: CaseEventV1 = {
        v: 1,
        // One decision per trace: a second is refused above, and the natural id keeps a replay single.
        eventId: `${caseEventIdOf(c.caseId, 'party_named', 'source_unit')}/decided`,
        caseId: c.caseId,
        type: 'party_named',
        violationId: record.violationId,
        party: 'source_unit',
        occurredAtMs: c.nowMs,
        details: site
          ? {
              ...sourceSitePartyOf(site),
              via: `源头倒查 grade ${trace.grade}, confirmed by ${c.actor}`,
              ...decision,
            }
          : { identified: false, name: UNIDENTIFIED, note: `源头倒查 rejected by ${c.actor}: ${comment}`, ...decision },
      };
      if (!(await tx.cases.apply(event))) wrongState(`the source trace of case ${c.caseId} is already decided`);
      await tx.publish([event]);
      return {
        trace: {
          ...trace,
          status,
          decidedBy: c.actor,
          decidedAtMs: c.nowMs,
          decisionComment: comment,
          ...(site?.companyId ? { sourceCompanyId: site.companyId } : {}),
          ...(siteId ? { sourceSiteId: siteId } : {}),
        },
        event,
      };
    });
  }
}
