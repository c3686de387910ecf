import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Severity } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';
import { assessOverload, type OverloadAssessment } from '../overload/overload-assessment.rule';
import { DEFAULT_OVERLOAD_CONFIG } from '../overload/overload.config';
import { axlesFor, wim } from '../overload/wim.fixture';
import { toOverloadViolationV1 } from '../overload/overload-violation.mapper';
import { caseFactsOfAssessment, caseFactsOfViolation, oneOverFourPenalties } from './one-overload-four-penalties.rule';
import { DEFAULT_PENALTY_CONFIG } from './penalties.config';

const RANK: Record<Severity, number> = { info: 0, minor: 1, major: 2, serious: 3, critical: 4 };

const vehicleArb: fc.Arbitrary<VehicleFacts | undefined> = fc.option(
  fc
    .record({
      isCombination: fc.option(fc.boolean(), { nil: undefined }),
      hasSingleDriveAxle: fc.option(fc.boolean(), { nil: undefined }),
      hasAirSuspension: fc.option(fc.boolean(), { nil: undefined }),
      hasSingleTyreNonDriveAxles: fc.option(fc.boolean(), { nil: undefined }),
      registeredMaxGrossKg: fc.option(fc.integer({ min: 10_000, max: 60_000 }), { nil: undefined }),
    })
    .map((facts) => ({ vehicleId: 'V:2', plate: 'V', plateColour: 2, vehicleClass: 'heavy_truck' as const, companyId: 'C', ...facts })),
  { nil: undefined },
);

const caseArb = fc.record({
  axleCount: fc.integer({ min: 2, max: 8 }),
  accuracyClassPct: fc.option(fc.constantFrom(0.2, 0.5, 1, 2, 5, 10), { nil: undefined }),
  heightM: fc.option(fc.double({ min: 3, max: 5, noNaN: true }), { nil: undefined }),
  vehicle: vehicleArb,
  grossA: fc.integer({ min: 4_000, max: 150_000 }),
  grossB: fc.integer({ min: 4_000, max: 150_000 }),
});

type CaseValue = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

// Axle weights grow with the gross so the record stays plausible (each axle ≤ 40,000 kg).
const measurement = (grossKg: number, c: CaseValue) =>
  wim({
    grossKg,
    axleCount: c.axleCount,
    axleWeightsKg: axlesFor(grossKg, c.axleCount),
    ...(c.accuracyClassPct !== undefined ? { accuracyClassPct: c.accuracyClassPct } : {}),
    ...(c.heightM !== undefined ? { heightM: c.heightM } : {}),
  });

const outcomeOf = (a: OverloadAssessment, vehicle: VehicleFacts | undefined) => {
  if (a.outcome === 'rejected') return null;
  const p =
    a.outcome === 'violation' ? oneOverFourPenalties({ violation: caseFactsOfAssessment(a), ...(vehicle ? { vehicle } : {}) }, DEFAULT_PENALTY_CONFIG) : null;
  return {
    violation: a.outcome === 'violation',
    severity: RANK[a.severity],
    isBaiDunWang: a.isBaiDunWang,
    proposedYuan: p?.vehicleOwner.proposedYuan ?? 0,
    maxYuan: p?.vehicleOwner.range.maxYuan ?? 0,
    points: p?.driver.points ?? 0,
  };
};

describe('overload assessment properties (fast-check)', () => {
  it("the violations.overload message carries every fact the penalties read: its facts are the assessment's, and so are the four penalties", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const m = measurement(c.grossA, c);
        const a = assessOverload(m, c.vehicle, DEFAULT_OVERLOAD_CONFIG);
        if (a.outcome !== 'violation') return;
        const message = toOverloadViolationV1(a, m, m.measuredAtMs + 1_000);
        const facts = caseFactsOfViolation(message, DEFAULT_OVERLOAD_CONFIG);
        expect(facts).toEqual(caseFactsOfAssessment(a));
        const vehicle = c.vehicle ? { vehicle: c.vehicle } : {};
        expect(oneOverFourPenalties({ violation: facts, ...vehicle }, DEFAULT_PENALTY_CONFIG)).toEqual(
          oneOverFourPenalties({ violation: caseFactsOfAssessment(a), ...vehicle }, DEFAULT_PENALTY_CONFIG),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same record and facts give the same assessment and penalties', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const a1 = assessOverload(measurement(c.grossA, c), c.vehicle, DEFAULT_OVERLOAD_CONFIG);
        const a2 = assessOverload(measurement(c.grossA, c), c.vehicle && { ...c.vehicle }, DEFAULT_OVERLOAD_CONFIG);
        expect(a2).toEqual(a1);
        if (a1.outcome === 'violation' && a2.outcome === 'violation') {
          expect(oneOverFourPenalties({ violation: caseFactsOfAssessment(a2) }, DEFAULT_PENALTY_CONFIG)).toEqual(
            oneOverFourPenalties({ violation: caseFactsOfAssessment(a1) }, DEFAULT_PENALTY_CONFIG),
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is monotone: more gross never lowers the fine, points, severity, violation or 百吨王', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const [lo, hi] = c.grossA <= c.grossB ? [c.grossA, c.grossB] : [c.grossB, c.grossA];
        const a = outcomeOf(assessOverload(measurement(lo, c), c.vehicle, DEFAULT_OVERLOAD_CONFIG), c.vehicle);
        const b = outcomeOf(assessOverload(measurement(hi, c), c.vehicle, DEFAULT_OVERLOAD_CONFIG), c.vehicle);
        if (a === null || b === null) return; // implausible (an axle over 40,000 kg): rejected, never scored
        expect(b.severity).toBeGreaterThanOrEqual(a.severity);
        expect(b.proposedYuan).toBeGreaterThanOrEqual(a.proposedYuan);
        expect(b.maxYuan).toBeGreaterThanOrEqual(a.maxYuan);
        expect(b.points).toBeGreaterThanOrEqual(a.points);
        if (a.violation) expect(b.violation).toBe(true);
        if (a.isBaiDunWang) expect(b.isBaiDunWang).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });
});
