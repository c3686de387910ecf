import { describe, expect, it } from 'vitest';
import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { effectiveDeadlineMs, handlingRate, handlingVerdict, type HandlingFacts } from './handling-rate';
import { monthPeriod } from './assessment-period';

const MIN = 60_000;
const nov = monthPeriod('2026-11');
const afterNov = chinaLocalToEpochMs(2026, 12, 2);
const at = (day: number, hour = 12, minute = 0) => chinaLocalToEpochMs(2026, 11, day, hour, minute);

/** A severe alert notified at `notified`, due 30 min later. */
const row = (notified: number, overrides: Partial<HandlingFacts> = {}): HandlingFacts => ({
  alertId: `a-${notified}`,
  due: true,
  withdrawn: false,
  firstNotifiedAtMs: notified,
  deadlineAtMs: notified + 30 * MIN,
  ...overrides,
});
const verdict = (facts: HandlingFacts, nowMs = afterNov) => handlingVerdict(facts, nov.startMs, nov.endMs, nowMs);

describe('handlingVerdict (RULES §15 "Handling and 处理率")', () => {
  it('handled at the deadline is on time; a millisecond later is late (denominator only)', () => {
    expect(verdict(row(at(3), { handledAtMs: at(3) + 30 * MIN }))).toBe('handled_on_time');
    expect(verdict(row(at(3), { handledAtMs: at(3) + 30 * MIN + 1 }))).toBe('handled_late');
    expect(verdict(row(at(3)))).toBe('unhandled');
  });
  it('is due in the local month its deadline falls: a deadline at 00:00:00 on the 1st belongs to the new month', () => {
    const notified = chinaLocalToEpochMs(2026, 11, 30, 23, 30);
    expect(verdict(row(notified))).toBe('outside_period');
    expect(handlingVerdict(row(notified), nov.endMs, monthPeriod('2026-12').endMs, chinaLocalToEpochMs(2027, 1, 2))).toBe('unhandled');
    // notified in October, deadline in November: November's
    expect(verdict(row(chinaLocalToEpochMs(2026, 10, 31, 23, 45)))).toBe('unhandled');
  });
  it('is not due before its deadline has passed, even when handled (the month is not over)', () => {
    expect(verdict(row(at(3)), at(3) + 30 * MIN)).toBe('deadline_not_passed');
    expect(verdict(row(at(3), { handledAtMs: at(3) }), at(3) + 10 * MIN)).toBe('deadline_not_passed');
    expect(verdict(row(at(3)), at(3) + 30 * MIN + 1)).toBe('unhandled');
  });
  it('a pre-warning, a never-notified and a withdrawn alert are never due', () => {
    expect(verdict(row(at(3), { due: false }))).toBe('not_due');
    expect(verdict({ alertId: 'x', due: true, withdrawn: false })).toBe('not_notified');
    expect(verdict(row(at(3), { withdrawn: true, handledAtMs: at(3) }))).toBe('withdrawn');
  });
  it('an accepted appeal is out of both; a pending one is kept out until decided', () => {
    expect(verdict(row(at(3), { appealState: 'accepted', appealFiledAtMs: at(3) + MIN, appealDecidedAtMs: at(4) }))).toBe('appeal_accepted');
    expect(verdict(row(at(3), { appealState: 'pending', appealFiledAtMs: at(3) + MIN }))).toBe('appeal_pending');
  });
  it('a timely appeal rejected gives a fresh window of the same length from the rejection', () => {
    const rejected = row(at(3), { appealState: 'rejected', appealFiledAtMs: at(3) + 30 * MIN, appealDecidedAtMs: at(5) });
    expect(effectiveDeadlineMs(rejected)).toBe(at(5) + 30 * MIN);
    expect(verdict({ ...rejected, handledAtMs: at(5) + 30 * MIN })).toBe('handled_on_time');
    expect(verdict({ ...rejected, handledAtMs: at(5) + 31 * MIN })).toBe('handled_late');
    // a rejection on the 30th at 23:50 moves the fresh deadline into December
    const late = { ...rejected, appealDecidedAtMs: chinaLocalToEpochMs(2026, 11, 30, 23, 50) };
    expect(verdict(late)).toBe('outside_period');
  });
  it('keeps a fresh window the handling part already stored', () => {
    const stored = row(at(3), { deadlineAtMs: at(5) + 30 * MIN, appealState: 'rejected', appealFiledAtMs: at(3) + 10 * MIN, appealDecidedAtMs: at(5) });
    expect(effectiveDeadlineMs(stored)).toBe(at(5) + 30 * MIN);
  });
  it('an appeal filed after the deadline and rejected changes nothing', () => {
    const rejected = row(at(3), { appealState: 'rejected', appealFiledAtMs: at(3) + 30 * MIN + 1, appealDecidedAtMs: at(5), handledAtMs: at(5) });
    expect(effectiveDeadlineMs(rejected)).toBe(at(3) + 30 * MIN);
    expect(verdict(rejected)).toBe('handled_late');
  });
  it('handling as 误报 is handling: the verdict reads only the time', () => {
    expect(verdict(row(at(3), { handledAtMs: at(3) + MIN }))).toBe('handled_on_time');
  });
});

describe('handlingRate', () => {
  it('handled on time ÷ (due − accepted appeals), with the appeals counted aside', () => {
    const rows = [
      row(at(1), { alertId: '1', handledAtMs: at(1) + MIN }),
      row(at(2), { alertId: '2', handledAtMs: at(2) + 30 * MIN }),
      row(at(3), { alertId: '3', handledAtMs: at(3) + 31 * MIN }),
      row(at(4), { alertId: '4' }),
      row(at(5), { alertId: '5', appealState: 'accepted', appealFiledAtMs: at(5), appealDecidedAtMs: at(6) }),
      row(at(6), { alertId: '6', appealState: 'pending', appealFiledAtMs: at(6) }),
      row(at(7), { alertId: '7', withdrawn: true }),
      row(at(8), { alertId: '8', due: false }),
    ];
    expect(handlingRate(rows, nov.startMs, nov.endMs, afterNov)).toEqual({ numerator: 2, denominator: 4, ratePct: 50, pendingAppeals: 1, acceptedAppeals: 1 });
  });
  it('9 of 10 is 90.00 % exactly', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row(at(i + 1), { alertId: `${i}`, ...(i < 9 ? { handledAtMs: at(i + 1) } : {}) }));
    expect(handlingRate(rows, nov.startMs, nov.endMs, afterNov).ratePct).toBe(90);
  });
  it('nothing due: not assessed (no rate)', () => {
    expect(handlingRate([row(at(3), { due: false })], nov.startMs, nov.endMs, afterNov)).toEqual({
      numerator: 0,
      denominator: 0,
      pendingAppeals: 0,
      acceptedAppeals: 0,
    });
  });
});
