import type { CaseEventV1, OverloadViolationV1 } from '@roadwatch/contracts';
import {
  caseFactsOfViolation,
  companyBasisText,
  driverFineDecidedText,
  eitherBasisText,
  oneOverFourPenalties,
  windowStartExclusiveMs,
  type OneOverFourPenalties,
  type OverloadConfig,
  type PenaltyConfig,
} from '@roadwatch/rules';
import type { CaseCompany, CaseHistoryRepository, CaseSourceSite, RegistryRepository, SourceTraceRecord, VehicleRecord } from '@roadwatch/storage';

type Party = NonNullable<CaseEventV1['party']>;

/**
 * The 货运源头单位 a case names from its loading site (RULES.md §13): the site's company, else
 * the site itself, with the licence and address the registry holds — the same at opening and
 * when an officer confirms a trace.
 */
export const sourceSitePartyOf = (site: CaseSourceSite) => ({
  identified: true as const,
  partyRef: site.sourceSiteId,
  name: site.companyName ?? site.name,
  site: site.name,
  ...(site.companyId ? { companyId: site.companyId } : {}),
  ...(site.licenceNo ? { licenceNo: site.licenceNo } : {}),
  ...(site.address ? { address: site.address } : {}),
});

/** One case per violation, whatever the delivery count: the id is the violation's. */
export const caseIdOf = (violationId: string): string => `case:${violationId}`;
/** Event ids are natural keys: a re-run of the same case writes nothing new. */
export const caseEventIdOf = (caseId: string, type: CaseEventV1['type'], party?: Party): string => `${caseId}/${type}${party ? `/${party}` : ''}`;

export const UNIDENTIFIED = 'unidentified — to be established by the officer';

/** What a proposal reads: over the opening's transaction, so the violation just stored counts as it always did. */
export interface CaseProposalReads {
  history: CaseHistoryRepository;
  registry: RegistryRepository;
}

export interface CaseProposalConfig {
  penaltyConfig: PenaltyConfig;
  overloadConfig: Pick<OverloadConfig, 'dimensionLimitsM'>;
  /** WIM station → 货运源头单位 site (a station at or linked to a loading site). */
  stationSourceSites: Readonly<Record<string, string>>;
  /** Who drove at the weighing (`driverOnDutyOf`: the IC card, else the roster); a WIM record itself names no driver. */
  driverOf?: (violation: OverloadViolationV1) => Promise<CaseDriverFinding | undefined>;
}

/** The driver party as a source found it: the driver named with the evidence, or none with the candidates. */
export interface CaseDriverFinding {
  /** Null: the source shows several drivers (or none) — nobody is named. */
  driverId: string | null;
  name?: string;
  licenceNo?: string;
  /** What names him (a card sign-in at …, a roster shift …), zh and en, with the facts. */
  evidence?: { source: 'ic_card' | 'roster' | 'none'; zh: string; en: string } & Record<string, unknown>;
  /** Every driver the deciding source shows at the weighing; two or more → none named. */
  candidates?: Array<{ driverId: string; name?: string }>;
}

export interface CaseProposal {
  caseId: string;
  penalties: OneOverFourPenalties;
  events: CaseEventV1[];
}

/**
 * 一超四罚 for one confirmed violation (RULES.md §5): names the four parties, proposes the
 * penalties on the trailing 12 months of history, and returns the case's opening events
 * in order (opened, four party_named, four penalty_proposed). Pure but for the reads.
 */
export class CaseProposer {
  constructor(private readonly config: CaseProposalConfig) {}

  /**
   * Who drove at the weighing, read before the case's transaction: the resolver reads through
   * its own connection, and on a one-connection pool (the embedded default) a read inside the
   * transaction would wait for the connection the transaction holds.
   */
  driverAt(violation: OverloadViolationV1): Promise<CaseDriverFinding | undefined> {
    return this.config.driverOf ? this.config.driverOf(violation) : Promise.resolve(undefined);
  }

  /**
   * `trace`: the 源头倒查 of the violation (§13); grade A names its site when no station link does.
   * `finding`: `driverAt`'s answer, found before the transaction.
   */
  async propose(
    violation: OverloadViolationV1,
    nowMs: number,
    reads: CaseProposalReads,
    trace?: SourceTraceRecord,
    finding?: CaseDriverFinding,
  ): Promise<CaseProposal> {
    const d = { ...this.config, ...reads };
    const caseId = caseIdOf(violation.violationId);
    const atMs = violation.measurement.measuredAtMs;
    const vehicle = await d.registry.vehicle(violation.vehicleId);
    const companyId = violation.companyId ?? vehicle?.companyId;
    const company = companyId ? await d.history.company(companyId) : undefined;
    const driver = finding?.driverId ? { ...finding, driverId: finding.driverId } : undefined;
    const linkedSiteId = d.stationSourceSites[violation.measurement.stationId];
    const siteId = linkedSiteId ?? (trace?.grade === 'A' ? trace.sourceSiteId : undefined);
    const site = siteId ? await d.history.sourceSite(siteId) : undefined;

    const fromMs = windowStartExclusiveMs(atMs, d.penaltyConfig.repeat.windowMonths);
    const priors = await d.history.priorViolations({
      vehicleId: violation.vehicleId,
      ...(companyId ? { companyId } : {}),
      ...(driver ? { driverId: driver.driverId } : {}),
      fromMs,
      toMs: atMs,
    });
    // The facts the message carries, read as the detector decided them (never re-judged).
    const facts = caseFactsOfViolation({ ...violation, ...(companyId ? { companyId } : {}) }, d.overloadConfig);
    const penalties = oneOverFourPenalties(
      {
        violation: facts,
        ...(vehicle ? { vehicle } : {}),
        ...(driver ? { driverId: driver.driverId } : {}),
        ...(site ? { sourceUnit: { sourceUnitId: site.sourceSiteId } } : {}),
        priorViolations: priors,
        ...(site ? { priorSourceUnitPenalties: await d.history.sourceUnitPenalties(site.sourceSiteId, fromMs, atMs) } : {}),
        ...(company && company.fleetSize > 0 ? { companyFleetSize: company.fleetSize } : {}),
      },
      d.penaltyConfig,
    );

    const event = (type: CaseEventV1['type'], details: Record<string, unknown>, party?: Party): CaseEventV1 => ({
      v: 1,
      eventId: caseEventIdOf(caseId, type, party),
      caseId,
      type,
      violationId: violation.violationId,
      ...(party ? { party } : {}),
      occurredAtMs: nowMs,
      details,
    });
    const events: CaseEventV1[] = [
      event('opened', {
        vehicleId: violation.vehicleId,
        plate: violation.measurement.plate,
        plateColour: violation.measurement.plateColour,
        ...(companyId ? { companyId } : {}),
        stationId: violation.measurement.stationId,
        measuredAtMs: atMs,
        measuredGrossKg: violation.measurement.grossKg,
        confirmedGrossKg: violation.confirmedGrossKg,
        limitKg: violation.limitKg,
        limitBasis: violation.limitBasis,
        excessKg: violation.excessKg,
        overloadRatio: violation.overloadRatio,
        overDimensions: violation.overDimensions,
        severity: violation.severity,
        isBaiDunWang: violation.isBaiDunWang,
        flaggedForReview: penalties.reviewRecommendations.length > 0,
        reviewRecommendations: penalties.reviewRecommendations,
        blacklistCandidates: penalties.blacklistCandidates,
        basis: penalties.basis,
        basisEn: penalties.basisEn,
      }),
      ...partyEvents(violation, vehicle, company, finding, site, linkedSiteId ? undefined : trace, await candidateSitesOf(trace, d.history)).map(
        ([party, details]) => event('party_named', details, party),
      ),
      ...penaltyEvents(penalties).map(([party, details]) => event('penalty_proposed', details, party)),
    ];
    return { caseId, penalties, events };
  }
}

/** The B candidates with what the officer needs to choose (name, company), in the rule's order. */
const candidateSitesOf = async (trace: SourceTraceRecord | undefined, history: CaseHistoryRepository): Promise<CaseSourceSite[]> => {
  if (trace?.grade !== 'B') return [];
  const sites: CaseSourceSite[] = [];
  for (const id of trace.candidateSiteIds) {
    const site = await history.sourceSite(id);
    if (site) sites.push(site);
  }
  return sites;
};

interface TraceStopView {
  spanStartMs: number;
  spanEndMs: number;
  heldMs: number;
  reports?: Array<{ latitudeDeg: number; longitudeDeg: number }>;
}

/** What the source-unit party says of its 源头倒查: the grade, the rule's reasons, and per grade the proposal, the candidates or the stops. */
const traceDetails = (trace: SourceTraceRecord, candidates: CaseSourceSite[]): Record<string, unknown> => {
  const result = trace.result as {
    method?: string;
    reasons?: unknown[];
    possibleLoadingPoints?: TraceStopView[];
    candidateSites?: Array<{ siteId: string; relation: string }>;
  };
  const relation = new Map((result.candidateSites ?? []).map((c) => [c.siteId, c.relation]));
  const base = { traceId: trace.traceId, grade: trace.grade, traceStatus: trace.status, method: result.method, reasons: result.reasons ?? [] };
  if (trace.grade === 'B')
    return {
      ...base,
      toConfirm: true,
      candidates: candidates.map((c) => ({
        siteId: c.sourceSiteId,
        site: c.name,
        ...(c.companyId ? { companyId: c.companyId } : {}),
        ...(c.companyName ? { companyName: c.companyName } : {}),
        ...(relation.get(c.sourceSiteId) ? { relation: relation.get(c.sourceSiteId) } : {}),
      })),
    };
  if (trace.grade === 'C')
    return {
      ...base,
      possibleLoadingPoints: (result.possibleLoadingPoints ?? []).map((s) => ({
        spanStartMs: s.spanStartMs,
        spanEndMs: s.spanEndMs,
        heldMs: s.heldMs,
        ...(s.reports?.[0] ? { latitudeDeg: s.reports[0].latitudeDeg, longitudeDeg: s.reports[0].longitudeDeg } : {}),
      })),
    };
  return base;
};

const partyEvents = (
  v: OverloadViolationV1,
  vehicle: VehicleRecord | undefined,
  company: CaseCompany | undefined,
  driver: CaseDriverFinding | undefined,
  site: CaseSourceSite | undefined,
  trace: SourceTraceRecord | undefined,
  candidates: CaseSourceSite[],
): Array<[Party, Record<string, unknown>]> => [
  [
    'driver',
    driver?.driverId
      ? {
          identified: true,
          partyRef: driver.driverId,
          ...(driver.name ? { name: driver.name } : {}),
          ...(driver.licenceNo ? { licenceNo: driver.licenceNo } : {}),
          ...(driver.evidence ? { evidence: driver.evidence } : {}),
          ...(driver.candidates ? { candidates: driver.candidates } : {}),
        }
      : {
          identified: false,
          name: UNIDENTIFIED,
          note:
            driver?.candidates && driver.candidates.length > 1
              ? 'several drivers on duty at the weighing; 从业资格证 to be established by the officer'
              : 'the WIM record names no driver; 从业资格证 to be recorded by the officer',
          ...(driver?.evidence ? { evidence: driver.evidence } : {}),
          ...(driver?.candidates?.length ? { candidates: driver.candidates } : {}),
        },
  ],
  [
    'vehicle_owner',
    {
      identified: true,
      partyRef: v.vehicleId,
      name: vehicle?.ownerName ?? company?.name ?? `owner of ${v.measurement.plate}`,
      ...(vehicle?.transportCertNo ? { licenceNo: vehicle.transportCertNo } : {}),
      plate: v.measurement.plate,
      plateColour: v.measurement.plateColour,
      registered: vehicle !== undefined,
    },
  ],
  [
    'transport_company',
    company
      ? {
          identified: true,
          partyRef: company.companyId,
          name: company.name,
          ...(company.licenceNo ? { licenceNo: company.licenceNo } : {}),
          fleetSize: company.fleetSize,
          ...(company.regionCode ? { regionCode: company.regionCode } : {}),
        }
      : { identified: false, name: UNIDENTIFIED, note: 'vehicle or company not in the registry' },
  ],
  [
    'source_unit',
    site
      ? {
          ...sourceSitePartyOf(site),
          via: trace ? `源头倒查 grade A (${trace.traceId})` : `WIM station ${v.measurement.stationId}`,
          ...(trace ? traceDetails(trace, candidates) : {}),
        }
      : {
          identified: false,
          name: UNIDENTIFIED,
          note: trace
            ? trace.grade === 'B'
              ? '源头倒查 grade B: the officer confirms one of the candidate sites'
              : '源头倒查 grade C: no loading site found; the stops are recorded as possible unregistered loading points'
            : `station ${v.measurement.stationId} is not linked to a loading site; loading slip (装载单) to be checked`,
          ...(trace ? traceDetails(trace, candidates) : {}),
        },
  ],
];

/**
 * `penalty_proposed` details: the keys CaseRepository projects, plus ranges and consequences.
 * Each text in Chinese (the projected key) and English (`…En`): the events are the record
 * replayed, so both languages are kept as the rules wrote them.
 */
const penaltyEvents = (p: OneOverFourPenalties): Array<[Party, Record<string, unknown>]> => {
  const owner = p.vehicleOwner;
  const driver = p.driver;
  const company = p.transportCompany;
  const su = p.sourceUnit;
  const suMin = Math.min(...su.proposed.map((r) => r.range.minYuan));
  const suMax = Math.max(...su.proposed.map((r) => r.range.maxYuan));
  const decided = driverFineDecidedText();
  const companyBasis = companyBasisText({ zh: company.note, en: company.noteEn });
  const suBasis = eitherBasisText(su.proposed.map((r) => ({ zh: r.basis, en: r.basisEn })));
  return [
    [
      'vehicle_owner',
      {
        warning: owner.outcome === 'warning',
        fineYuan: owner.proposedYuan,
        minYuan: owner.range.minYuan,
        maxYuan: owner.range.maxYuan,
        capYuan: owner.capYuan,
        ...(owner.weight ? { tonnes: owner.weight.tonnes, excessKg: owner.weight.excessKg } : {}),
        measures: owner.consequence ? [owner.consequence] : [],
        repeat: owner.repeat,
        consequence: owner.consequence,
        consequenceEn: owner.consequenceEn,
        basis: owner.basis,
        basisEn: owner.basisEn,
      },
    ],
    [
      'driver',
      {
        warning: false,
        ...(driver.points !== null ? { points: driver.points } : {}),
        ...(driver.fine ? { minYuan: driver.fine.minYuan, maxYuan: driver.fine.maxYuan } : { minYuan: 0, maxYuan: 0 }),
        ratio: driver.ratio,
        massKg: driver.massKg,
        massBasis: driver.massBasis,
        measures: driver.consequence ? [driver.consequence] : [],
        repeat: driver.repeat,
        consequence: driver.consequence,
        consequenceEn: driver.consequenceEn,
        basis: `${driver.basis}；${decided.zh}`,
        basisEn: `${driver.basisEn}; ${decided.en}`,
      },
    ],
    [
      'transport_company',
      {
        warning: false,
        minYuan: 0,
        maxYuan: 0,
        measures: ['抄告', ...(company.consequence ? [company.consequence] : [])],
        fleetShare: company.fleetShare,
        consequence: company.consequence,
        consequenceEn: company.consequenceEn,
        basis: companyBasis.zh,
        basisEn: companyBasis.en,
      },
    ],
    [
      'source_unit',
      {
        warning: false,
        minYuan: suMin,
        maxYuan: suMax,
        conduct: su.conduct,
        ranges: su.proposed.map((r) => ({ conduct: r.conduct, minYuan: r.range.minYuan, maxYuan: r.range.maxYuan, basis: r.basis, basisEn: r.basisEn })),
        measures: [],
        history: su.history,
        basis: suBasis.zh,
        basisEn: suBasis.en,
      },
    ],
  ];
};
