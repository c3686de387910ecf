import type { CaseEventV1 } from '@roadwatch/contracts';
import type { OneOverFourPenalties } from '@roadwatch/rules';
import type { CaseRecord } from '@roadwatch/storage';
import type { CaseUnitOfWork } from '../../case-unit-of-work';
import type { OpenCaseCommand } from './open-case.command';
import { caseIdOf, type CaseProposer } from './propose-case';
import type { SourceTraceAtOpening } from './source-trace-at-opening';

export type OpenCaseResult =
  | { opened: true; caseId: string; penalties: OneOverFourPenalties; events: CaseEventV1[] }
  /** The case was complete already (a redelivery): its stored events, queued again unchanged. */
  | { opened: false; caseId: string; events: CaseEventV1[] };

/** The stored event as it went out (details as recorded). */
const asEvent = (record: CaseRecord, e: CaseRecord['events'][number]): CaseEventV1 => ({
  v: 1,
  eventId: e.eventId,
  caseId: record.caseId,
  type: e.type,
  violationId: record.violationId,
  ...(e.party ? { party: e.party } : {}),
  occurredAtMs: e.occurredAtMs,
  details: e.details,
});

/**
 * Stores the violation (its only writer), proposes its case and records the opening events
 * (opened, four party_named, four penalty_proposed) with their `cases.events` outbox rows,
 * in one transaction. A redelivered violation finds its case complete and queues the stored
 * events again (consumers dedupe on eventId); it never recomputes nor opens a second case.
 */
export class OpenCaseUseCase {
  constructor(
    private readonly unitOfWork: CaseUnitOfWork,
    private readonly proposer: CaseProposer,
    /** 源头倒查 at opening (§13); absent → the source unit comes from the station link only. */
    private readonly sourceTrace?: SourceTraceAtOpening,
  ) {}

  async execute({ violation, nowMs }: OpenCaseCommand): Promise<OpenCaseResult> {
    const caseId = caseIdOf(violation.violationId);
    // Before the transaction: the driver's reads use their own connection (see CaseProposer.driverAt).
    const driver = await this.proposer.driverAt(violation);
    return this.unitOfWork.run(async (tx) => {
      await tx.violations.insert(violation);
      const existing = await tx.cases.get(caseId);
      // Penalties are the last events of an opening: with them stored the case is complete.
      if (existing && existing.penalties.length === 4) {
        const events = existing.events.map((e) => asEvent(existing, e));
        await tx.publish(events);
        return { opened: false, caseId, events };
      }
      const trace = this.sourceTrace ? await this.sourceTrace.trace(violation, caseId, tx) : undefined;
      const proposal = await this.proposer.propose(violation, nowMs, tx, trace, driver);
      for (const event of proposal.events) await tx.cases.apply(event);
      await tx.publish(proposal.events);
      return { opened: true, caseId, penalties: proposal.penalties, events: proposal.events };
    });
  }
}
