import { describe, expect, it } from 'vitest';
import type { TrackPoint } from '@roadwatch/contracts';
import { pointAt } from './playback';

const pt = (tMs: number): TrackPoint => ({ tMs, latitudeDeg: 39.8, longitudeDeg: 116.3, speedKmh: 50, headingDeg: 0 });

describe('pointAt — the playback head at a slider time', () => {
  const track = [pt(1000), pt(2000), pt(3000), pt(5000)];
  it('is the last point at or before the time', () => {
    expect(pointAt(track, 1000)?.tMs).toBe(1000);
    expect(pointAt(track, 2999)?.tMs).toBe(2000);
    expect(pointAt(track, 4000)?.tMs).toBe(3000);
    expect(pointAt(track, 9000)?.tMs).toBe(5000);
  });
  it('clamps before the start, and is undefined for an empty track', () => {
    expect(pointAt(track, 0)?.tMs).toBe(1000);
    expect(pointAt([], 1000)).toBeUndefined();
  });
});
