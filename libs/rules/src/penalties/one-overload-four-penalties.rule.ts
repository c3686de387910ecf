import type { VehicleFacts } from '@roadwatch/domain';
import type { ViolationAssessment } from '../overload/overload-assessment.rule';
import { driverPenalty, type DriverPenalty } from './driver-penalty.rule';
import type { PenaltyConfig, YuanRange } from './penalties.config';
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

export interface OverloadCaseInput {
  violation: ViolationAssessment;
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
  /** §5: more than 3 in 12 months → revoke 车辆营运证. */
  consequence: string | null;
}

export interface DriverParty extends DriverPenalty {
  /** Null when the driver is not identified. */
  repeat: RepeatCount | null;
  /** §5: more than 3 → 责令停止从事营业性运输. */
  consequence: string | null;
}

export interface CompanyParty {
  companyId?: string;
  /** §5: always notified (抄告). */
  notify: true;
  fleetShare: CompanyFleetShare | null;
  /** §5: violating vehicles > 10% of the fleet → 停业整顿. */
  consequence: string | null;
  note: string;
}

export interface SourceUnitParty {
  sourceUnitId?: string;
  conduct: SourceUnitConduct | 'to_be_established';
  /** Ranges an officer decides within; both when the conduct is not yet established. */
  proposed: Array<{ conduct: SourceUnitConduct; range: YuanRange; basis: string }>;
  history: SourceUnitHistory | null;
}

export interface BlacklistCandidate {
  party: 'vehicle_owner' | 'driver' | 'transport_company' | 'source_unit';
  partyId: string;
  reason: string;
}

export interface ReviewRecommendation {
  reason: string;
  evidence: Record<string, unknown>;
}

export interface OneOverFourPenalties {
  violationId: string;
  basis: string;
  vehicleOwner: VehicleOwnerParty;
  driver: DriverParty;
  transportCompany: CompanyParty;
  sourceUnit: SourceUnitParty;
  /** 严重违法失信 list candidates (2017 联合惩戒 memorandum). */
  blacklistCandidates: BlacklistCandidate[];
  /** 百吨王 and other escalations: for review with evidence, not a list case in itself. */
  reviewRecommendations: ReviewRecommendation[];
}

const SOURCE_UNIT_BASIS: Record<SourceUnitConduct, string> = {
  directed_or_forced: 'directing or forcing overloading (公路安全保护条例 第68条; 超限规定 第49条)',
  let_overloaded_leave: 'letting overloaded vehicles leave (道路运输条例 第71条)',
};

export const oneOverFourPenalties = (input: OverloadCaseInput, config: PenaltyConfig): OneOverFourPenalties => {
  const v = input.violation;
  const history = input.priorViolations ?? [];
  const current = { violationId: v.violationId, occurredAtMs: v.measuredAtMs };
  const window = priorsInWindow(history, current, config);
  const months = config.repeat.windowMonths;
  const blacklistCandidates: BlacklistCandidate[] = [];

  // Vehicle / owner.
  const vehicleRepeat = repeatCount(window.filter((p) => p.vehicleId === v.vehicleId), config);
  const vehicleConsequence = vehicleRepeat.triggered
    ? `revoke 车辆营运证: ${vehicleRepeat.count} violations in ${months} months (more than ${config.repeat.moreThan})`
    : null;
  if (vehicleRepeat.triggered) {
    blacklistCandidates.push({ party: 'vehicle_owner', partyId: v.vehicleId, reason: `${vehicleRepeat.count} 超限 violations in ${months} months (more than ${config.repeat.moreThan})` });
  }
  const vehicleOwner: VehicleOwnerParty = {
    ...vehicleOwnerPenalty(v, config),
    vehicleId: v.vehicleId,
    repeat: vehicleRepeat,
    consequence: vehicleConsequence,
  };

  // Driver.
  const driverBase = driverPenalty(
    { confirmedGrossKg: v.confirmedGrossKg, limitKg: v.limit.limitKg, registeredMaxGrossKg: input.vehicle?.registeredMaxGrossKg, driverId: input.driverId },
    config,
  );
  const driverRepeat = input.driverId === undefined ? null : repeatCount(window.filter((p) => p.driverId === input.driverId), config);
  if (driverRepeat?.triggered && input.driverId !== undefined) {
    blacklistCandidates.push({ party: 'driver', partyId: input.driverId, reason: `${driverRepeat.count} 超限 violations in ${months} months (more than ${config.repeat.moreThan})` });
  }
  const driver: DriverParty = {
    ...driverBase,
    repeat: driverRepeat,
    consequence: driverRepeat?.triggered ? `责令停止从事营业性运输: ${driverRepeat.count} violations in ${months} months (more than ${config.repeat.moreThan})` : null,
  };

  // Transport company.
  const companyId = v.companyId;
  const fleetSize = input.companyFleetSize;
  const fleetShare =
    companyId !== undefined && fleetSize !== undefined && fleetSize > 0
      ? companyFleetShare(window.filter((p) => p.companyId === companyId), v.vehicleId, fleetSize, config)
      : null;
  if (fleetShare?.triggered && companyId !== undefined) {
    blacklistCandidates.push({
      party: 'transport_company',
      partyId: companyId,
      reason: `${fleetShare.violatingVehicles} of ${fleetShare.fleetSize} vehicles violated in ${months} months (> ${fleetShare.shareAbove * 100}%), 停业整顿 proposed`,
    });
  }
  const transportCompany: CompanyParty = {
    ...(companyId !== undefined ? { companyId } : {}),
    notify: true,
    fleetShare,
    consequence: fleetShare?.triggered ? `停业整顿: ${fleetShare.violatingVehicles} of ${fleetShare.fleetSize} vehicles violated in ${months} months` : null,
    note:
      companyId === undefined
        ? 'company not on record (unregistered vehicle): 抄告 once identified'
        : fleetShare === null
          ? '抄告; fleet size not given, the 10% line not assessed'
          : '抄告',
  };

  // Source loading unit.
  const su = input.sourceUnit;
  const conducts: SourceUnitConduct[] = su?.conduct !== undefined ? [su.conduct] : ['directed_or_forced', 'let_overloaded_leave'];
  const suHistory = su === undefined ? null : sourceUnitHistory(su.sourceUnitId, input.priorSourceUnitPenalties ?? [], v.measuredAtMs, config);
  if (su !== undefined && suHistory?.blacklistCandidate) {
    blacklistCandidates.push({ party: 'source_unit', partyId: su.sourceUnitId, reason: suHistory.reasons.join('; ') });
  }
  const sourceUnit: SourceUnitParty = {
    ...(su !== undefined ? { sourceUnitId: su.sourceUnitId } : {}),
    conduct: su?.conduct ?? 'to_be_established',
    proposed: conducts.map((conduct) => ({
      conduct,
      range: conduct === 'directed_or_forced' ? config.sourceUnit.directingOrForcing : config.sourceUnit.lettingOverloadedLeave,
      basis: SOURCE_UNIT_BASIS[conduct],
    })),
    history: suHistory,
  };

  const reviewRecommendations: ReviewRecommendation[] = v.isBaiDunWang
    ? [
        {
          reason: '百吨王: recommended for review (not itself a 严重违法失信 case)',
          evidence: {
            measurementId: v.measurementId,
            stationId: v.stationId,
            measuredAtMs: v.measuredAtMs,
            measuredGrossKg: v.measuredGrossKg,
            confirmedGrossKg: v.confirmedGrossKg,
            limitKg: v.limit.limitKg,
            limitBasis: v.limit.basis,
            accuracyClassPct: v.accuracyClass.pct,
            priorViolationIds: vehicleRepeat.priorViolationIds,
          },
        },
      ]
    : [];

  return {
    violationId: v.violationId,
    basis: '一超四罚, 超限规定 第32条',
    vehicleOwner,
    driver,
    transportCompany,
    sourceUnit,
    blacklistCandidates,
    reviewRecommendations,
  };
};
