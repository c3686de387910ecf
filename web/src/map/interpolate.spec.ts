import { describe, expect, it } from 'vitest';
import { MotionInterpolator } from './interpolate';

describe('MotionInterpolator', () => {
  it('places a first fix without gliding', () => {
    const m = new MotionInterpolator();
    m.update('v1', [116.3, 39.8], 1000);
    expect(m.position('v1', 1000)).toEqual([116.3, 39.8]);
    expect(m.isAnimating(1000)).toBe(false);
  });

  it('glides linearly from the drawn position to the new fix over one tick interval', () => {
    const m = new MotionInterpolator();
    m.tick(10_000);
    m.update('v1', [116.3, 39.8], 0);
    m.tick(12_000); // ticks 2 s apart → 2 s glide
    m.update('v1', [116.31, 39.81], 0);
    const [lon, lat] = m.position('v1', 1000)!;
    expect(lon).toBeCloseTo(116.305, 9);
    expect(lat).toBeCloseTo(39.805, 9);
    expect(m.isAnimating(1000)).toBe(true);
    expect(m.position('v1', 2000)).toEqual([116.31, 39.81]);
    expect(m.isAnimating(2000)).toBe(false);
  });

  it('a fix arriving mid-glide starts from where the vehicle is drawn, so there is no jump', () => {
    const m = new MotionInterpolator({ defaultDurationMs: 1000 });
    m.update('v1', [0 + 116, 40], 0);
    m.update('v1', [116.01, 40], 0);
    const mid = m.position('v1', 500)!;
    m.update('v1', [116.02, 40], 500);
    expect(m.position('v1', 500)).toEqual(mid);
    expect(m.position('v1', 1500)).toEqual([116.02, 40]);
  });

  it('snaps on a jump longer than snapDeg (reconnect, blind-area back-fill)', () => {
    const m = new MotionInterpolator();
    m.update('v1', [116, 40], 0);
    m.update('v1', [117, 40], 0);
    expect(m.position('v1', 1)).toEqual([117, 40]);
  });

  it('clamps the glide to maxDurationMs after a long gap between ticks', () => {
    const m = new MotionInterpolator({ maxDurationMs: 3000 });
    m.tick(0);
    m.tick(60_000);
    m.update('v1', [116, 40], 0);
    m.update('v1', [116.01, 40], 0);
    expect(m.isAnimating(2999)).toBe(true);
    expect(m.isAnimating(3000)).toBe(false);
  });
});
