import { describe, expect, it } from 'vitest';
import { formatClockRangeZh, formatDuration, formatDurationZh } from './alerts';

const S = 1_000;
const MIN = 60 * S;
const H = 60 * MIN;

describe('summary formatting', () => {
  it('durations: English keeps every part, Chinese leaves out the zero ones', () => {
    expect(formatDuration(3 * H + 40 * MIN + 5 * S)).toBe('3 h 40 min 05 s');
    expect(formatDurationZh(3 * H + 40 * MIN + 5 * S)).toBe('3小时40分钟5秒');
    expect(formatDurationZh(4 * H)).toBe('4小时');
    expect(formatDurationZh(20 * MIN)).toBe('20分钟');
    expect(formatDurationZh(0)).toBe('0秒');
  });

  it("daily windows in the regulator's words", () => {
    expect(formatClockRangeZh('02:00', '05:00')).toBe('凌晨2时至5时');
    expect(formatClockRangeZh('22:00', '06:00')).toBe('22时至6时');
    expect(formatClockRangeZh('07:30', '09:00')).toBe('7时30分至9时');
  });
});
