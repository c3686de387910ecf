import type { AlertV1 } from '@roadwatch/contracts';
import type { PositionRules } from '../../src/rules/position-rules.port';

/**
 * A stand-in for the libs/rules pipeline with the same contract (pure, JSON state,
 * watermark, deterministic ids, growing episodes with revisions), small enough to reason
 * about in the detector's own tests: an "over 100 km/h" episode per vehicle that opens at
 * the first over report, is re-published with a higher revision on every further over
 * report, and ends at the first report at or under 100; plus a pre-warning after 3 h 40 of
 * reports and an offline alert after 20 min of silence. No quality counters.
 */
export interface ToyState {
  watermarkMs: number;
  firstMs: number;
  episodeStartMs: number | null;
  revision: number;
  prewarned: boolean;
  offlineRaisedFor: number | null;
}

export const toyPositionRules = (): PositionRules => ({
  driverTimesOf: () => [],
  process(facts, raw, position) {
    const state: ToyState = raw
      ? { ...(raw as ToyState) }
      : { watermarkMs: -1, firstMs: position.deviceTimeMs, episodeStartMs: null, revision: -1, prewarned: false, offlineRaisedFor: null };
    if (position.deviceTimeMs <= state.watermarkMs) return { state, alerts: [], qualityDays: [] };
    state.watermarkMs = position.deviceTimeMs;
    const alerts: AlertV1[] = [];
    const base = { v: 1 as const, vehicleId: facts.vehicleId, raisedAtMs: position.deviceTimeMs, details: {}, evidence: {} };
    if (position.speedKmh > 100) {
      if (state.episodeStartMs === null) {
        state.episodeStartMs = position.deviceTimeMs;
        state.revision = -1;
      }
      state.revision++;
      alerts.push({
        ...base,
        alertId: `speeding|${facts.vehicleId}|${state.episodeStartMs}`,
        revision: state.revision,
        rule: 'speeding',
        level: 'violation',
        severity: 'major',
        startedAtMs: state.episodeStartMs,
        endedAtMs: position.deviceTimeMs,
        summary: 'over 100',
      });
    } else {
      state.episodeStartMs = null;
    }
    const drivingMs = position.deviceTimeMs - state.firstMs;
    if (!state.prewarned && drivingMs >= 220 * 60_000) {
      state.prewarned = true;
      alerts.push({
        ...base,
        alertId: `fatigue_continuous|prewarning|${facts.vehicleId}|${state.firstMs}`,
        revision: 0,
        rule: 'fatigue_continuous',
        level: 'prewarning',
        severity: 'minor',
        startedAtMs: state.firstMs,
        summary: 'pre-warning',
        details: { drivingMs, remainingMs: 240 * 60_000 - drivingMs },
      });
    }
    return { state, alerts, qualityDays: [] };
  },
  dueMs(_facts, raw) {
    const state = raw as ToyState;
    return state.offlineRaisedFor === state.watermarkMs ? null : state.watermarkMs + 20 * 60_000;
  },
  decodeState: (raw) => raw,
  tick(facts, raw, nowMs) {
    const state = raw as ToyState;
    if (nowMs - state.watermarkMs < 20 * 60_000 || state.offlineRaisedFor === state.watermarkMs) return { state, alerts: [], qualityDays: [] };
    const next: ToyState = { ...state, offlineRaisedFor: state.watermarkMs };
    return {
      state: next,
      alerts: [
        {
          v: 1,
          alertId: `offline|${facts.vehicleId}|${state.watermarkMs}`,
          revision: 0,
          vehicleId: facts.vehicleId,
          rule: 'offline',
          level: 'data_quality',
          severity: 'minor',
          startedAtMs: state.watermarkMs,
          raisedAtMs: nowMs,
          summary: 'offline',
          details: {},
          evidence: {},
        },
      ],
      qualityDays: [],
    };
  },
});
