import type { DimensionExcess } from '../overload/overload-assessment.rule';

/**
 * The 一超四罚 texts an officer reads (bases, repeat consequences, list reasons), Chinese
 * first in the regulator's terms with the English beside it. One builder per text takes the
 * figures once and writes both, so the two languages cannot state different numbers.
 */
export interface Bilingual {
  zh: string;
  en: string;
}

const pct = (ratio: number): string => `${(ratio * 100).toFixed(2)}%`;
/** A share line such as 10% without float noise (0.1 × 100 = 10.000000000000002). */
const sharePct = (share: number): string => `${Math.round(share * 100 * 1e6) / 1e6}%`;

export const caseBasisText = (): Bilingual => ({
  zh: '一超四罚（超限规定 第32条）',
  en: 'one overload, four penalties (一超四罚), 超限规定 第32条',
});

// Vehicle / owner.

export const weightWarningText = (excessKg: number, warningMaxExcessKg: number): Bilingual => ({
  zh: `超限${excessKg} kg ≤ ${warningMaxExcessKg} kg：警告（超限规定 第43条）`,
  en: `excess ${excessKg} kg ≤ ${warningMaxExcessKg} kg: warning (超限规定 第43条)`,
});

export const weightFineText = (f: {
  excessKg: number;
  tonnes: number;
  partTonne: 'round_up' | 'round_down';
  tonneKg: number;
  yuanPerTonne: number;
  /** Set when tonnes × rate exceeded the case cap. */
  cappedAtYuan?: number | undefined;
}): Bilingual => ({
  zh: `超限${f.excessKg} kg，罚款 ${f.tonnes} × ${f.tonneKg} kg（${f.partTonne === 'round_up' ? `不足${f.tonneKg} kg按${f.tonneKg} kg计` : `不足${f.tonneKg} kg不计`}）× ¥${f.yuanPerTonne}${f.cappedAtYuan !== undefined ? `，以¥${f.cappedAtYuan}为限` : ''}（超限规定 第43条；公路安全保护条例 第64条）`,
  en: `excess ${f.excessKg} kg → ${f.tonnes} ${f.partTonne === 'round_up' ? 'started' : 'whole'} × ${f.tonneKg} kg × ¥${f.yuanPerTonne}${f.cappedAtYuan !== undefined ? `, capped at ¥${f.cappedAtYuan}` : ''} (超限规定 第43条; 公路安全保护条例 第64条)`,
});

const DIMENSION_ZH: Record<DimensionExcess['dimension'], string> = { height: '车货总高', width: '车货总宽', length: '车货总长' };

export const dimensionFineText = (overDimensions: readonly DimensionExcess[], band: number, minYuan: number, maxYuan: number): Bilingual => ({
  zh: `${overDimensions.map((d) => `${DIMENSION_ZH[d.dimension]} ${d.valueM} m > ${d.limitM} m`).join('，')}；第${band}档 罚款¥${minYuan}–${maxYuan}（超限规定 第43条(一)）`,
  en: `${overDimensions.map((d) => `${d.dimension} ${d.valueM} m > ${d.limitM} m`).join(', ')}; band ${band}, fine ¥${minYuan}–${maxYuan} (超限规定 第43条(一))`,
});

export const vehicleOwnerBasisText = (parts: readonly Bilingual[], capYuan: number): Bilingual => ({
  zh: [...parts.map((p) => p.zh), `同一案件合并计算，以¥${capYuan}为限`].join('；'),
  en: [...parts.map((p) => p.en), `one case summed, capped at ¥${capYuan}`].join('; '),
});

// Driver.

const massText = (massBasis: 'registered_max_gross' | 'limit', massKg: number): Bilingual =>
  massBasis === 'registered_max_gross'
    ? { zh: `行驶证最大允许总质量${massKg} kg`, en: `registered maximum gross mass (行驶证) ${massKg} kg` }
    : { zh: `限值${massKg} kg`, en: `limit ${massKg} kg` };

export const driverNotOverText = (confirmedGrossKg: number, massBasis: 'registered_max_gross' | 'limit', massKg: number): Bilingual => {
  const mass = massText(massBasis, massKg);
  return {
    zh: `确认总质量${confirmedGrossKg} kg未超过${mass.zh}：不记分，不罚款`,
    en: `confirmed ${confirmedGrossKg} kg not over ${mass.en}: no points, no fine`,
  };
};

export const driverPenaltyText = (f: {
  confirmedGrossKg: number;
  massBasis: 'registered_max_gross' | 'limit';
  massKg: number;
  ratio: number;
  points: number;
  fine: { minYuan: number; maxYuan: number } | null;
}): Bilingual => {
  const mass = massText(f.massBasis, f.massKg);
  const formula = `(${f.confirmedGrossKg} − ${f.massKg}) / ${f.massKg} = ${pct(f.ratio)}`;
  return {
    zh: `${formula}，超过${mass.zh}：记${f.points}分（记分办法）${f.fine ? `，罚款¥${f.fine.minYuan}–${f.fine.maxYuan}（道交法 第92条）` : ''}`,
    en: `${formula} over ${mass.en}: ${f.points} points (记分办法)${f.fine ? `, fine ¥${f.fine.minYuan}–${f.fine.maxYuan} (道交法 第92条)` : ''}`,
  };
};

/** Added by the case: the range proposed, the amount the officer's. */
export const driverFineDecidedText = (): Bilingual => ({
  zh: '罚款由执法人员在幅度内决定（道交法 第92条）',
  en: 'fine decided by the officer within the range (道交法 第92条)',
});

// Repeat consequences (rolling window) and 严重违法失信 list reasons.

interface RepeatFigures {
  count: number;
  months: number;
  moreThan: number;
}

const repeatZh = (r: RepeatFigures): string => `${r.months}个月内违法超限${r.count}次（超过${r.moreThan}次）`;
const repeatEn = (r: RepeatFigures): string => `${r.count} 超限 violations in ${r.months} months (more than ${r.moreThan})`;

export const vehicleRevocationText = (r: RepeatFigures): Bilingual => ({
  zh: `吊销车辆营运证：${repeatZh(r)}`,
  en: `revoke the 车辆营运证 (vehicle operating certificate): ${repeatEn(r)}`,
});

export const driverStopText = (r: RepeatFigures): Bilingual => ({
  zh: `责令停止从事营业性运输：${repeatZh(r)}`,
  en: `order to stop commercial transport (责令停止从事营业性运输): ${repeatEn(r)}`,
});

/** Vehicle or driver on the 严重违法失信 list: more than N violations in the window. */
export const repeatListReasonText = (r: RepeatFigures): Bilingual => ({ zh: repeatZh(r), en: repeatEn(r) });

interface FleetFigures {
  violatingVehicles: number;
  fleetSize: number;
  shareAbove: number;
  months: number;
}

export const companySuspensionText = (f: FleetFigures): Bilingual => ({
  zh: `停业整顿：${f.months}个月内${f.fleetSize}辆车中${f.violatingVehicles}辆违法超限（超过${sharePct(f.shareAbove)}）`,
  en: `suspend operations for rectification (停业整顿): ${f.violatingVehicles} of ${f.fleetSize} vehicles violated in ${f.months} months (more than ${sharePct(f.shareAbove)})`,
});

export const companyListReasonText = (f: FleetFigures): Bilingual => ({
  zh: `${f.months}个月内${f.fleetSize}辆车中${f.violatingVehicles}辆违法超限（超过${sharePct(f.shareAbove)}），拟停业整顿`,
  en: `${f.violatingVehicles} of ${f.fleetSize} vehicles violated in ${f.months} months (> ${sharePct(f.shareAbove)}), 停业整顿 proposed`,
});

export const companyNoteText = (state: 'not_on_record' | 'fleet_size_unknown' | 'assessed'): Bilingual =>
  state === 'not_on_record'
    ? { zh: '企业未登记（车辆未在登记库）：查明后抄告', en: 'company not on record (unregistered vehicle): 抄告 (notify) once identified' }
    : state === 'fleet_size_unknown'
      ? { zh: '抄告；未提供车辆总数，未评估10%界线', en: '抄告 (notify); fleet size not given, the 10% line not assessed' }
      : { zh: '抄告', en: '抄告 (notify)' };

/** Added by the case: the company's basis names the article of the four parties. */
export const companyBasisText = (note: Bilingual): Bilingual => ({ zh: `${note.zh}（超限规定 第32条）`, en: `${note.en} (超限规定 第32条)` });

// Source unit.

export const sourceUnitBasisText = (conduct: 'directed_or_forced' | 'let_overloaded_leave'): Bilingual =>
  conduct === 'directed_or_forced'
    ? {
        zh: '指使、强令车辆超限装载（公路安全保护条例 第68条；超限规定 第49条）',
        en: 'directing or forcing overloading (公路安全保护条例 第68条; 超限规定 第49条)',
      }
    : { zh: '放行超限车辆驶出（道路运输条例 第71条）', en: 'letting overloaded vehicles leave (道路运输条例 第71条)' };

/** Either conduct while it is not established: the bases side by side. */
export const eitherBasisText = (bases: readonly Bilingual[]): Bilingual => ({
  zh: bases.map((b) => b.zh).join('；或'),
  en: bases.map((b) => b.en).join('; or '),
});

export const sourceUnitFineReasonText = (largestFineYuan: number, atLeastYuan: number, months: number): Bilingual => ({
  zh: `${months}个月内被罚款¥${largestFineYuan}（≥ ¥${atLeastYuan}）`,
  en: `fined ¥${largestFineYuan} ≥ ¥${atLeastYuan} in ${months} months`,
});

export const sourceUnitCountReasonText = (penalties: number, atLeast: number, months: number): Bilingual => ({
  zh: `${months}个月内受处罚${penalties}次（≥ ${atLeast}次）`,
  en: `penalised ${penalties} times (≥ ${atLeast}) in ${months} months`,
});

export const joinReasons = (reasons: readonly Bilingual[]): Bilingual => ({
  zh: reasons.map((r) => r.zh).join('；'),
  en: reasons.map((r) => r.en).join('; '),
});

// Review and deadline.

export const baiDunWangReviewText = (): Bilingual => ({
  zh: '百吨王：建议复核（本身不属于严重违法失信情形）',
  en: '百吨王 (100-tonne truck): recommended for review (not itself a 严重违法失信 case)',
});

export const reportDeadlineText = (decisionDate: string, workingDays: number, dueDate: string): Bilingual => ({
  zh: `决定日${decisionDate}起${workingDays}个工作日 → 应于${dueDate}前抄告车籍地运管机构（超限规定 第44条）`,
  en: `decision ${decisionDate} + ${workingDays} working days → report by ${dueDate} (超限规定 第44条)`,
});
