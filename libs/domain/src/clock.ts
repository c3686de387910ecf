import { MINUTE_MS } from './time';

/**
 * The platform's clock against the terminals' (RULES.md §6: a valid record's time is "≤ now +
 * small clock skew"). A report dated further ahead than this is *future-dated*: it is
 * acknowledged, stored and flagged (the detector's `invalid_position` alert), but it never
 * becomes a vehicle's latest position and never advances a watermark or a window — a
 * terminal whose clock says 2099 must not freeze the vehicle on the map for ever.
 * Not a RULES.md number: 10 min (issue #10), configurable where it is used.
 */
export const DEFAULT_CLOCK_SKEW_MS = 10 * MINUTE_MS;

/** Whether a report dated `deviceTimeMs` lies more than `clockSkewMs` ahead of the platform's clock `clockMs`. */
export const isAheadOfClock = (deviceTimeMs: number, clockMs: number, clockSkewMs: number = DEFAULT_CLOCK_SKEW_MS): boolean =>
  deviceTimeMs > clockMs + clockSkewMs;

/** What deciding a vehicle's latest position needs of a report. */
export interface TimedReport {
  deviceTimeMs: number;
  /** The platform's clock when the report was received (the gateway stamps it). */
  receivedAtMs: number;
}

/**
 * Whether `candidate` replaces `current` as a vehicle's latest position: never when it was
 * future-dated on receipt; otherwise when it is newer in device time — or when `current` is
 * ahead of the platform's clock now (an entry stored before future-dated reports were kept
 * out, which would otherwise win for ever). `nowMs` is the caller's clock.
 */
export const replacesLatest = (
  candidate: TimedReport,
  current: { deviceTimeMs: number } | null | undefined,
  nowMs: number,
  clockSkewMs: number = DEFAULT_CLOCK_SKEW_MS,
): boolean => {
  if (isAheadOfClock(candidate.deviceTimeMs, candidate.receivedAtMs, clockSkewMs)) return false;
  return !current || current.deviceTimeMs < candidate.deviceTimeMs || isAheadOfClock(current.deviceTimeMs, nowMs, clockSkewMs);
};
