import type { PositionV1 } from '@roadwatch/contracts';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG } from '../common/rules-config';
import { positionAt } from '../testing/track';
import { orderArrival, orderingDueMs, releaseDue, type OrderedReportSink } from './ordering';
import { initialOrderingState } from './vehicle-state';

const S = 1_000;
const MIN = 60 * S;
const T0 = Date.UTC(2026, 10, 23, 0, 0);

/** A sink that only records what the ordering stage emits — no rule behind it. */
const recorder = (judge: (p: PositionV1) => boolean = () => true) => {
  const seen: string[] = [];
  const sink: OrderedReportSink = {
    report: (p) => {
      seen.push(`report ${(p.deviceTimeMs - T0) / S}`);
      const plausible = judge(p);
      return { status: plausible ? 'accepted' : 'invalid', reasons: [], timePlausible: plausible };
    },
    late: (p, onArrival) => void seen.push(`${onArrival ? 'late on arrival' : 'late'} ${(p.deviceTimeMs - T0) / S}`),
    duplicate: (p) => void seen.push(`duplicate ${(p.deviceTimeMs - T0) / S}`),
    lateStretch: (ps) => void seen.push(`stretch ${ps.map((p) => (p.deviceTimeMs - T0) / S).join(',')}`),
  };
  return { seen, sink };
};

const at = (offsetS: number, receivedS: number, extra: Partial<PositionV1> = {}) =>
  positionAt(T0 + offsetS * S, { receivedAtMs: T0 + receivedS * S, latitudeDeg: 39.5 + offsetS * 1e-5, ...extra });

describe('ordering stage (alone, with a recording sink)', () => {
  it('emits reports in device-time order whatever the arrival order of a back-fill, and says when the hold is due', () => {
    const ordering = initialOrderingState();
    const { seen, sink } = recorder();
    const arrive = (p: PositionV1) => orderArrival(ordering, p, p.receivedAtMs, p.receivedAtMs, DEFAULT_RULES_CONFIG, sink).status;
    // 0, 30 live; silence to 600 (held: anchor); the blind stretch arrives newest first.
    expect([at(0, 1), at(30, 31), at(600, 601)].map(arrive)).toEqual(['accepted', 'accepted', 'held']);
    expect(orderingDueMs(ordering, DEFAULT_RULES_CONFIG)).toBe(T0 + 601 * S + 3 * MIN);
    expect([at(540, 610, { source: 'blind-area' }), at(300, 610, { source: 'blind-area' }), at(60, 610, { source: 'blind-area' })].map(arrive)).toEqual([
      'held',
      'held',
      'held',
    ]);
    // Exact retransmission of a held one, and of a fed one.
    expect(arrive(at(300, 611, { source: 'blind-area' }))).toBe('duplicate');
    expect(arrive(at(30, 612))).toBe('duplicate');
    releaseDue(ordering, T0 + 601 * S + 3 * MIN - 1, DEFAULT_RULES_CONFIG, sink);
    expect(seen.filter((s) => s.startsWith('report'))).toEqual(['report 0', 'report 30']);
    releaseDue(ordering, T0 + 610 * S + 3 * MIN, DEFAULT_RULES_CONFIG, sink);
    expect(seen).toEqual(['report 0', 'report 30', 'duplicate 300', 'duplicate 30', 'report 60', 'report 300', 'report 540', 'report 600']);
    expect(ordering.held).toEqual([]);
    expect(orderingDueMs(ordering, DEFAULT_RULES_CONFIG)).toBeNull();
    expect(ordering.holes).toEqual([
      [T0 + 60 * S, T0 + 300 * S],
      [T0 + 300 * S, T0 + 540 * S],
    ]);
  });

  it('a report older than the watermark is late; inside a hole it is gathered and handed on as a stretch once its window passed', () => {
    const ordering = initialOrderingState();
    const { seen, sink } = recorder();
    const arrive = (p: PositionV1) =>
      orderArrival(
        ordering,
        p,
        p.receivedAtMs,
        p.receivedAtMs,
        { ...DEFAULT_RULES_CONFIG, lateness: { ...DEFAULT_RULES_CONFIG.lateness, holdAfterSilenceMs: 10 * MIN } },
        sink,
      ).status;
    expect([at(0, 1), at(300, 301), at(320, 321)].map(arrive)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(arrive(at(310, 400))).toBe('late'); // between fed reports 20 s apart: no hole
    expect(arrive(at(200, 400))).toBe('late'); // inside the 0–300 hole: gathered
    expect(arrive(at(250, 401))).toBe('late');
    expect(arrive(at(100, 401))).toBe('late');
    expect(seen.slice(3)).toEqual(['late on arrival 310', 'late on arrival 200', 'late on arrival 250', 'late on arrival 100']);
    releaseDue(ordering, T0 + 400 * S + 3 * MIN - 1, DEFAULT_RULES_CONFIG, sink);
    expect(seen).toHaveLength(7);
    // 200's window passed: it goes with every older one gathered, in device-time order; 250 waits for its own.
    releaseDue(ordering, T0 + 400 * S + 3 * MIN, DEFAULT_RULES_CONFIG, sink);
    expect(seen.at(-1)).toBe('stretch 100,200');
    releaseDue(ordering, T0 + 401 * S + 3 * MIN, DEFAULT_RULES_CONFIG, sink);
    expect(seen.at(-1)).toBe('stretch 250');
    expect(ordering.lateHeld).toEqual([]);
  });

  it('a report whose time the sink does not believe (future-dated) moves no watermark and is not held', () => {
    const ordering = initialOrderingState();
    const { seen, sink } = recorder((p) => p.deviceTimeMs < T0 + 3_600 * S);
    const arrive = (p: PositionV1) => orderArrival(ordering, p, p.receivedAtMs, p.receivedAtMs, DEFAULT_RULES_CONFIG, sink).status;
    expect(arrive(at(0, 1))).toBe('accepted');
    // Dated a year ahead of its receipt: fed at once (not held after the "silence"), judged invalid.
    expect(arrive(at(365 * 86_400, 31))).toBe('invalid');
    expect(ordering.watermarkMs).toBe(T0);
    expect(arrive(at(60, 61))).toBe('accepted');
    expect(seen).toEqual(['report 0', `report ${365 * 86_400}`, 'report 60']);
  });
});
