import { describe, expect, it } from 'vitest';
import type { TargetingItem } from '@roadwatch/contracts';
import { evidenceShapes } from './targeting-panel';

const lead = (evidence: Record<string, unknown>): TargetingItem => ({
  targetingId: 'x',
  kind: 'cloned_plate',
  plate: '冀B77777',
  plateColour: 2,
  occurredAtMs: 0,
  priority: 'normal',
  status: 'open',
  evidence,
  createdAtMs: 0,
  updatedAtMs: 0,
});

describe('evidenceShapes: what a lead’s evidence puts on the 布控线索 map', () => {
  it('a cloned plate: the station and the conflicting fixes as [lon, lat]', () => {
    const shapes = evidenceShapes(
      lead({ station: { latitudeDeg: 38, longitudeDeg: 114.5 }, conflicts: [{ latitudeDeg: 38.54, longitudeDeg: 114.5, distanceM: 60_000 }] }),
    );
    expect(shapes).toEqual({ station: [114.5, 38], fixes: [[114.5, 38.54]], track: [], screenLines: [] });
  });

  it('an evasion pass: its track and both screen lines', () => {
    const shapes = evidenceShapes(
      lead({
        station: {
          latitudeDeg: 38,
          longitudeDeg: 114.5,
          screenLines: {
            upstream: [
              [114.4, 37.97],
              [114.6, 37.97],
            ],
            downstream: [
              [114.4, 38.03],
              [114.6, 38.03],
            ],
          },
        },
        track: [
          { timeMs: 1, latitudeDeg: 37.96, longitudeDeg: 114.5 },
          { timeMs: 2, latitudeDeg: 38.04, longitudeDeg: 114.5 },
        ],
      }),
    );
    expect(shapes.track).toEqual([
      [114.5, 37.96],
      [114.5, 38.04],
    ]);
    expect(shapes.screenLines).toHaveLength(2);
  });

  it('odd evidence (text for numbers, NaN, a one-point line, nothing at all) is left out, never drawn', () => {
    const shapes = evidenceShapes(
      lead({
        station: { latitudeDeg: '38', longitudeDeg: 114.5, screenLines: { upstream: [[114.4, 37.97]], downstream: 'no' } },
        conflicts: [{ latitudeDeg: Number.NaN, longitudeDeg: 114.5 }, null, 7],
        track: 'none',
      }),
    );
    expect(shapes).toEqual({ fixes: [], track: [], screenLines: [] });
    expect(evidenceShapes(lead({}))).toEqual({ fixes: [], track: [], screenLines: [] });
  });
});
