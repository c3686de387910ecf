import { chinaLocalToEpochMs } from '@roadwatch/domain';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PENALTY_CONFIG, resolvePenaltyConfig } from './penalties.config';
import { article44ReportDeadline } from './report-deadline.rule';

describe('第44条 report to the home 运管 office within 7 working days (RULES.md §5)', () => {
  it('decision Monday 2026-05-11 → due Wednesday 2026-05-20 (Mon–Fri, the decision day not counted)', () => {
    const d = article44ReportDeadline(chinaLocalToEpochMs(2026, 5, 11, 15, 0), DEFAULT_PENALTY_CONFIG);
    expect(d).toMatchObject({ decisionDate: '2026-05-11', dueDate: '2026-05-20', workingDays: 7 });
    expect(d.basis).toBe('决定日2026-05-11起7个工作日 → 应于2026-05-20前抄告车籍地运管机构（超限规定 第44条）');
    expect(d.basisEn).toBe('decision 2026-05-11 + 7 working days → report by 2026-05-20 (超限规定 第44条)');
  });

  it('the decision date is the local (GMT+8) date: 00:30 on 2026-05-11 local is still the 11th', () => {
    expect(article44ReportDeadline(chinaLocalToEpochMs(2026, 5, 11, 0, 30), DEFAULT_PENALTY_CONFIG).decisionDate).toBe('2026-05-11');
  });

  it('a decision on Saturday counts from the next Monday: Sat 2026-05-16 → due Tue 2026-05-26', () => {
    expect(article44ReportDeadline(chinaLocalToEpochMs(2026, 5, 16, 10, 0), DEFAULT_PENALTY_CONFIG).dueDate).toBe('2026-05-26');
  });

  it('configured holidays are skipped and 调休 weekend working days count', () => {
    // An example calendar set by an administrator: 1–8 Oct off, Saturday 10 Oct worked.
    const calendar = resolvePenaltyConfig({
      reportDeadline: {
        holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08'],
        workingWeekendDays: ['2026-10-10'],
      },
    });
    const d = article44ReportDeadline(chinaLocalToEpochMs(2026, 9, 30, 9, 0), calendar);
    // 9 Oct (1), Sat 10 Oct (2), 12–16 Oct (3–7).
    expect(d.dueDate).toBe('2026-10-16');
    expect(d.holidaysSkipped).toHaveLength(6);
    expect(d.workingWeekendDaysCounted).toEqual(['2026-10-10']);
  });
});
