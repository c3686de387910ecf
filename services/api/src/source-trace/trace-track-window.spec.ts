import { describe, expect, it } from 'vitest';
import { TRACE_WINDOW_MS, traceTrackWindow } from './trace-track-window';

const weighedAtMs = Date.UTC(2026, 4, 1, 2, 0, 0);
const stop = (startMinBefore: number) => ({
  spanStartMs: weighedAtMs - startMinBefore * 60_000,
  spanEndMs: weighedAtMs - (startMinBefore - 12) * 60_000,
  heldMs: 12 * 60_000,
  sites: [],
});

describe('traceTrackWindow (the 货源地倒查 map: loading stop → weighing)', () => {
  it('starts at the candidate stop even when an earlier stop was read', () => {
    const w = traceTrackWindow({ weighedAtMs, candidateStop: stop(90), stops: [stop(300), stop(90)], possibleLoadingPoints: [] });
    expect(w).toEqual({ fromMs: weighedAtMs - 90 * 60_000, toMs: weighedAtMs + 60_000 });
  });

  it('without a candidate, starts at the earliest stop, in whatever order they are stored', () => {
    const w = traceTrackWindow({ weighedAtMs, candidateStop: null, stops: [stop(60), stop(200)], possibleLoadingPoints: [stop(400)] });
    expect(w.fromMs).toBe(weighedAtMs - 400 * 60_000);
  });

  it('without any stop, the whole default 24 h window', () => {
    expect(traceTrackWindow({ weighedAtMs, candidateStop: null, stops: [], possibleLoadingPoints: [] }).fromMs).toBe(weighedAtMs - TRACE_WINDOW_MS);
  });

  it('never reaches before the 24 h window, nor starts after the weighing (odd stored spans)', () => {
    expect(traceTrackWindow({ weighedAtMs, candidateStop: stop(26 * 60), stops: [], possibleLoadingPoints: [] }).fromMs).toBe(weighedAtMs - TRACE_WINDOW_MS);
    expect(traceTrackWindow({ weighedAtMs, candidateStop: stop(-30), stops: [], possibleLoadingPoints: [] }).fromMs).toBe(weighedAtMs);
  });
});
