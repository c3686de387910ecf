import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { Track } from '../testing/track';
import { gapsOf, motionTimeline, stopsOf, trackPointsOf } from './stops';

const MIN = 60_000;
const T0 = 1_780_000_000_000;
const read = (t: Track) => motionTimeline(trackPointsOf(t.positions).points, DEFAULT_RULES_CONFIG.motion);

describe('stops of a stored track (RULES.md §8, §15: a §13 stop is a §8 stop)', () => {
  it('span from the last moving report before to the first after; held dwell from the first to the last still report', () => {
    const [stop] = stopsOf(
      read(
        new Track(T0)
          .report(60)
          .drive(5 * MIN)
          .stopFor(12 * MIN)
          .drive(5 * MIN),
      ),
    );
    expect(stop).toMatchObject({ spanStartMs: T0 + 5 * MIN, spanEndMs: T0 + 17 * MIN, spanMs: 12 * MIN, heldMs: 11 * MIN, ended: true });
  });

  it('a gap moved through ends the stop at the gap’s start; a gap stood still through is part of it', () => {
    const moved = stopsOf(
      read(
        new Track(T0)
          .report(60)
          .stopFor(10 * MIN, 0)
          .gap(10 * MIN, 3_000)
          .drive(5 * MIN),
      ),
    );
    expect(moved[0]).toMatchObject({ spanEndMs: T0 + 10 * MIN, ended: true });
    const still = stopsOf(
      read(
        new Track(T0)
          .report(60)
          .stopFor(10 * MIN, 0)
          .gap(10 * MIN, 0)
          .drive(5 * MIN),
      ),
    );
    expect(still).toHaveLength(1);
    expect(still[0]).toMatchObject({ spanEndMs: T0 + 20 * MIN + 30_000, heldMs: 20 * MIN - 30_000 });
    expect(gapsOf(read(new Track(T0).report(60).gap(10 * MIN, 0))).map((g) => g.kind)).toEqual(['gap_still']);
  });

  it('a track that ends standing still has an open stop; no report or a moving track has none', () => {
    expect(stopsOf(read(new Track(T0).report(60).stop(10 * MIN)))[0]).toMatchObject({ ended: false, spanEndMs: T0 + 10 * MIN });
    expect(stopsOf(read(new Track(T0)))).toEqual([]);
    expect(stopsOf(read(new Track(T0).report(60).drive(60 * MIN)))).toEqual([]);
  });

  it('trackPointsOf sorts, keeps the first report of an instant and drops non-finite ones', () => {
    const t = new Track(T0).report(0).drive(2 * MIN);
    const dup = { ...(t.positions[1] as (typeof t.positions)[number]), latitudeDeg: 10 };
    const { points, ignored } = trackPointsOf([...t.positions].reverse().concat([dup, { ...dup, deviceTimeMs: Number.NaN }]));
    expect(points.map((p) => p.timeMs)).toEqual(t.positions.map((p) => p.deviceTimeMs));
    expect(points[1]?.latitudeDeg).not.toBe(10);
    expect(ignored).toBe(2);
  });
});
