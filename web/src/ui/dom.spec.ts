import { describe, expect, it } from 'vitest';
import { fmtTime } from './dom';

describe('fmtTime', () => {
  it("shows China's wall clock (GMT+8) whatever the browser's zone: 17:05:09 UTC is 01:05:09 the next day", () => {
    expect(fmtTime(Date.UTC(2026, 10, 23, 17, 5, 9))).toBe('11-24 01:05:09');
  });
});
