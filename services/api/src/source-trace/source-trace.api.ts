import { CaseCommandError, DecideSourceTraceUseCase, type CaseUnitOfWork } from '@roadwatch/case-lifecycle';
import type {
  CaseSourceTraceResponse,
  PossibleLoadingPointsResponse,
  SourceTraceDecisionRequest,
  SourceTraceItem,
  SourceUnitRankingResponse,
} from '@roadwatch/contracts';
import { SourceTraceReadModel, type AuditRepository, type SourceTraceRecord, type StoragePool } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';

type Stop = SourceTraceItem['stops'][number];

interface StoredStop {
  spanStartMs: number;
  spanEndMs: number;
  heldMs: number;
  reports?: Array<{ latitudeDeg: number; longitudeDeg: number }>;
  sites?: Array<{ siteId: string; relation: 'at' | 'near' }>;
}

/** A stop as the panel draws it: its span, dwell, first still report and the sites it is at or near (the reports themselves stay stored). */
const stopOf = (s: StoredStop): Stop => ({
  spanStartMs: s.spanStartMs,
  spanEndMs: s.spanEndMs,
  heldMs: s.heldMs,
  ...(s.reports?.[0] ? { latitudeDeg: s.reports[0].latitudeDeg, longitudeDeg: s.reports[0].longitudeDeg } : {}),
  sites: s.sites ?? [],
});

export const sourceTraceItemOf = (t: SourceTraceRecord): SourceTraceItem => {
  const r = t.result as {
    method?: 'exit_scale' | 'track';
    candidateStop?: StoredStop | null;
    stops?: StoredStop[];
    possibleLoadingPoints?: StoredStop[];
    reasons?: SourceTraceItem['reasons'];
  };
  return {
    traceId: t.traceId,
    ...(t.caseId ? { caseId: t.caseId } : {}),
    ...(t.vehicleId ? { vehicleId: t.vehicleId } : {}),
    plate: t.plate,
    weighedAtMs: t.weighedAtMs,
    grade: t.grade,
    method: r.method ?? 'track',
    status: t.status,
    ...(t.sourceSiteId ? { sourceSiteId: t.sourceSiteId } : {}),
    ...(t.sourceCompanyId ? { sourceCompanyId: t.sourceCompanyId } : {}),
    candidateSiteIds: t.candidateSiteIds,
    unweighedExit: t.unweighedExit,
    candidateStop: r.candidateStop ? stopOf(r.candidateStop) : null,
    stops: (r.stops ?? []).map(stopOf),
    possibleLoadingPoints: (r.possibleLoadingPoints ?? []).map(stopOf),
    reasons: r.reasons ?? [],
    ...(t.decidedBy ? { decidedBy: t.decidedBy } : {}),
    ...(t.decidedAtMs !== undefined ? { decidedAtMs: t.decidedAtMs } : {}),
    ...(t.decisionComment ? { decisionComment: t.decisionComment } : {}),
  };
};

/**
 * 源头倒查 for the API (RULES.md §13): a case's trace with the sites it names, the officer's
 * confirmation (a use case of @roadwatch/case-lifecycle, audited), the ranking of source
 * units and the grade-C stops layer. The caller has checked the case is in the scope.
 */
export class SourceTraceApi {
  private readonly reads: SourceTraceReadModel;
  private readonly decideUseCase: DecideSourceTraceUseCase;

  constructor(
    pool: StoragePool,
    caseWrites: CaseUnitOfWork,
    private readonly audit: AuditRepository,
  ) {
    this.reads = new SourceTraceReadModel(pool);
    this.decideUseCase = new DecideSourceTraceUseCase(caseWrites);
  }

  async ofCase(caseId: string): Promise<CaseSourceTraceResponse> {
    const trace = await this.reads.ofCase(caseId);
    if (!trace) return { trace: null, sites: [] };
    const siteIds = [...new Set([...(trace.sourceSiteId ? [trace.sourceSiteId] : []), ...trace.candidateSiteIds])];
    return { trace: sourceTraceItemOf(trace), sites: await this.reads.sites(siteIds) };
  }

  /** The officer's decision; audited (a refusal too, with its reason). */
  async decide(scope: Scope, caseId: string, request: SourceTraceDecisionRequest, nowMs: number): Promise<CaseSourceTraceResponse> {
    const actor = scope.principal.username;
    const target = `case/${caseId}/source-trace`;
    try {
      const { trace } = await this.decideUseCase.execute({
        caseId,
        actor,
        decision: request.decision,
        ...(request.siteId ? { siteId: request.siteId } : {}),
        comment: request.comment,
        nowMs,
      });
      await this.audit.record({
        actor,
        action: 'case.source_trace_decide',
        target,
        outcome: 'success',
        reason: request.comment,
        changes: { status: { after: trace.status }, sourceSiteId: { after: trace.sourceSiteId ?? null } },
      });
    } catch (error) {
      if (error instanceof CaseCommandError)
        await this.audit.record({ actor, action: 'case.source_trace_decide', target, outcome: 'failure', reason: error.message });
      throw error;
    }
    return this.ofCase(caseId);
  }

  async ranking(scope: Scope, q: { fromMs: number; toMs: number; limit: number }): Promise<SourceUnitRankingResponse> {
    return { fromMs: q.fromMs, toMs: q.toMs, rows: await this.reads.ranking(scope.filter, q) };
  }

  async possibleLoadingPoints(scope: Scope, q: { fromMs: number; toMs: number; limit: number }): Promise<PossibleLoadingPointsResponse> {
    return { fromMs: q.fromMs, toMs: q.toMs, items: await this.reads.possibleLoadingPoints(scope.filter, q) };
  }
}
