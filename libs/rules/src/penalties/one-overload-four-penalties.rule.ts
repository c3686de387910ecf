import type { OverloadViolationV1 } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import type { Dimension, DimensionExcess, ViolationAssessment } from '../overload/overload-assessment.rule';
import type { OverloadConfig } from '../overload/overload.config';
import { driverPenalty, type DriverPenalty } from './driver-penalty.rule';
import type { PenaltyConfig, YuanRange } from './penalties.config';
import {
  baiDunWangReviewText,
  caseBasisText,
  companyListReasonText,
  companyNoteText,
  companySuspensionText,
  driverStopText,
  repeatListReasonText,
  sourceUnitBasisText,
  vehicleRevocationText,
  type Bilingual,
} from './penalty-texts';
import {
  companyFleetShare,
  priorsInWindow,
  repeatCount,
  sourceUnitHistory,
  type CompanyFleetShare,
  type PriorSourceUnitPenalty,
  type PriorViolation,
  type RepeatCount,
  type SourceUnitHistory,
} from './repeat-consequences.rule';
import { vehicleOwnerPenalty, type VehicleOwnerPenalty } from './vehicle-owner-fine.rule';

/**
 * RULES.md §5 一超四罚 (超限规定 第32条): one confirmed 超限 violation, four parties. The
 * result *proposes*: ranges and consequences for an officer to decide, never a decision.
 */
export type SourceUnitConduct = 'directed_or_forced' | 'let_overloaded_leave';

/**
 * What the penalties are proposed on: the facts of the confirmed violation as the detector
 * decided it — every one carried by the `violations.overload` message — and, for an
 * over-dimension, the limit exceeded.
 */
export interface OverloadCaseFacts {
  violationId: string;
  vehicleId: string;
  companyId?: string;
  measurementId: string;
  stationId: string;
  measuredAtMs: number;
  measuredGrossKg: number;
  confirmedGrossKg: number;
  limitKg: number;
  limitBasis: string;
  /** The scale's accuracy class, evidence of a 百吨王 review. */
  accuracyClassPct: number;
  overWeight: boolean;
  excessKg: number;
  isBaiDunWang: boolean;
  dimensionsM: { heightM?: number; widthM?: number; lengthM?: number };
  overDimensions: readonly DimensionExcess[];
}

/**
 * The facts of a `violations.overload` message, read as they are (never re-judged). The
 * accuracy class is the measurement's, else the one the permissible error was computed at;
 * only the dimension limits, not carried on the message, come from the overload config.
 */
export const caseFactsOfViolation = (v: OverloadViolationV1, config: Pick<OverloadConfig, 'dimensionLimitsM'>): OverloadCaseFacts => {
  const m = v.measurement;
  const values: Record<Dimension, number | undefined> = { height: m.heightM, width: m.widthM, length: m.lengthM };
  return {
    violationId: v.violationId,
    vehicleId: v.vehicleId,
    ...(v.companyId !== undefined ? { companyId: v.companyId } : {}),
    measurementId: m.measurementId,
    stationId: m.stationId,
    measuredAtMs: m.measuredAtMs,
    measuredGrossKg: m.grossKg,
    confirmedGrossKg: v.confirmedGrossKg,
    limitKg: v.limitKg,
    limitBasis: v.limitBasis,
    accuracyClassPct: m.accuracyClassPct ?? (m.grossKg > 0 ? Math.round((v.maxPermissibleErrorKg / m.grossKg) * 1e6) / 1e4 : 0),
    overWeight: v.overWeight,
    excessKg: v.excessKg,
    isBaiDunWang: v.isBaiDunWang,
    dimensionsM: {
      ...(m.heightM !== undefined ? { heightM: m.heightM } : {}),
      ...(m.widthM !== undefined ? { widthM: m.widthM } : {}),
      ...(m.lengthM !== undefined ? { lengthM: m.lengthM } : {}),
    },
    overDimensions: v.overDimensions
      .filter((d) => values[d] !== undefined)
      .map((d) => ({ dimension: d, valueM: values[d] as number, limitM: config.dimensionLimitsM[d] })),
  };
};

/** The facts of an assessment made in-process (the detector's own, and the rules' tests). */
export const caseFactsOfAssessment = (a: ViolationAssessment): OverloadCaseFacts => ({
  violationId: a.violationId,
  vehicleId: a.vehicleId,
  ...(a.companyId !== undefined ? { companyId: a.companyId } : {}),
  measurementId: a.measurementId,
  stationId: a.stationId,
  measuredAtMs: a.measuredAtMs,
  measuredGrossKg: a.measuredGrossKg,
  confirmedGrossKg: a.confirmedGrossKg,
  limitKg: a.limit.limitKg,
  limitBasis: a.limit.basis,
  accuracyClassPct: a.accuracyClass.pct,
  overWeight: a.overWeight,
  excessKg: a.excessKg,
  isBaiDunWang: a.isBaiDunWang,
  dimensionsM: a.dimensionsM,
  overDimensions: a.overDimensions,
});

export interface OverloadCaseInput {
  violation: OverloadCaseFacts;
  /** The registry record, when the plate is registered (registered 最大允许总质量 for the driver). */
  vehicle?: VehicleFacts;
  driverId?: string;
  /** The 货运源头单位 when known (loading slip); conduct as established by an officer. */
  sourceUnit?: { sourceUnitId: string; conduct?: SourceUnitConduct };
  /** Prior confirmed violations of this vehicle, driver and company (any may be included; filtered here). */
  priorViolations?: readonly PriorViolation[];
  priorSourceUnitPenalties?: readonly PriorSourceUnitPenalty[];
  /** The company's fleet size, for the 10% line. */
  companyFleetSize?: number;
}

export interface VehicleOwnerParty extends VehicleOwnerPenalty {
  vehicleId: string;
  repeat: RepeatCount;
  /** §5: more than 3 in 12 months → revoke 车辆营运证. Chinese; `consequenceEn` in English. */
  consequence: string | null;
  consequenceEn: string | null;
}

export interface DriverParty extends DriverPenalty {
  /** Null when the driver is not identified. */
  repeat: RepeatCount | null;
  /** §5: more than 3 → 责令停止从事营业性运输. */
  consequence: string | null;
  consequenceEn: string | null;
}

export interface CompanyParty {
  companyId?: string;
  /** §5: always notified (抄告). */
  notify: true;
  fleetShare: CompanyFleetShare | null;
  /** §5: violating vehicles > 10% of the fleet → 停业整顿. */
  consequence: string | null;
  consequenceEn: string | null;
  note: string;
  noteEn: string;
}

export interface SourceUnitParty {
  sourceUnitId?: string;
  conduct: SourceUnitConduct | 'to_be_established';
  /** Ranges an officer decides within; both when the conduct is not yet established. */
  proposed: Array<{ conduct: SourceUnitConduct; range: YuanRange; basis: string; basisEn: string }>;
  history: SourceUnitHistory | null;
}

export interface BlacklistCandidate {
  party: 'vehicle_owner' | 'driver' | 'transport_company' | 'source_unit';
  partyId: string;
  /** Chinese; `reasonEn` the same in English. */
  reason: string;
  reasonEn: string;
}

export interface ReviewRecommendation {
  reason: string;
  reasonEn: string;
  evidence: Record<string, unknown>;
}

export interface OneOverFourPenalties {
  violationId: string;
  basis: string;
  basisEn: string;
  vehicleOwner: VehicleOwnerParty;
  driver: DriverParty;
  transportCompany: CompanyParty;
  sourceUnit: SourceUnitParty;
  /** 严重违法失信 list candidates (2017 联合惩戒 memorandum). */
  blacklistCandidates: BlacklistCandidate[];
  /** 百吨王 and other escalations: for review with evidence, not a list case in itself. */
  reviewRecommendations: ReviewRecommendation[];
}

const zhEn = (text: Bilingual | null) => (text === null ? { zh: null, en: null } : text);

export const oneOverFourPenalties = (input: OverloadCaseInput, config: PenaltyConfig): OneOverFourPenalties => {
  const v = input.violation;
  const history = input.priorViolations ?? [];
  const current = { violationId: v.violationId, occurredAtMs: v.measuredAtMs };
  const window = priorsInWindow(history, current, config);
  const months = config.repeat.windowMonths;
  const moreThan = config.repeat.moreThan;
  const blacklistCandidates: BlacklistCandidate[] = [];
  const candidate = (party: BlacklistCandidate['party'], partyId: string, reason: Bilingual): void => {
    blacklistCandidates.push({ party, partyId, reason: reason.zh, reasonEn: reason.en });
  };

  // Vehicle / owner.
  const vehicleRepeat = repeatCount(
    window.filter((p) => p.vehicleId === v.vehicleId),
    config,
  );
  const vehicleConsequence = zhEn(vehicleRepeat.triggered ? vehicleRevocationText({ count: vehicleRepeat.count, months, moreThan }) : null);
  if (vehicleRepeat.triggered) candidate('vehicle_owner', v.vehicleId, repeatListReasonText({ count: vehicleRepeat.count, months, moreThan }));
  const vehicleOwner: VehicleOwnerParty = {
    ...vehicleOwnerPenalty(v, config),
    vehicleId: v.vehicleId,
    repeat: vehicleRepeat,
    consequence: vehicleConsequence.zh,
    consequenceEn: vehicleConsequence.en,
  };

  // Driver.
  const driverBase = driverPenalty(
    { confirmedGrossKg: v.confirmedGrossKg, limitKg: v.limitKg, registeredMaxGrossKg: input.vehicle?.registeredMaxGrossKg, driverId: input.driverId },
    config,
  );
  const driverRepeat =
    input.driverId === undefined
      ? null
      : repeatCount(
          window.filter((p) => p.driverId === input.driverId),
          config,
        );
  if (driverRepeat?.triggered && input.driverId !== undefined) {
    candidate('driver', input.driverId, repeatListReasonText({ count: driverRepeat.count, months, moreThan }));
  }
  const driverConsequence = zhEn(driverRepeat?.triggered ? driverStopText({ count: driverRepeat.count, months, moreThan }) : null);
  const driver: DriverParty = {
    ...driverBase,
    repeat: driverRepeat,
    consequence: driverConsequence.zh,
    consequenceEn: driverConsequence.en,
  };

  // Transport company.
  const companyId = v.companyId;
  const fleetSize = input.companyFleetSize;
  const fleetShare =
    companyId !== undefined && fleetSize !== undefined && fleetSize > 0
      ? companyFleetShare(
          window.filter((p) => p.companyId === companyId),
          v.vehicleId,
          fleetSize,
          config,
        )
      : null;
  const fleet = fleetShare && { violatingVehicles: fleetShare.violatingVehicles, fleetSize: fleetShare.fleetSize, shareAbove: fleetShare.shareAbove, months };
  if (fleet && fleetShare?.triggered && companyId !== undefined) candidate('transport_company', companyId, companyListReasonText(fleet));
  const companyConsequence = zhEn(fleet && fleetShare?.triggered ? companySuspensionText(fleet) : null);
  const note = companyNoteText(companyId === undefined ? 'not_on_record' : fleetShare === null ? 'fleet_size_unknown' : 'assessed');
  const transportCompany: CompanyParty = {
    ...(companyId !== undefined ? { companyId } : {}),
    notify: true,
    fleetShare,
    consequence: companyConsequence.zh,
    consequenceEn: companyConsequence.en,
    note: note.zh,
    noteEn: note.en,
  };

  // Source loading unit.
  const su = input.sourceUnit;
  const conducts: SourceUnitConduct[] = su?.conduct !== undefined ? [su.conduct] : ['directed_or_forced', 'let_overloaded_leave'];
  const suHistory = su === undefined ? null : sourceUnitHistory(su.sourceUnitId, input.priorSourceUnitPenalties ?? [], v.measuredAtMs, config);
  if (su !== undefined && suHistory?.blacklistCandidate) {
    blacklistCandidates.push({
      party: 'source_unit',
      partyId: su.sourceUnitId,
      reason: suHistory.reasons.join('；'),
      reasonEn: suHistory.reasonsEn.join('; '),
    });
  }
  const sourceUnit: SourceUnitParty = {
    ...(su !== undefined ? { sourceUnitId: su.sourceUnitId } : {}),
    conduct: su?.conduct ?? 'to_be_established',
    proposed: conducts.map((conduct) => {
      const basis = sourceUnitBasisText(conduct);
      return {
        conduct,
        range: conduct === 'directed_or_forced' ? config.sourceUnit.directingOrForcing : config.sourceUnit.lettingOverloadedLeave,
        basis: basis.zh,
        basisEn: basis.en,
      };
    }),
    history: suHistory,
  };

  const reviewRecommendations: ReviewRecommendation[] = v.isBaiDunWang
    ? [
        {
          reason: baiDunWangReviewText().zh,
          reasonEn: baiDunWangReviewText().en,
          evidence: {
            measurementId: v.measurementId,
            stationId: v.stationId,
            measuredAtMs: v.measuredAtMs,
            measuredGrossKg: v.measuredGrossKg,
            confirmedGrossKg: v.confirmedGrossKg,
            limitKg: v.limitKg,
            limitBasis: v.limitBasis,
            accuracyClassPct: v.accuracyClassPct,
            priorViolationIds: vehicleRepeat.priorViolationIds,
          },
        },
      ]
    : [];

  return {
    violationId: v.violationId,
    basis: caseBasisText().zh,
    basisEn: caseBasisText().en,
    vehicleOwner,
    driver,
    transportCompany,
    sourceUnit,
    blacklistCandidates,
    reviewRecommendations,
  };
};
