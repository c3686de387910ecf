import { describe, expect, it } from 'vitest';
import { evidenceLabel, reasonText } from './reasons';

describe('重点监管 reasons on screen', () => {
  it('fills the figures into the Chinese text by default and the English one on request; a missing figure shows a dash', () => {
    expect(reasonText({ code: 'serious_speeding', detail: { points: 12 } }, 'zh')).toBe('严重超速（12分）');
    expect(reasonText({ code: 'low_track_completeness', detail: { ratePct: 62.5, days: 4 } }, 'en')).toBe('Track completeness 62.5% (4 days)');
    expect(reasonText({ code: 'offline', detail: {} }, 'zh')).toBe('营运期间连续—天无有效定位');
    expect(reasonText({ code: 'fatigue', detail: {} }, 'zh')).toBe('疲劳驾驶');
  });

  it('names a quality day by its date and an alert by its id, whatever the vehicle id holds', () => {
    expect(evidenceLabel({ kind: 'quality_day', id: '京A/12345:2/2026-03-01' })).toBe('2026-03-01');
    expect(evidenceLabel({ kind: 'alert', id: 'alert:fatigue:1' })).toBe('alert:fatigue:1');
  });
});
