import type { VehicleFacts } from '@roadwatch/domain';
import type { OverloadConfig } from './overload.config';

/**
 * RULES.md §4 table (超限规定 第3条) and its adjustments, read as §8 says: an adjustment
 * applies only when the vehicle record carries its data, and where the record leaves a
 * choice open the more lenient reading is taken (doubt goes to the party).
 */
export type LimitConfiguration = 'rigid' | 'combination' | 'unknown';

export interface LimitAdjustment {
  kind: 'single_tyre_non_drive_axles' | 'air_suspension' | 'registered_max_gross';
  deltaKg: number;
  note: string;
}

export interface GrossLimit {
  limitKg: number;
  /** The table value before adjustments. */
  baseLimitKg: number;
  axleCount: number;
  /** What the limit was read as; `unknown` when the record does not say rigid or combination. */
  configuration: LimitConfiguration;
  adjustments: LimitAdjustment[];
  /** Human-readable basis, e.g. "6+ axle combination, 49,000 kg (超限规定 第3条)". */
  basis: string;
}

export type LimitVehicleFacts = Pick<
  VehicleFacts,
  'isCombination' | 'hasSingleDriveAxle' | 'hasAirSuspension' | 'hasSingleTyreNonDriveAxles' | 'registeredMaxGrossKg'
>;

/** 49000 → "49,000 kg", independent of the runtime's locale data. */
export const formatKg = (kg: number): string => {
  const [whole = '', fraction] = String(kg).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fraction === undefined ? grouped : `${grouped}.${fraction}`} kg`;
};
const LEGAL = '超限规定 第3条';

interface TableRow {
  baseLimitKg: number;
  configuration: LimitConfiguration;
  label: string;
}

/**
 * The table row for an axle count. `isCombination` undefined (unknown vehicle or record
 * silent) → the more lenient of the two columns. Rows with one column (2 axles: rigid only;
 * 5 and 6+: combination only) apply whatever the record says, since the table gives no
 * other figure for that axle count.
 */
const tableRow = (axleCount: number, vehicle: LimitVehicleFacts | undefined, config: OverloadConfig): TableRow => {
  const limits = config.grossLimitsKg;
  const combination = vehicle?.isCombination;
  if (axleCount <= 2) {
    return { baseLimitKg: limits.twoAxle, configuration: combination === undefined ? 'unknown' : combination ? 'combination' : 'rigid', label: '2-axle' };
  }
  const twoColumns = (rigidKg: number, combinationKg: number, axles: string): TableRow => {
    if (combination === true) return { baseLimitKg: combinationKg, configuration: 'combination', label: `${axles} combination` };
    if (combination === false) return { baseLimitKg: rigidKg, configuration: 'rigid', label: `${axles} rigid` };
    const lenient = Math.max(rigidKg, combinationKg);
    return {
      baseLimitKg: lenient,
      configuration: 'unknown',
      label: `${axles}, rigid or combination not on record (more lenient ${lenient === combinationKg ? 'combination' : 'rigid'} figure)`,
    };
  };
  if (axleCount === 3) return twoColumns(limits.threeAxleRigid, limits.threeAxleCombination, '3-axle');
  if (axleCount === 4) return twoColumns(limits.fourAxleRigid, limits.fourAxleCombination, '4-axle');
  const configuration: LimitConfiguration = combination === undefined ? 'unknown' : combination ? 'combination' : 'rigid';
  if (axleCount === 5) return { baseLimitKg: limits.fiveAxleCombination, configuration, label: '5-axle combination' };
  // 6 and more: 46 t only when the record says the tractor has a single drive axle (and
  // does not say the vehicle is rigid — a rigid vehicle has no tractor); unknown → 49 t (§8).
  if (vehicle?.hasSingleDriveAxle === true && combination !== false) {
    return { baseLimitKg: limits.sixPlusAxleSingleDriveAxle, configuration, label: '6+ axle combination, tractor with a single drive axle' };
  }
  return { baseLimitKg: limits.sixPlusAxleCombination, configuration, label: '6+ axle combination' };
};

export const grossWeightLimit = (axleCount: number, vehicle: LimitVehicleFacts | undefined, config: OverloadConfig): GrossLimit => {
  const row = tableRow(axleCount, vehicle, config);
  const adj = config.adjustments;
  const adjustments: LimitAdjustment[] = [];
  let limitKg = row.baseLimitKg;

  if (vehicle?.hasAirSuspension === true && adj.airSuspensionAxleCounts.includes(axleCount)) {
    adjustments.push({ kind: 'air_suspension', deltaKg: adj.airSuspensionBonusKg, note: `air suspension +${formatKg(adj.airSuspensionBonusKg)}` });
    limitKg += adj.airSuspensionBonusKg;
  }
  // The deduction is stricter, so it needs the record to say rigid truck (not unknown).
  if (vehicle?.hasSingleTyreNonDriveAxles === true && row.configuration === 'rigid' && adj.singleTyreAxleCounts.includes(axleCount)) {
    adjustments.push({
      kind: 'single_tyre_non_drive_axles',
      deltaKg: -adj.singleTyreNonDriveDeductionKg,
      note: `non-drive axles on single tyres −${formatKg(adj.singleTyreNonDriveDeductionKg)}`,
    });
    limitKg -= adj.singleTyreNonDriveDeductionKg;
  }
  const registered = vehicle?.registeredMaxGrossKg;
  if (axleCount === 2 && adj.twoAxleCappedByRegisteredMass && registered !== undefined && registered > 0 && registered < limitKg) {
    adjustments.push({ kind: 'registered_max_gross', deltaKg: registered - limitKg, note: `行驶证 最大允许总质量 ${formatKg(registered)}` });
    limitKg = registered;
  }

  const tail = adjustments.length === 0 ? '' : `; ${adjustments.map((a) => a.note).join('; ')} → ${formatKg(limitKg)}`;
  return {
    limitKg,
    baseLimitKg: row.baseLimitKg,
    axleCount,
    configuration: row.configuration,
    adjustments,
    basis: `${row.label}, ${formatKg(row.baseLimitKg)} (${LEGAL})${tail}`,
  };
};
