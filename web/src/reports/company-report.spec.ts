import { describe, expect, it } from 'vitest';
import type { CompanyReportRow } from '@roadwatch/contracts';
import { defaultReportDates, fmtRate, fmtViolationsByRule, reportRangeOf, scoresZero } from './company-report';

const row = (over: Partial<CompanyReportRow> = {}): CompanyReportRow => ({
  companyId: 'C1',
  companyName: '一号旅游客运',
  vehicles: 2,
  vehiclesOnline: 1,
  onlineRate: 0.5,
  violations: 4,
  violationsByRule: { speeding: 1, fatigue_continuous: 3, drift: 0 },
  mileageKm: 123.456,
  drivingHours: 7.25,
  ...over,
});

describe('company report range', () => {
  it('defaults to today and the six local days before it, in Asia/Shanghai', () => {
    // 2026-11-24 01:30 in Shanghai is still 2026-11-23 in UTC.
    const now = Date.UTC(2026, 10, 23, 17, 30);
    expect(defaultReportDates(now)).toEqual({ from: '2026-11-18', to: '2026-11-24' });
  });

  it('runs from the first day’s local midnight to the midnight after the last day', () => {
    const r = reportRangeOf('2026-11-18', '2026-11-24');
    expect(r).toEqual({ ok: true, fromMs: Date.UTC(2026, 10, 17, 16), toMs: Date.UTC(2026, 10, 24, 16), days: 7 });
  });

  it('refuses a reversed range, more than 31 days, and dates that do not exist', () => {
    expect(reportRangeOf('2026-11-24', '2026-11-23')).toEqual({ ok: false, error: 'order' });
    expect(reportRangeOf('2026-01-01', '2026-01-31')).toMatchObject({ ok: true, days: 31 });
    expect(reportRangeOf('2026-01-01', '2026-02-01')).toEqual({ ok: false, error: 'tooLong' });
    expect(reportRangeOf('2026-02-30', '2026-03-01')).toEqual({ ok: false, error: 'invalid' });
    expect(reportRangeOf('', '2026-03-01')).toEqual({ ok: false, error: 'invalid' });
  });
});

describe('company report figures', () => {
  it('shows rates as percentages with one decimal, and an absent rate as —', () => {
    expect(fmtRate(0.995)).toBe('99.5%');
    expect(fmtRate(1)).toBe('100.0%');
    expect(fmtRate(0)).toBe('0.0%');
    expect(fmtRate(undefined)).toBe('—');
  });

  it('marks the rates that score zero in the 联网联控 assessment (RULES.md §6), at the floors exactly', () => {
    expect(scoresZero('trackCompleteness', 0.699)).toBe(true);
    expect(scoresZero('trackCompleteness', 0.7)).toBe(false);
    expect(scoresZero('dataQualifiedRate', 0.799)).toBe(true);
    expect(scoresZero('dataQualifiedRate', 0.8)).toBe(false);
    expect(scoresZero('driftVehicleRate', 0.051)).toBe(true);
    expect(scoresZero('driftVehicleRate', 0.05)).toBe(false);
    expect(scoresZero('trackCompleteness', undefined)).toBe(false);
  });

  it('lists violations by rule by name, most first, leaving out zeros', () => {
    expect(fmtViolationsByRule(row(), 'zh')).toBe('疲劳驾驶（连续） 3、超速 1');
    expect(fmtViolationsByRule(row(), 'en')).toBe('Fatigue (continuous) 3, Speeding 1');
    expect(fmtViolationsByRule(row({ violationsByRule: {} }), 'zh')).toBe('—');
  });
});
