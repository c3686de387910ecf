import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { METRES_PER_DEGREE_LAT } from '../testing/track';
import { countTrack, emptyCounters, impliedSpeedKmh, judgeDrift } from './data-quality.rule';

const q = DEFAULT_RULES_CONFIG.quality;
const jitter = DEFAULT_RULES_CONFIG.motion.jitterM;
const north = (timeMs: number, metres: number) => ({ timeMs, latitudeDeg: 39.5 + metres / METRES_PER_DEGREE_LAT, longitudeDeg: 116 });

describe('drift (RULES.md §6: a point implying > 160 km/h from its neighbours)', () => {
  // 160 km/h for 36 s = 1,600 m, plus the 50 m jitter allowed first.
  it('exactly 160 km/h beyond jitter is not drift; just above is', () => {
    expect(impliedSpeedKmh(north(0, 0), north(36_000, 1_650), jitter)).toBeCloseTo(160, 2);
    expect(judgeDrift({ candidate: null }, north(0, 0), north(36_000, 1_649), q, jitter).verdict).toBe('ok');
    expect(judgeDrift({ candidate: null }, north(0, 0), north(36_000, 1_700), q, jitter).verdict).toBe('drift');
  });

  it('a single spike is drift and the next good point is ok again', () => {
    const spike = judgeDrift({ candidate: null }, north(0, 0), north(30_000, 5_000), q, jitter);
    expect(spike.verdict).toBe('drift');
    expect(judgeDrift(spike.state, north(0, 0), north(60_000, 500), q, jitter).verdict).toBe('ok');
  });

  it('two consecutive points that agree with each other but not with the anchor re-anchor the track', () => {
    const first = judgeDrift({ candidate: null }, north(0, 0), north(30_000, 5_000), q, jitter);
    expect(judgeDrift(first.state, north(0, 0), north(60_000, 5_400), q, jitter).verdict).toBe('reanchor');
  });
});

describe('drift — the state given back unchanged when there is no candidate (no copy per report)', () => {
  it('ok reports keep the very state; a candidate is kept, then cleared into a fresh state without touching the old one', () => {
    const none = { candidate: null };
    expect(judgeDrift(none, null, north(0, 0), q, jitter).state).toBe(none);
    expect(judgeDrift(none, north(0, 0), north(30_000, 300), q, jitter).state).toBe(none);
    const spike = judgeDrift(none, north(0, 0), north(30_000, 5_000), q, jitter);
    expect(spike.state).not.toBe(none);
    expect(none).toEqual({ candidate: null });
    const back = judgeDrift(spike.state, north(0, 0), north(60_000, 500), q, jitter);
    expect(back.state).toEqual({ candidate: null });
    expect(spike.state.candidate).not.toBeNull();
  });
});

describe('轨迹完整率 counters (RULES.md §6: a gap > 1 km between consecutive points is incomplete)', () => {
  it('999.5 m (within 1 km) is complete, 1,000.5 m (beyond 1 km) is not', () => {
    const a = countTrack(emptyCounters('2026-11-23'), north(0, 0), north(30_000, 999.5), q);
    expect(a.completeTrackM).toBeCloseTo(999.5, 0);
    const b = countTrack(emptyCounters('2026-11-23'), north(0, 0), north(30_000, 1_000.5), q);
    expect(b).toMatchObject({ completeTrackM: 0, incompleteGaps: 1 });
    expect(b.trackM).toBeCloseTo(1_000.5, 0);
  });
});
