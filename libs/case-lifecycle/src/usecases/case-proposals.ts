import type { CaseEventV1 } from '@roadwatch/contracts';
import type { CaseRecord } from '@roadwatch/storage';

type Party = NonNullable<CaseEventV1['party']>;

export interface ProposalRange {
  conduct: string;
  minYuan: number;
  maxYuan: number;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** A party's proposed legal range as its `penalty_proposed` event recorded it (0–0 when none). */
export const proposalOf = (record: CaseRecord, party: Party): { minYuan: number; maxYuan: number; ranges: ProposalRange[] } => {
  const details = record.events.find((e) => e.type === 'penalty_proposed' && e.party === party)?.details ?? {};
  return {
    minYuan: num(details['minYuan']) ?? 0,
    maxYuan: num(details['maxYuan']) ?? 0,
    ranges: Array.isArray(details['ranges']) ? (details['ranges'] as ProposalRange[]) : [],
  };
};

/** Records a `reported` or `closed` event once (natural event id: of two officers acting at once, one records it). */
export const advanceEvent = (record: CaseRecord, type: 'reported' | 'closed', nowMs: number, details: Record<string, unknown>): CaseEventV1 => ({
  v: 1,
  eventId: `${record.caseId}/${type}`,
  caseId: record.caseId,
  type,
  violationId: record.violationId,
  occurredAtMs: nowMs,
  details,
});
