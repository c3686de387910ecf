import type { CaseDetail, CaseListItem } from '@roadwatch/contracts';
import { article44ReportDeadline, type PenaltyConfig } from '@roadwatch/rules';
import { CaseReadModel, CaseRepository, type CaseListFilter, type CaseListRow, type StoragePool } from '@roadwatch/storage';
import type { Scope } from '../auth/scope';
import { compact, num, str } from './rows';

const itemOf = (r: CaseListRow): CaseListItem =>
  compact({
    caseId: r.caseId,
    violationId: r.violationId,
    vehicleId: r.vehicleId,
    plate: r.plate,
    companyId: r.ownerCompanyId,
    regionCode: r.ownerRegionCode,
    status: r.status,
    openedAtMs: r.openedAtMs,
    decidedAtMs: r.decidedAtMs,
    reportedAtMs: r.reportedAtMs,
    closedAtMs: r.closedAtMs,
    measuredAtMs: r.measuredAtMs,
    stationId: r.stationId,
    confirmedGrossKg: r.confirmedGrossKg,
    excessKg: r.excessKg,
    isBaiDunWang: r.isBaiDunWang,
    flaggedForReview: r.flaggedForReview,
    vehicleOwnerFineYuan: r.vehicleOwnerFineYuan,
  }) as CaseListItem;

const detailsOf = (events: CaseDetail['events'], type: string, party?: string): Record<string, unknown> =>
  events.find((e) => e.type === type && (party === undefined || e.party === party))?.details ?? {};

/**
 * 一超四罚 cases for the API, scoped as every other resource (`Scope`, `OWNER_OF.weighing`): an
 * operator or enforcement user with a region sees the cases weighed at its region's stations
 * (a station without a region: the vehicle's region), a company user its own vehicles' cases.
 * Outside the scope is "not found", reads and writes alike. Read-only: every state change
 * is a use case of @roadwatch/case-lifecycle (`ApiContext.caseCommands`).
 */
export class CasesRepository {
  private readonly store: CaseRepository;
  private readonly read: CaseReadModel;

  constructor(
    pool: StoragePool,
    private readonly penaltyConfig: PenaltyConfig,
  ) {
    this.store = new CaseRepository(pool);
    this.read = new CaseReadModel(pool);
  }

  async list(scope: Scope, q: CaseListFilter): Promise<CaseListItem[]> {
    return (await this.read.list(scope.filter, q)).map(itemOf);
  }

  /** Undefined when the case does not exist or the scope does not admit it (404 either way). */
  async get(scope: Scope, caseId: string): Promise<CaseDetail | undefined> {
    const row = await this.read.get(scope.filter, caseId);
    if (!row) return undefined;
    const record = await this.store.get(caseId);
    if (!record) return undefined;
    const events: CaseDetail['events'] = record.events.map((e) => compact({ ...e, party: e.party }) as CaseDetail['events'][number]);
    const opened = detailsOf(events, 'opened');
    const penalties: CaseDetail['penalties'] = record.penalties.map((p) => {
      const proposal = detailsOf(events, 'penalty_proposed', p.party);
      return compact({
        party: p.party,
        status: p.status,
        fineYuan: p.fineYuan,
        minYuan: num(proposal['minYuan']),
        maxYuan: num(proposal['maxYuan']),
        ranges: Array.isArray(proposal['ranges']) ? (proposal['ranges'] as CaseDetail['penalties'][number]['ranges']) : undefined,
        points: p.points,
        warning: p.warning,
        measures: p.measures,
        basis: p.basis,
        basisEn: str(proposal['basisEn']),
        consequence: typeof proposal['consequence'] === 'string' ? proposal['consequence'] : null,
        consequenceEn: str(proposal['consequenceEn']),
      }) as CaseDetail['penalties'][number];
    });
    const deadline = record.decidedAtMs !== undefined ? article44ReportDeadline(record.decidedAtMs, this.penaltyConfig) : null;
    return {
      ...itemOf(row),
      ...compact({ limitKg: row.limitKg, limitBasis: row.limitBasis, measuredGrossKg: row.measuredGrossKg }),
      parties: record.parties.map(
        (p) =>
          compact({
            party: p.party,
            identified: p.details['identified'] !== false,
            partyRef: p.partyRef,
            name: p.name,
            licenceNo: p.licenceNo,
            details: p.details,
          }) as CaseDetail['parties'][number],
      ),
      penalties,
      repeatConsequences: penalties
        .filter((p) => typeof p.consequence === 'string')
        .map(
          (p) =>
            compact({
              party: p.party,
              consequence: p.consequence as string,
              consequenceEn: p.consequenceEn ?? undefined,
            }) as CaseDetail['repeatConsequences'][number],
        ),
      blacklistCandidates: (opened['blacklistCandidates'] as CaseDetail['blacklistCandidates'] | undefined) ?? [],
      reviewRecommendations: (opened['reviewRecommendations'] as CaseDetail['reviewRecommendations'] | undefined) ?? [],
      reportDeadline: deadline && {
        decisionDate: deadline.decisionDate,
        dueDate: deadline.dueDate,
        workingDays: deadline.workingDays,
        basis: deadline.basis,
        basisEn: deadline.basisEn,
      },
      events,
    };
  }
}
