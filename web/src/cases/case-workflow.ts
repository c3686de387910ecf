import {
  caseCloseRequest,
  caseDecisionRequest,
  caseReportRequest,
  fieldIssuesOf,
  type ApiRole,
  type CaseCloseRequest,
  type CaseDecisionRequest,
  type CaseDetail,
  type CaseReportRequest,
  type FieldIssue,
} from '@roadwatch/contracts';

/**
 * The 一超四罚 case workflow's pure parts: which action a user may take on a case, and the
 * request bodies built from the forms, checked against the contract (and, for fines, the
 * legal range the API will hold them to) before anything is sent.
 */

export type CaseAction = 'decide' | 'report' | 'close';
export type CaseParty = CaseDetail['penalties'][number]['party'];
type Penalty = CaseDetail['penalties'][number];

/** Only enforcement users act on cases (the API answers others 403); the status says which step is next. */
export const caseActions = (status: CaseDetail['status'], role: ApiRole): CaseAction[] => {
  if (role !== 'enforcement') return [];
  switch (status) {
    case 'opened':
      return ['decide'];
    case 'decided':
      return ['report', 'close'];
    case 'reported':
      return ['close'];
    case 'closed':
      return [];
  }
};

export type SourceUnitConduct = NonNullable<CaseDecisionRequest['penalties'][number]['conduct']>;
export const SOURCE_UNIT_CONDUCTS: readonly SourceUnitConduct[] = caseDecisionRequest.shape.penalties.unwrap().element.shape.conduct.unwrap().options;

/** The range a fine is decided within: the proposal's, or for the source unit the chosen conduct's. */
export const fineRangeOf = (penalty: Penalty, conduct?: string): { minYuan: number; maxYuan: number } | undefined => {
  if (penalty.ranges && penalty.ranges.length > 0) {
    const r = penalty.ranges.find((x) => x.conduct === conduct);
    return r ? { minYuan: r.minYuan, maxYuan: r.maxYuan } : undefined;
  }
  if (penalty.minYuan === undefined && penalty.maxYuan === undefined) return undefined;
  return { minYuan: penalty.minYuan ?? 0, maxYuan: penalty.maxYuan ?? 0 };
};

/** A fine the officer may set: a range with room in it, or one per conduct (the source unit). */
export const isAdjustable = (penalty: Penalty): boolean =>
  (penalty.ranges?.length ?? 0) > 0 || (penalty.maxYuan !== undefined && penalty.maxYuan > (penalty.minYuan ?? 0));

/** What the decision form holds per party: the fine as typed and, for the source unit, the conduct. */
export interface FineInput {
  fineYuan: string;
  conduct?: string;
}

export type DecisionIssue =
  { party: CaseParty; kind: 'notNumber' } | { party: CaseParty; kind: 'conduct' } | { party: CaseParty; kind: 'range'; minYuan: number; maxYuan: number };

export type Built<T, I> = { ok: true; request: T } | { ok: false; issues: I[] };

/**
 * The decision body: a party is listed only when the officer changed its proposal (another
 * fine, or the source unit's conduct named); the rest are decided as proposed. Each listed
 * fine must lie in its legal range; the source unit's range is its conduct's.
 */
export const decisionRequestOf = (
  detail: Pick<CaseDetail, 'penalties'>,
  inputs: Partial<Record<CaseParty, FineInput>>,
  comment: string,
): Built<CaseDecisionRequest, DecisionIssue> => {
  const issues: DecisionIssue[] = [];
  const penalties: CaseDecisionRequest['penalties'] = [];
  for (const p of detail.penalties) {
    const input = inputs[p.party];
    if (!input || !isAdjustable(p)) continue;
    const typed = input.fineYuan.trim();
    const conduct = input.conduct || undefined;
    const hasRanges = (p.ranges?.length ?? 0) > 0;
    const fine = typed === '' ? p.fineYuan : Number(typed);
    const changed = (typed !== '' && fine !== p.fineYuan) || (hasRanges && conduct !== undefined);
    if (!changed) continue;
    if (fine === undefined || !Number.isFinite(fine) || fine < 0) {
      issues.push({ party: p.party, kind: 'notNumber' });
      continue;
    }
    if (hasRanges && !SOURCE_UNIT_CONDUCTS.includes(conduct as SourceUnitConduct)) {
      issues.push({ party: p.party, kind: 'conduct' });
      continue;
    }
    const range = fineRangeOf(p, conduct);
    if (!range) {
      issues.push({ party: p.party, kind: 'conduct' });
      continue;
    }
    if (fine < range.minYuan || fine > range.maxYuan) {
      issues.push({ party: p.party, kind: 'range', ...range });
      continue;
    }
    penalties.push({ party: p.party, fineYuan: fine, ...(hasRanges ? { conduct: conduct as SourceUnitConduct } : {}) });
  }
  if (issues.length > 0) return { ok: false, issues };
  const parsed = caseDecisionRequest.safeParse({ penalties, ...(comment.trim() ? { comment: comment.trim() } : {}) });
  return parsed.success ? { ok: true, request: parsed.data } : { ok: false, issues: [] };
};

export const reportRequestOf = (form: { reportedTo: string; reference: string; comment: string }): Built<CaseReportRequest, FieldIssue> => {
  const parsed = caseReportRequest.safeParse({
    reportedTo: form.reportedTo,
    ...(form.reference.trim() ? { reference: form.reference } : {}),
    ...(form.comment.trim() ? { comment: form.comment.trim() } : {}),
  });
  return parsed.success ? { ok: true, request: parsed.data } : { ok: false, issues: fieldIssuesOf(parsed.error) };
};

export const CLOSE_OUTCOMES: readonly CaseCloseRequest['outcome'][] = caseCloseRequest.shape.outcome.options;

export const closeRequestOf = (form: { outcome: string; comment: string }): Built<CaseCloseRequest, FieldIssue> => {
  const parsed = caseCloseRequest.safeParse(form);
  return parsed.success ? { ok: true, request: parsed.data } : { ok: false, issues: fieldIssuesOf(parsed.error) };
};
