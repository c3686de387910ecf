import { describe, expect, it } from 'vitest';
import { DEFAULT_HANDLING_DEADLINE_CONFIG, handlingDeadlineAt, handlingSeverityOf, isHandlingDue, type HandlingAlertFacts } from './handling-deadline';

const MIN = 60_000;
const HOUR = 60 * MIN;
const NOTIFIED = Date.UTC(2026, 0, 31, 15, 45, 0); // 23:45 local on the 31st: the deadline may fall in the next month

describe('handling deadline by severity at first notification (RULES §9, §15)', () => {
  const severe: [string, HandlingAlertFacts][] = [
    ['a continuous-driving fatigue violation', { rule: 'fatigue_continuous', level: 'violation' }],
    ['a night fatigue violation', { rule: 'fatigue_night', level: 'violation' }],
    ['a 24 h fatigue violation', { rule: 'fatigue_daily', level: 'violation' }],
    ['the 02:00 rule', { rule: 'night_ban_2_5', level: 'violation' }],
    ['a 百吨王', { rule: 'overload', level: 'violation', isBaiDunWang: true }],
    ['a 12-point speeding episode', { rule: 'speeding', level: 'violation', points: 12 }],
    ['a 9-point speeding episode', { rule: 'speeding', level: 'violation', points: 9 }],
  ];
  it.each(severe)('%s is severe: 30 min from the first notification', (_, alert) => {
    expect(handlingSeverityOf(alert)).toBe('severe');
    expect(handlingDeadlineAt(alert, NOTIFIED)).toEqual({ severity: 'severe', deadlineAtMs: NOTIFIED + 30 * MIN });
  });

  const standard: [string, HandlingAlertFacts][] = [
    ['a 6-point speeding episode (the band just under 9)', { rule: 'speeding', level: 'violation', points: 6 }],
    ['a 1-point speeding episode', { rule: 'speeding', level: 'violation', points: 1 }],
    ['a speeding episode without points', { rule: 'speeding', level: 'violation' }],
    ['an overload that is not a 百吨王', { rule: 'overload', level: 'violation', isBaiDunWang: false }],
    ['an overload without the flag', { rule: 'overload', level: 'violation' }],
    ['a time-window ban', { rule: 'time_window_ban', level: 'violation' }],
    ['a data-quality alert', { rule: 'data_gap_moved', level: 'data_quality' }],
  ];
  it.each(standard)('%s is standard: 24 h', (_, alert) => {
    expect(handlingDeadlineAt(alert, NOTIFIED)).toEqual({ severity: 'standard', deadlineAtMs: NOTIFIED + 24 * HOUR });
  });

  it('a fatigue pre-warning is delivered but never due and never severe: no deadline', () => {
    const prewarning: HandlingAlertFacts = { rule: 'fatigue_continuous', level: 'prewarning' };
    expect(isHandlingDue(prewarning)).toBe(false);
    expect(handlingDeadlineAt(prewarning, NOTIFIED)).toEqual({ severity: 'standard', deadlineAtMs: null });
  });

  it('the windows and the serious band are configurable', () => {
    const config = { ...DEFAULT_HANDLING_DEADLINE_CONFIG, severeWindowMs: 15 * MIN, standardWindowMs: 12 * HOUR, severeSpeedingMinPoints: 12 };
    expect(handlingDeadlineAt({ rule: 'speeding', level: 'violation', points: 9 }, NOTIFIED, config).deadlineAtMs).toBe(NOTIFIED + 12 * HOUR);
    expect(handlingDeadlineAt({ rule: 'speeding', level: 'violation', points: 12 }, NOTIFIED, config).deadlineAtMs).toBe(NOTIFIED + 15 * MIN);
  });

  it('runs in absolute time: a window crossing local midnight and a month end is plain milliseconds', () => {
    // 23:45 local + 30 min = 00:15 local on 1 February
    expect(new Date(handlingDeadlineAt({ rule: 'night_ban_2_5', level: 'violation' }, NOTIFIED).deadlineAtMs ?? 0).toISOString()).toBe(
      '2026-01-31T16:15:00.000Z',
    );
  });
});
