import { describe, expect, it } from 'vitest';
import type { CaseDetail } from '@roadwatch/contracts';
import { caseActions, closeRequestOf, decisionRequestOf, fineRangeOf, isAdjustable, reportRequestOf } from './case-workflow';

/** The proposals services/cases makes for a 8,000 kg excess with the source unit not yet established. */
const penalties: CaseDetail['penalties'] = [
  { party: 'vehicle_owner', status: 'proposed', fineYuan: 4_000, minYuan: 4_000, maxYuan: 4_000, warning: false, measures: [], basis: '¥500 per 1,000 kg' },
  { party: 'driver', status: 'proposed', points: 3, minYuan: 500, maxYuan: 2_000, warning: false, measures: [], basis: '道交法 第92条' },
  { party: 'transport_company', status: 'proposed', minYuan: 0, maxYuan: 0, warning: false, measures: ['抄告'] },
  {
    party: 'source_unit',
    status: 'proposed',
    minYuan: 0,
    maxYuan: 30_000,
    warning: false,
    measures: [],
    ranges: [
      { conduct: 'directed_or_forced', minYuan: 0, maxYuan: 30_000, basis: '第68条' },
      { conduct: 'let_overloaded_leave', minYuan: 10_000, maxYuan: 30_000, basis: '第71条' },
    ],
  },
];

describe('case actions', () => {
  it('offer the next step by status, to enforcement users only', () => {
    expect(caseActions('opened', 'enforcement')).toEqual(['decide']);
    expect(caseActions('decided', 'enforcement')).toEqual(['report', 'close']);
    expect(caseActions('reported', 'enforcement')).toEqual(['close']);
    expect(caseActions('closed', 'enforcement')).toEqual([]);
    expect(caseActions('opened', 'admin')).toEqual([]);
    expect(caseActions('decided', 'company')).toEqual([]);
  });
});

describe('decision request', () => {
  it('only a fine with room in its range, or one per conduct, is adjustable', () => {
    expect(penalties.filter(isAdjustable).map((p) => p.party)).toEqual(['driver', 'source_unit']);
    expect(fineRangeOf(penalties[3]!, 'let_overloaded_leave')).toEqual({ minYuan: 10_000, maxYuan: 30_000 });
    expect(fineRangeOf(penalties[3]!)).toBeUndefined();
  });

  it('accepts the proposals as they are with an empty form (the API decides the rest as proposed)', () => {
    expect(decisionRequestOf({ penalties }, { driver: { fineYuan: '' }, source_unit: { fineYuan: '', conduct: '' } }, '  ')).toEqual({
      ok: true,
      request: { penalties: [] },
    });
  });

  it('lists an adjusted fine within its range and the source unit with the conduct established', () => {
    const built = decisionRequestOf(
      { penalties },
      { driver: { fineYuan: '800' }, source_unit: { fineYuan: '12000', conduct: 'let_overloaded_leave' } },
      ' 现场核实 ',
    );
    expect(built).toEqual({
      ok: true,
      request: {
        penalties: [
          { party: 'driver', fineYuan: 800 },
          { party: 'source_unit', fineYuan: 12_000, conduct: 'let_overloaded_leave' },
        ],
        comment: '现场核实',
      },
    });
  });

  it('refuses a fine outside its range, a source-unit fine without conduct, a conduct-range miss and a non-number', () => {
    expect(decisionRequestOf({ penalties }, { driver: { fineYuan: '3000' } }, '')).toEqual({
      ok: false,
      issues: [{ party: 'driver', kind: 'range', minYuan: 500, maxYuan: 2_000 }],
    });
    expect(decisionRequestOf({ penalties }, { source_unit: { fineYuan: '5000', conduct: '' } }, '')).toEqual({
      ok: false,
      issues: [{ party: 'source_unit', kind: 'conduct' }],
    });
    expect(decisionRequestOf({ penalties }, { source_unit: { fineYuan: '5000', conduct: 'let_overloaded_leave' } }, '')).toEqual({
      ok: false,
      issues: [{ party: 'source_unit', kind: 'range', minYuan: 10_000, maxYuan: 30_000 }],
    });
    expect(decisionRequestOf({ penalties }, { driver: { fineYuan: 'abc' } }, '')).toEqual({ ok: false, issues: [{ party: 'driver', kind: 'notNumber' }] });
    expect(decisionRequestOf({ penalties }, { driver: { fineYuan: '-1' } }, '')).toEqual({ ok: false, issues: [{ party: 'driver', kind: 'notNumber' }] });
  });

  it('a conduct named without a fine needs a fine (no proposal to fall back on)', () => {
    expect(decisionRequestOf({ penalties }, { source_unit: { fineYuan: '', conduct: 'directed_or_forced' } }, '')).toEqual({
      ok: false,
      issues: [{ party: 'source_unit', kind: 'notNumber' }],
    });
  });
});

describe('report and close requests', () => {
  it('a report needs the authority reported to; empty optional fields are left out', () => {
    expect(reportRequestOf({ reportedTo: ' 河北省沧州市交通运输局 ', reference: '', comment: '' })).toEqual({
      ok: true,
      request: { reportedTo: '河北省沧州市交通运输局' },
    });
    const bad = reportRequestOf({ reportedTo: '  ', reference: 'x', comment: '' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues.map((i) => i.field)).toEqual(['reportedTo']);
  });

  it('closing needs a known outcome and a comment', () => {
    expect(closeRequestOf({ outcome: 'penalties_executed', comment: '罚款已缴' })).toEqual({
      ok: true,
      request: { outcome: 'penalties_executed', comment: '罚款已缴' },
    });
    const bad = closeRequestOf({ outcome: 'forgotten', comment: ' ' });
    expect(!bad.ok && bad.issues.map((i) => i.field).sort()).toEqual(['comment', 'outcome']);
  });
});
