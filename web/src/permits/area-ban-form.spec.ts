import { describe, expect, it } from 'vitest';
import { parsePolygonText, parseWindowsText, windowsLabel } from './area-ban-form';

describe('the area-ban form', () => {
  it('reads a polygon typed as lon,lat pairs (Chinese comma and new lines too) and refuses a pair that is not two numbers', () => {
    expect(parsePolygonText('113.2,23.1; 113.4，23.1\n113.4 23.2;')).toEqual([
      [113.2, 23.1],
      [113.4, 23.1],
      [113.4, 23.2],
    ]);
    expect(parsePolygonText('113.2,23.1; 113.4')).toBeUndefined();
    expect(parsePolygonText('113.2,abc')).toBeUndefined();
  });

  it('reads windows as HH:MM-HH:MM and labels them Chinese first with their weekdays', () => {
    expect(parseWindowsText('22:00-06:00，00:00~05:00')).toEqual([
      { from: '22:00', to: '06:00' },
      { from: '00:00', to: '05:00' },
    ]);
    expect(parseWindowsText('22-06')).toBeUndefined();
    const ban = {
      windows: [
        { from: '22:00', to: '06:00', days: [5, 7] },
        { from: '12:00', to: '13:00' },
      ],
    };
    expect(windowsLabel(ban, 'zh')).toBe('22:00–06:00（周五、周日）；12:00–13:00');
    expect(windowsLabel(ban, 'en')).toBe('22:00–06:00 (ISO days 5,7); 12:00–13:00');
  });
});
