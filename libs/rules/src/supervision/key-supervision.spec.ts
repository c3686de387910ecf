import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, chinaLocalToEpochMs } from '@roadwatch/domain';
import {
  DEFAULT_KEY_SUPERVISION_CONFIG,
  evaluateCompanyKeySupervision,
  evaluateVehicleKeySupervision,
  localDayEndMs,
  nextKeySupervisionAction,
  raisedSeverity,
  type CompanyKeySupervisionFacts,
  type VehicleDayFact,
  type VehicleKeySupervisionFacts,
} from './key-supervision';

const T0 = chinaLocalToEpochMs(2026, 3, 10, 14, 30); // a local afternoon
const noFacts: VehicleKeySupervisionFacts = { vehicleId: 'v1', speedingEpisodes: [], fatigueViolations: [], tamperingEpisodes: [], days: [] };
const vehicle = (patch: Partial<VehicleKeySupervisionFacts>): VehicleKeySupervisionFacts => ({ ...noFacts, ...patch });
const day = (date: string, patch: Partial<VehicleDayFact> = {}): VehicleDayFact => ({
  day: date,
  trackM: 0,
  completeTrackM: 0,
  validRecords: 10,
  operating: true,
  terminalBound: true,
  ...patch,
});
const codes = (facts: VehicleKeySupervisionFacts, tMs: number): string[] => evaluateVehicleKeySupervision(facts, tMs).reasons.map((r) => r.code);

describe('vehicle: events inside the trailing 30 days (t − 30 d, t]', () => {
  const fatigue = vehicle({ fatigueViolations: [{ alertId: 'a-fatigue', atMs: T0 }] });

  it('a fatigue violation lists at its `at`, with the alert as evidence, and leaves exactly 30 × 24 h later', () => {
    expect(evaluateVehicleKeySupervision(fatigue, T0 - 1).listed).toBe(false);
    const verdict = evaluateVehicleKeySupervision(fatigue, T0);
    expect(verdict).toMatchObject({ listed: true, exitAtMs: T0 + 30 * DAY_MS, lastTriggerAtMs: T0 });
    expect(verdict.reasons).toEqual([{ code: 'fatigue', key: 'fatigue:a-fatigue', atMs: T0, detail: {}, evidence: [{ kind: 'alert', id: 'a-fatigue' }] }]);
    expect(evaluateVehicleKeySupervision(fatigue, T0 + 30 * DAY_MS - 1).listed).toBe(true);
    expect(evaluateVehicleKeySupervision(fatigue, T0 + 30 * DAY_MS).listed).toBe(false);
  });

  it('a withdrawn alert counts nowhere: neither a fatigue violation nor a speeding episode', () => {
    expect(evaluateVehicleKeySupervision(vehicle({ fatigueViolations: [{ alertId: 'a', atMs: T0, withdrawn: true }] }), T0).listed).toBe(false);
    const episodes = [0, 1, 2].map((i) => ({ alertId: `s${i}`, startedAtMs: T0 + i * HOUR_MS, points: i === 0 ? 12 : 1, withdrawn: i === 0 }));
    // The serious one withdrawn, and only two left: not three in 7 days.
    expect(evaluateVehicleKeySupervision(vehicle({ speedingEpisodes: episodes }), T0 + 3 * HOUR_MS).listed).toBe(false);
  });

  it('a speeding episode in a serious band (12 or 9 points) lists; 6 points alone does not', () => {
    for (const points of [12, 9]) {
      expect(codes(vehicle({ speedingEpisodes: [{ alertId: 's', startedAtMs: T0, points }] }), T0)).toEqual(['serious_speeding']);
    }
    for (const points of [6, 1, undefined])
      expect(evaluateVehicleKeySupervision(vehicle({ speedingEpisodes: [{ alertId: 's', startedAtMs: T0, points }] }), T0).listed).toBe(false);
  });

  it('three episodes of any band whose starts lie less than 7 × 24 h apart list; exactly 7 days apart do not', () => {
    const three = (spanMs: number) => [0, spanMs / 2, spanMs].map((offset, i) => ({ alertId: `s${i}`, startedAtMs: T0 + offset }));
    const inside = evaluateVehicleKeySupervision(vehicle({ speedingEpisodes: three(7 * DAY_MS - 1) }), T0 + 7 * DAY_MS);
    expect(inside.reasons.map((r) => [r.code, r.atMs, r.evidence.map((e) => e.id)])).toEqual([['repeated_speeding', T0 + 7 * DAY_MS - 1, ['s0', 's1', 's2']]]);
    expect(evaluateVehicleKeySupervision(vehicle({ speedingEpisodes: three(7 * DAY_MS) }), T0 + 7 * DAY_MS).listed).toBe(false);
  });

  it('the repeated-speeding run ends when its first episode leaves the window, whatever order the episodes come in', () => {
    const episodes = [
      { alertId: 's2', startedAtMs: T0 + 2 * DAY_MS },
      { alertId: 's0', startedAtMs: T0 },
      { alertId: 's1', startedAtMs: T0 + DAY_MS },
    ];
    const verdict = evaluateVehicleKeySupervision(vehicle({ speedingEpisodes: episodes }), T0 + 2 * DAY_MS);
    expect(verdict).toMatchObject({ listed: true, exitAtMs: T0 + 30 * DAY_MS, lastTriggerAtMs: T0 });
    expect(evaluateVehicleKeySupervision(vehicle({ speedingEpisodes: episodes }), T0 + 30 * DAY_MS).listed).toBe(false);
  });

  it('knows nothing after t: an event dated later does not list yet', () => {
    expect(evaluateVehicleKeySupervision(vehicle({ fatigueViolations: [{ alertId: 'a', atMs: T0 + 1 }] }), T0).listed).toBe(false);
  });

  it('a tampering episode (§12, fed by nothing yet) lists from its start', () => {
    const verdict = evaluateVehicleKeySupervision(vehicle({ tamperingEpisodes: [{ episodeId: 'tamper-1', startedAtMs: T0 }] }), T0);
    expect(verdict.reasons[0]).toMatchObject({ code: 'tampering', evidence: [{ kind: 'tampering_episode', id: 'tamper-1' }] });
  });

  it('the exit is the latest trigger + 30 d when several hold', () => {
    const facts = vehicle({ fatigueViolations: [{ alertId: 'a', atMs: T0 }], speedingEpisodes: [{ alertId: 's', startedAtMs: T0 + 5 * DAY_MS, points: 9 }] });
    expect(evaluateVehicleKeySupervision(facts, T0 + 6 * DAY_MS)).toMatchObject({ exitAtMs: T0 + 35 * DAY_MS, lastTriggerAtMs: T0 + 5 * DAY_MS });
    expect(codes(facts, T0 + 31 * DAY_MS)).toEqual(['serious_speeding']);
  });
});

describe('vehicle: day facts, dated at the end of their local day', () => {
  const lowDays = ['2026-03-01', '2026-03-02', '2026-03-03'].map((d) => day(d, { trackM: 10_000, completeTrackM: 6_000 }));

  it('轨迹完整率 < 70 % pooled over 3 days with mileage lists at the end of the third local day, not during it', () => {
    const endOfThird = localDayEndMs('2026-03-03');
    expect(endOfThird).toBe(chinaLocalToEpochMs(2026, 3, 4));
    expect(evaluateVehicleKeySupervision(vehicle({ days: lowDays }), endOfThird - 1).listed).toBe(false);
    const verdict = evaluateVehicleKeySupervision(vehicle({ days: lowDays }), endOfThird);
    expect(verdict.reasons).toEqual([
      expect.objectContaining({
        code: 'low_track_completeness',
        atMs: endOfThird,
        detail: expect.objectContaining({ ratePct: 60, days: 3 }),
        evidence: ['2026-03-01', '2026-03-02', '2026-03-03'].map((d) => ({ kind: 'quality_day', id: `v1/${d}` })),
      }),
    ]);
    // The first day leaves the window 30 d after its end: two days are left, no longer judged.
    expect(verdict.exitAtMs).toBe(localDayEndMs('2026-03-01') + 30 * DAY_MS);
  });

  it('2 quality days are not judged; days without mileage do not count', () => {
    const two = [...lowDays.slice(0, 2), day('2026-03-03', { trackM: 0, completeTrackM: 0 })];
    expect(evaluateVehicleKeySupervision(vehicle({ days: two }), localDayEndMs('2026-03-05')).listed).toBe(false);
  });

  it('exactly 70 % does not list; 69.99 % does (mileage pooled, not averaged over days)', () => {
    const at70 = [
      day('2026-03-01', { trackM: 1_000, completeTrackM: 1_000 }),
      day('2026-03-02', { trackM: 1_000, completeTrackM: 1_000 }),
      day('2026-03-03', { trackM: 8_000, completeTrackM: 5_000 }),
    ];
    // Averaged per day this would be 87.5 %; pooled it is exactly 70.00 %.
    expect(evaluateVehicleKeySupervision(vehicle({ days: at70 }), localDayEndMs('2026-03-03')).listed).toBe(false);
    const below = at70.map((d, i) => (i === 2 ? { ...d, completeTrackM: 4_999 } : d));
    expect(codes(vehicle({ days: below }), localDayEndMs('2026-03-03'))).toEqual(['low_track_completeness']);
  });

  it('3 consecutive whole days operating, bound and without a valid record list at the third day’s end', () => {
    const off = (d: string, patch: Partial<VehicleDayFact> = {}) => day(d, { validRecords: 0, ...patch });
    const three = [off('2026-03-01'), off('2026-03-02'), off('2026-03-03')];
    expect(evaluateVehicleKeySupervision(vehicle({ days: three }), localDayEndMs('2026-03-03') - 1).listed).toBe(false);
    const verdict = evaluateVehicleKeySupervision(vehicle({ days: three }), localDayEndMs('2026-03-03'));
    expect(verdict.reasons.map((r) => [r.code, r.atMs, r.detail])).toEqual([['offline', localDayEndMs('2026-03-03'), { days: 3 }]]);
    // A gap in the run, a 报停 day or no bound terminal breaks it.
    for (const broken of [
      [three[0], three[1], off('2026-03-04')],
      [three[0], off('2026-03-02', { operating: false }), three[2]],
      [three[0], off('2026-03-02', { terminalBound: false }), three[2]],
      [three[0], off('2026-03-02', { validRecords: 1 }), three[2]],
    ]) {
      expect(evaluateVehicleKeySupervision(vehicle({ days: broken as VehicleDayFact[] }), localDayEndMs('2026-03-06')).listed).toBe(false);
    }
  });
});

describe('company', () => {
  const company = (patch: Partial<CompanyKeySupervisionFacts>): CompanyKeySupervisionFacts => ({
    companyId: 'c1',
    registeredVehicles: 10,
    listedVehicles: [],
    ...patch,
  });
  const monthEnd = chinaLocalToEpochMs(2026, 3, 1);
  const score = { scoreId: 'company:c1:month:2026-02', periodEndMs: monthEnd, assessed: true, totalScore: 85, anyIndicatorZero: false, handlingRatePct: 95 };

  it('score triggers of the last computed month are dated from its end: total < 80, 处理率 < 90 %, any indicator 0', () => {
    expect(evaluateCompanyKeySupervision(company({ lastMonthScore: score }), monthEnd).listed).toBe(false);
    expect(evaluateCompanyKeySupervision(company({ lastMonthScore: { ...score, totalScore: 80, handlingRatePct: 90 } }), monthEnd).listed).toBe(false);
    const bad = { ...score, totalScore: 79.99, handlingRatePct: 89.99, anyIndicatorZero: true };
    const verdict = evaluateCompanyKeySupervision(company({ lastMonthScore: bad }), monthEnd + DAY_MS);
    expect(verdict.reasons.map((r) => r.code)).toEqual(['company_handling_rate', 'company_indicator_zero', 'company_total_score']);
    expect(verdict).toMatchObject({ exitAtMs: monthEnd + 30 * DAY_MS });
    expect(verdict.reasons[0]?.evidence).toEqual([{ kind: 'assessment', id: 'company:c1:month:2026-02' }]);
    expect(evaluateCompanyKeySupervision(company({ lastMonthScore: bad }), monthEnd + 30 * DAY_MS).listed).toBe(false);
    expect(evaluateCompanyKeySupervision(company({ lastMonthScore: { ...bad, assessed: false } }), monthEnd + DAY_MS).listed).toBe(false);
  });

  it('≥ 10 % of all its registered vehicles listed at that instant lists; it leaves 30 d after the share fell', () => {
    const listed = [{ vehicleId: 'v1', exitAtMs: T0 + 5 * DAY_MS }];
    expect(evaluateCompanyKeySupervision(company({ registeredVehicles: 11, listedVehicles: listed }), T0).listed).toBe(false);
    const verdict = evaluateCompanyKeySupervision(company({ registeredVehicles: 10, listedVehicles: listed }), T0);
    expect(verdict).toMatchObject({ listed: true, exitAtMs: T0 + 35 * DAY_MS });
    expect(verdict.reasons[0]).toMatchObject({ code: 'company_listed_share', detail: { sharePct: 10 }, evidence: [{ kind: 'vehicle', id: 'v1' }] });
    // The evidence in id order, whatever order the vehicles come in.
    const two = [{ vehicleId: 'v2', exitAtMs: T0 + DAY_MS }, ...listed];
    expect(evaluateCompanyKeySupervision(company({ listedVehicles: two }), T0).reasons[0]?.evidence.map((e) => e.id)).toEqual(['v1', 'v2']);
    // A vehicle that already left does not count at t.
    expect(evaluateCompanyKeySupervision(company({ listedVehicles: [{ vehicleId: 'v1', exitAtMs: T0 }] }), T0).listed).toBe(false);
    expect(evaluateCompanyKeySupervision(company({ registeredVehicles: 0, listedVehicles: listed }), T0).listed).toBe(false);
  });
});

describe('raisedSeverity', () => {
  it('raises a listed vehicle’s alert one step, critical staying critical; unlisted unchanged', () => {
    expect((['info', 'minor', 'major', 'serious', 'critical'] as const).map((s) => raisedSeverity(s, true))).toEqual([
      'minor',
      'major',
      'serious',
      'critical',
      'critical',
    ]);
    expect(raisedSeverity('major', false)).toBe('major');
  });

  it('the defaults are RULES.md §10’s', () => {
    expect(DEFAULT_KEY_SUPERVISION_CONFIG).toMatchObject({
      windowMs: 30 * DAY_MS,
      seriousSpeedingPoints: [12, 9],
      repeatedSpeedingEpisodes: 3,
      trackCompletenessBelowPct: 70,
    });
  });
});

describe('nextKeySupervisionAction', () => {
  const fatigue = vehicle({ fatigueViolations: [{ alertId: 'a', atMs: T0 }] });
  const listedAt = (tMs: number) => evaluateVehicleKeySupervision(fatigue, tMs);

  it('opens at the first trigger, appends a new reason once, closes exactly 30 d after the last trigger however late the job runs', () => {
    const opened = nextKeySupervisionAction({ verdict: listedAt(T0 + HOUR_MS), tMs: T0 + HOUR_MS });
    expect(opened).toMatchObject({ kind: 'open', listedAtMs: T0, lastTriggerAtMs: T0 });
    const open = { lastTriggerAtMs: T0, reasons: listedAt(T0).reasons };
    expect(nextKeySupervisionAction({ open, verdict: listedAt(T0 + DAY_MS), tMs: T0 + DAY_MS })).toEqual({ kind: 'none' });
    // As stored: JSON storage hands the reason back with its keys in another order — still nothing new.
    const reordered = open.reasons.map((r) => ({ evidence: r.evidence, detail: r.detail, atMs: r.atMs, key: r.key, code: r.code }));
    expect(nextKeySupervisionAction({ open: { ...open, reasons: reordered }, verdict: listedAt(T0 + DAY_MS), tMs: T0 + DAY_MS })).toEqual({ kind: 'none' });
    const more = vehicle({ ...fatigue, speedingEpisodes: [{ alertId: 's', startedAtMs: T0 + DAY_MS, points: 12 }] });
    const extended = nextKeySupervisionAction({ open, verdict: evaluateVehicleKeySupervision(more, T0 + DAY_MS), tMs: T0 + DAY_MS });
    expect(extended).toMatchObject({ kind: 'extend', lastTriggerAtMs: T0 + DAY_MS, reasons: [{ key: 'fatigue:a' }, { key: 'serious_speeding:s' }] });
    expect(nextKeySupervisionAction({ open, verdict: listedAt(T0 + 45 * DAY_MS), tMs: T0 + 45 * DAY_MS })).toEqual({
      kind: 'close',
      exitedAtMs: T0 + 30 * DAY_MS,
    });
  });

  it('a job that did not run through a quiet gap closes the old entry at its exit and opens a new one; a trigger at the exit instant continues it', () => {
    const open = { lastTriggerAtMs: T0, reasons: listedAt(T0).reasons };
    const later = vehicle({ speedingEpisodes: [{ alertId: 's', startedAtMs: T0 + 30 * DAY_MS + 1, points: 9 }] });
    expect(nextKeySupervisionAction({ open, verdict: evaluateVehicleKeySupervision(later, T0 + 31 * DAY_MS), tMs: T0 + 31 * DAY_MS })).toMatchObject({
      kind: 'renew',
      exitedAtMs: T0 + 30 * DAY_MS,
      listedAtMs: T0 + 30 * DAY_MS + 1,
      reasons: [{ key: 'serious_speeding:s' }],
    });
    const atExit = vehicle({ speedingEpisodes: [{ alertId: 's', startedAtMs: T0 + 30 * DAY_MS, points: 9 }] });
    expect(nextKeySupervisionAction({ open, verdict: evaluateVehicleKeySupervision(atExit, T0 + 31 * DAY_MS), tMs: T0 + 31 * DAY_MS })).toMatchObject({
      kind: 'extend',
      reasons: [{ key: 'fatigue:a' }, { key: 'serious_speeding:s' }],
    });
  });

  it('after a release only triggers dated later list again; a listing whose facts vanished closes now', () => {
    expect(nextKeySupervisionAction({ verdict: listedAt(T0 + DAY_MS), lastReleaseAtMs: T0, tMs: T0 + DAY_MS })).toEqual({ kind: 'none' });
    expect(nextKeySupervisionAction({ verdict: listedAt(T0 + DAY_MS), lastReleaseAtMs: T0 - 1, tMs: T0 + DAY_MS })).toMatchObject({ kind: 'open' });
    const open = { lastTriggerAtMs: T0, reasons: listedAt(T0).reasons };
    expect(nextKeySupervisionAction({ open, verdict: { listed: false, reasons: [] }, tMs: T0 + DAY_MS })).toEqual({ kind: 'close', exitedAtMs: T0 + DAY_MS });
  });
});
