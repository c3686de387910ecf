import { chinaLocalToEpochMs, DAY_MS } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { assessOverload, isOverloadViolation } from '../overload/overload-assessment.rule';
import { DEFAULT_OVERLOAD_CONFIG } from '../overload/overload.config';
import { tractor, wim } from '../overload/wim.fixture';
import { caseFactsOfAssessment, oneOverFourPenalties, type OverloadCaseFacts, type OverloadCaseInput } from './one-overload-four-penalties.rule';
import { DEFAULT_PENALTY_CONFIG, resolvePenaltyConfig } from './penalties.config';
import { windowStartExclusiveMs, type PriorViolation } from './repeat-consequences.rule';

const config = DEFAULT_PENALTY_CONFIG;
const AT = chinaLocalToEpochMs(2026, 5, 12, 10, 0);

const violationOf = (grossKg: number, accuracyClassPct = 5, vehicle = tractor()): OverloadCaseFacts => {
  const a = assessOverload(wim({ grossKg, axleCount: 6, accuracyClassPct, measuredAtMs: AT }), vehicle, DEFAULT_OVERLOAD_CONFIG);
  if (!isOverloadViolation(a)) throw new Error('expected a violation');
  return caseFactsOfAssessment(a);
};

const prior = (n: number, overrides: Partial<PriorViolation> = {}): PriorViolation => ({
  violationId: `overload:ST09/${n}`,
  occurredAtMs: AT - n * 30 * DAY_MS,
  vehicleId: '冀A12345:2',
  driverId: 'D-1',
  companyId: 'C-001',
  ...overrides,
});

const caseOf = (overrides: Partial<OverloadCaseInput> = {}): OverloadCaseInput => ({
  violation: violationOf(60_000),
  vehicle: tractor(),
  driverId: 'D-1',
  ...overrides,
});

describe('一超四罚: the four parties of one case (RULES.md §5)', () => {
  it('measured 60,000 kg class 5 on six axles: confirmed 57,000, 8,000 kg over → ¥4,000; driver 16.3% → 1 point; company notified', () => {
    const p = oneOverFourPenalties(caseOf(), config);
    expect(p.vehicleOwner).toMatchObject({ outcome: 'fine', proposedYuan: 4_000, weight: { tonnes: 8, fineYuan: 4_000 }, consequence: null });
    expect(p.vehicleOwner.basis).toBe(
      '超限8000 kg，罚款 8 × 1000 kg（不足1000 kg按1000 kg计）× ¥500（超限规定 第43条；公路安全保护条例 第64条）；同一案件合并计算，以¥30000为限',
    );
    expect(p.vehicleOwner.basisEn).toBe(
      'excess 8000 kg → 8 started × 1000 kg × ¥500 (超限规定 第43条; 公路安全保护条例 第64条); one case summed, capped at ¥30000',
    );
    expect(p.driver).toMatchObject({ driverId: 'D-1', massBasis: 'limit', points: 1, fine: { minYuan: 200, maxYuan: 500 }, consequence: null });
    expect(p.transportCompany).toMatchObject({ companyId: 'C-001', notify: true, consequence: null });
    expect(p.blacklistCandidates).toEqual([]);
    expect(p.reviewRecommendations).toEqual([]);
  });

  it('source unit with conduct not established → both ranges proposed for the officer', () => {
    const p = oneOverFourPenalties(caseOf({ sourceUnit: { sourceUnitId: 'S-9' } }), config);
    expect(p.sourceUnit.conduct).toBe('to_be_established');
    expect(p.sourceUnit.proposed.map((x) => x.basis)).toEqual([
      '指使、强令车辆超限装载（公路安全保护条例 第68条；超限规定 第49条）',
      '放行超限车辆驶出（道路运输条例 第71条）',
    ]);
    expect(p.sourceUnit.proposed.map((x) => x.basisEn)).toEqual([
      'directing or forcing overloading (公路安全保护条例 第68条; 超限规定 第49条)',
      'letting overloaded vehicles leave (道路运输条例 第71条)',
    ]);
    expect(p.sourceUnit.proposed.map((x) => [x.conduct, x.range])).toEqual([
      ['directed_or_forced', { minYuan: 0, maxYuan: 30_000 }],
      ['let_overloaded_leave', { minYuan: 10_000, maxYuan: 30_000 }],
    ]);
  });

  it('source unit letting an overloaded vehicle leave → ¥10,000–30,000', () => {
    const p = oneOverFourPenalties(caseOf({ sourceUnit: { sourceUnitId: 'S-9', conduct: 'let_overloaded_leave' } }), config);
    expect(p.sourceUnit.proposed).toHaveLength(1);
    expect(p.sourceUnit.proposed[0]?.range).toEqual({ minYuan: 10_000, maxYuan: 30_000 });
  });

  it('百吨王 (100.0 t measured) → recommended for review with evidence, not a 严重违法失信 list case', () => {
    const p = oneOverFourPenalties(caseOf({ violation: violationOf(100_000) }), config);
    expect(p.reviewRecommendations).toHaveLength(1);
    expect(p.reviewRecommendations[0]).toMatchObject({
      reason: '百吨王：建议复核（本身不属于严重违法失信情形）',
      reasonEn: expect.stringContaining('recommended for review'),
    });
    expect(p.reviewRecommendations[0]?.evidence).toMatchObject({ measuredGrossKg: 100_000, confirmedGrossKg: 95_000, limitKg: 49_000 });
    expect(p.blacklistCandidates).toEqual([]);
    // 46,000 kg over → 46 t × ¥500 = ¥23,000.
    expect(p.vehicleOwner.proposedYuan).toBe(23_000);
  });
});

describe('repeat consequences over a rolling 12 months ("more than 3": the 4th triggers)', () => {
  it('3rd violation in 12 months (2 priors) does not trigger', () => {
    const p = oneOverFourPenalties(caseOf({ priorViolations: [prior(1), prior(2)] }), config);
    expect(p.vehicleOwner.repeat).toMatchObject({ count: 3, triggered: false });
    expect(p.vehicleOwner.consequence).toBeNull();
    expect(p.driver.consequence).toBeNull();
  });

  it('4th violation in 12 months (3 priors) → revoke 车辆营运证, driver 责令停止从事营业性运输, both list candidates', () => {
    const p = oneOverFourPenalties(caseOf({ priorViolations: [prior(1), prior(2), prior(3)] }), config);
    expect(p.vehicleOwner.repeat).toMatchObject({ count: 4, triggered: true });
    expect(p.vehicleOwner.consequence).toBe('吊销车辆营运证：12个月内违法超限4次（超过3次）');
    expect(p.vehicleOwner.consequenceEn).toBe('revoke the 车辆营运证 (vehicle operating certificate): 4 超限 violations in 12 months (more than 3)');
    expect(p.driver.consequence).toBe('责令停止从事营业性运输：12个月内违法超限4次（超过3次）');
    expect(p.driver.consequenceEn).toBe('order to stop commercial transport (责令停止从事营业性运输): 4 超限 violations in 12 months (more than 3)');
    expect(p.blacklistCandidates).toEqual([
      { party: 'vehicle_owner', partyId: '冀A12345:2', reason: '12个月内违法超限4次（超过3次）', reasonEn: '4 超限 violations in 12 months (more than 3)' },
      { party: 'driver', partyId: 'D-1', reason: '12个月内违法超限4次（超过3次）', reasonEn: '4 超限 violations in 12 months (more than 3)' },
    ]);
  });

  it('a prior exactly 12 months back (same local time) is outside the window; one a minute later is inside', () => {
    const start = windowStartExclusiveMs(AT, 12);
    expect(start).toBe(chinaLocalToEpochMs(2025, 5, 12, 10, 0));
    const outside = oneOverFourPenalties(caseOf({ priorViolations: [prior(1), prior(2), prior(3, { occurredAtMs: start })] }), config);
    expect(outside.vehicleOwner.repeat.triggered).toBe(false);
    const inside = oneOverFourPenalties(caseOf({ priorViolations: [prior(1), prior(2), prior(3, { occurredAtMs: start + 60_000 })] }), config);
    expect(inside.vehicleOwner.repeat.triggered).toBe(true);
  });

  it('the current violation in the history and duplicated priors are counted once', () => {
    const current = violationOf(60_000);
    const self = prior(0, { violationId: current.violationId, occurredAtMs: AT });
    const p = oneOverFourPenalties(caseOf({ priorViolations: [self, prior(1), prior(1), prior(2)] }), config);
    expect(p.vehicleOwner.repeat.count).toBe(3);
  });

  it("another vehicle's priors count for the driver, not for this vehicle", () => {
    const other = (n: number) => prior(n, { vehicleId: '冀B99999:2' });
    const p = oneOverFourPenalties(caseOf({ priorViolations: [other(1), other(2), other(3)] }), config);
    expect(p.vehicleOwner.repeat.triggered).toBe(false);
    expect(p.driver.repeat?.triggered).toBe(true);
  });

  it('"more than" is configurable: moreThan 2 → the 3rd triggers', () => {
    const regional = resolvePenaltyConfig({ repeat: { moreThan: 2 } });
    expect(oneOverFourPenalties(caseOf({ priorViolations: [prior(1), prior(2)] }), regional).vehicleOwner.repeat.triggered).toBe(true);
  });

  it('company: violating vehicles > 10% of the fleet → 停业整顿 and a list candidate; exactly 10% does not', () => {
    const fleetPriors = (k: number) => Array.from({ length: k }, (_, i) => prior(1, { violationId: `v${i}`, vehicleId: `V${i}`, driverId: `D${i}` }));
    // 2 other vehicles + this one = 3 of 30 = 10% exactly → not above.
    const atLine = oneOverFourPenalties(caseOf({ priorViolations: fleetPriors(2), companyFleetSize: 30 }), config);
    expect(atLine.transportCompany.fleetShare).toMatchObject({ violatingVehicles: 3, triggered: false });
    // 3 others + this one = 4 of 30 = 13.3% → 停业整顿.
    const over = oneOverFourPenalties(caseOf({ priorViolations: fleetPriors(3), companyFleetSize: 30 }), config);
    expect(over.transportCompany.consequence).toBe('停业整顿：12个月内30辆车中4辆违法超限（超过10%）');
    expect(over.transportCompany.consequenceEn).toBe('suspend operations for rectification (停业整顿): 4 of 30 vehicles violated in 12 months (more than 10%)');
    expect(over.blacklistCandidates.map((c) => c.party)).toEqual(['transport_company']);
  });

  it('company without a fleet size: notified, the 10% line not assessed', () => {
    const p = oneOverFourPenalties(caseOf(), config);
    expect(p.transportCompany.fleetShare).toBeNull();
    expect(p.transportCompany.note).toBe('抄告；未提供车辆总数，未评估10%界线');
    expect(p.transportCompany.noteEn).toContain('fleet size not given');
  });

  it('source unit: fined ¥20,000 in 12 months → list candidate; ¥19,999 → not', () => {
    const su = { sourceUnitId: 'S-9' };
    const fined = (fineYuan: number) => [{ sourceUnitId: 'S-9', decidedAtMs: AT - 60 * DAY_MS, fineYuan }];
    expect(oneOverFourPenalties(caseOf({ sourceUnit: su, priorSourceUnitPenalties: fined(20_000) }), config).blacklistCandidates).toEqual([
      { party: 'source_unit', partyId: 'S-9', reason: '12个月内被罚款¥20000（≥ ¥20000）', reasonEn: 'fined ¥20000 ≥ ¥20000 in 12 months' },
    ]);
    expect(oneOverFourPenalties(caseOf({ sourceUnit: su, priorSourceUnitPenalties: fined(19_999) }), config).blacklistCandidates).toEqual([]);
  });

  it('source unit: penalised 3 times in 12 months → list candidate; 2 times → not', () => {
    const su = { sourceUnitId: 'S-9' };
    const times = (k: number) => Array.from({ length: k }, (_, i) => ({ sourceUnitId: 'S-9', decidedAtMs: AT - (i + 1) * DAY_MS, fineYuan: 10_000 }));
    expect(oneOverFourPenalties(caseOf({ sourceUnit: su, priorSourceUnitPenalties: times(3) }), config).sourceUnit.history).toMatchObject({
      penaltiesInWindow: 3,
      blacklistCandidate: true,
    });
    expect(oneOverFourPenalties(caseOf({ sourceUnit: su, priorSourceUnitPenalties: times(2) }), config).sourceUnit.history).toMatchObject({
      penaltiesInWindow: 2,
      blacklistCandidate: false,
    });
  });
});
