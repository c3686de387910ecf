import type { SourceTraceItem } from '@roadwatch/contracts';

/** The trace's default window (RULES.md §13: the 24 h before the weighing). */
export const TRACE_WINDOW_MS = 24 * 3_600_000;
/** The track runs a minute past the weighing so the map shows the truck on the scale. */
const AFTER_WEIGHING_MS = 60_000;

/**
 * Which stored positions the 货源地倒查 map draws: from the loading stop (the candidate stop,
 * else the window's first stop, else the whole 24 h) to just after the weighing — never more
 * than the trace's own window, whatever a stored stop says.
 */
export const traceTrackWindow = (
  trace: Pick<SourceTraceItem, 'weighedAtMs' | 'candidateStop' | 'stops' | 'possibleLoadingPoints'>,
): { fromMs: number; toMs: number } => {
  const windowStartMs = trace.weighedAtMs - TRACE_WINDOW_MS;
  const starts = [trace.candidateStop, ...trace.stops, ...trace.possibleLoadingPoints].flatMap((s) => (s ? [s.spanStartMs] : []));
  const loadingStartMs = trace.candidateStop?.spanStartMs ?? (starts.length > 0 ? Math.min(...starts) : windowStartMs);
  return { fromMs: Math.min(trace.weighedAtMs, Math.max(windowStartMs, loadingStartMs)), toMs: trace.weighedAtMs + AFTER_WEIGHING_MS };
};
