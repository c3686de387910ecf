import { chinaMidnightMs, chinaTimeOfDayMs, chinaDateOf, DAY_MS } from '@roadwatch/domain';

const todCache = new Map<string, number>();

/** 'HH:MM' or 'HH:MM:SS' local time of day → ms since local midnight. */
export const parseTimeOfDay = (text: string): number => {
  const cached = todCache.get(text);
  if (cached !== undefined) return cached;
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) throw new Error(`invalid time of day '${text}' (expected HH:MM or HH:MM:SS)`);
  const ms = (Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3] ?? 0)) * 1000;
  if (ms > DAY_MS) throw new Error(`invalid time of day '${text}'`);
  todCache.set(text, ms);
  return ms;
};

/**
 * Whether an instant lies in the daily local window [start, end). The start instant is
 * inside, the end instant is not ("22:00–06:00": 06:00:00 is day again). A window whose
 * start is after its end wraps midnight.
 */
export const isInDailyWindow = (epochMs: number, start: string, end: string): boolean => {
  const from = parseTimeOfDay(start);
  const to = parseTimeOfDay(end);
  const tod = chinaTimeOfDayMs(epochMs);
  if (from === to) return false;
  return from < to ? tod >= from && tod < to : tod >= from || tod < to;
};

export interface WindowOccurrence {
  /** Epoch ms of this occurrence's start and end. */
  startMs: number;
  endMs: number;
  /** Local date on which the occurrence starts (the "night" it belongs to). */
  date: string;
}

// Formatting a date is the costly part of the per-report work; a local midnight always
// gives the same date, so a small memo is safe (it is a cache, not state).
const dateMemo = new Map<number, string>();
const localDateOfMidnight = (midnightMs: number): string => {
  let date = dateMemo.get(midnightMs);
  if (date === undefined) {
    if (dateMemo.size > 4_096) dateMemo.clear();
    date = chinaDateOf(midnightMs);
    dateMemo.set(midnightMs, date);
  }
  return date;
};

/** The occurrences of a daily local window that intersect [fromMs, toMs], in order. */
export const windowOccurrences = (fromMs: number, toMs: number, start: string, end: string): WindowOccurrence[] => {
  const from = parseTimeOfDay(start);
  const to = parseTimeOfDay(end);
  if (from === to || toMs < fromMs) return [];
  const length = from < to ? to - from : DAY_MS - from + to;
  const result: WindowOccurrence[] = [];
  for (let midnight = chinaMidnightMs(fromMs) - DAY_MS; midnight <= toMs; midnight += DAY_MS) {
    const startMs = midnight + from;
    const endMs = startMs + length;
    if (endMs > fromMs && startMs < toMs) result.push({ startMs, endMs, date: localDateOfMidnight(midnight) });
  }
  return result;
};

/** Length of the part of [fromMs, toMs] inside the daily window. */
export const dailyWindowOverlapMs = (fromMs: number, toMs: number, start: string, end: string): number => {
  const from = parseTimeOfDay(start);
  const to = parseTimeOfDay(end);
  if (from === to || toMs <= fromMs) return 0;
  const length = from < to ? to - from : DAY_MS - from + to;
  let total = 0;
  for (let midnight = chinaMidnightMs(fromMs) - DAY_MS; midnight <= toMs; midnight += DAY_MS) {
    const startMs = midnight + from;
    total += Math.max(0, Math.min(toMs, startMs + length) - Math.max(fromMs, startMs));
  }
  return total;
};

// The local day the last instant asked about fell in: consecutive reports mostly share a day,
// so most calls are two comparisons — no midnight arithmetic, no map lookup (a cache, not state).
let lastDayStartMs = NaN;
let lastDayEndMs = NaN;
let lastDate = '';

/** Local date (YYYY-MM-DD) of an instant, memoised by its local midnight. */
export const localDateOf = (epochMs: number): string => {
  if (epochMs >= lastDayStartMs && epochMs < lastDayEndMs) return lastDate;
  const midnightMs = chinaMidnightMs(epochMs);
  const date = localDateOfMidnight(midnightMs);
  // Not for an instant that is not a finite number: its "day" would swallow the next ones.
  if (Number.isFinite(midnightMs)) {
    lastDayStartMs = midnightMs;
    lastDayEndMs = midnightMs + DAY_MS;
    lastDate = date;
  }
  return date;
};

/**
 * The instant at which the time spent inside the daily window since `fromMs` reaches
 * `targetMs`, looking no further than `toMs`; undefined when it is not reached by then.
 * (The 2 h of night driving inside one driving period, counted from the period's start.)
 */
export const instantWindowTimeReaches = (fromMs: number, toMs: number, start: string, end: string, targetMs: number): number | undefined => {
  let spentMs = 0;
  for (const w of windowOccurrences(fromMs, toMs, start, end)) {
    const enteredMs = Math.max(fromMs, w.startMs);
    const insideMs = Math.min(toMs, w.endMs) - enteredMs;
    if (insideMs <= 0) continue;
    if (spentMs + insideMs >= targetMs) return enteredMs + (targetMs - spentMs);
    spentMs += insideMs;
  }
  return undefined;
};
