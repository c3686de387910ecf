/**
 * Every rule in RULES.md speaks of local time in China (GMT+8, no daylight saving).
 * Times travel as UTC epoch milliseconds; these helpers are the one place that
 * turns them into local wall-clock facts.
 */
export const CHINA_UTC_OFFSET_MS = 8 * 3_600_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Milliseconds since local (GMT+8) midnight. */
export const chinaTimeOfDayMs = (epochMs: number): number => (((epochMs + CHINA_UTC_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;

/** Epoch ms of the local (GMT+8) midnight that starts the day containing epochMs. */
export const chinaMidnightMs = (epochMs: number): number => epochMs - chinaTimeOfDayMs(epochMs);

/** Local calendar date as YYYY-MM-DD. */
export const chinaDateOf = (epochMs: number): string => new Date(chinaMidnightMs(epochMs) + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);

/** Epoch ms of a local wall-clock time; month is 1-based. */
export const chinaLocalToEpochMs = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number =>
  Date.UTC(year, month - 1, day, hour, minute, second) - CHINA_UTC_OFFSET_MS;

/** Local wall-clock time as `YYYY-MM-DDTHH:MM:SS` — what a monitoring centre in China reads, whatever the viewer's own time zone. */
export const chinaLocalIso = (epochMs: number): string => new Date(epochMs + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 19);

/** Epoch ms of a local `YYYY-MM-DDTHH:MM[:SS]` (a datetime-local input's value); undefined when it is not one. */
export const chinaLocalIsoToEpochMs = (text: string): number | undefined => {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
  const ms = chinaLocalToEpochMs(y as number, mo as number, d as number, h as number, mi as number, Number.isNaN(se) ? 0 : (se as number));
  return chinaLocalIso(ms).startsWith(text.slice(0, 16)) ? ms : undefined;
};
