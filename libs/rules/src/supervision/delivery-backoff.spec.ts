import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_RETRY_POLICY as P, deliveryRetryDelayMs, nextDeliveryAttemptAtMs } from './delivery-backoff';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 31, 16, 0, 0); // 2026-02-01 00:00 GMT+8: the window crosses a month end

describe('delivery back-off (RULES §9 Delivery: retried with back-off for a default 24 h)', () => {
  it('doubles from 10 s without jitter (random 0) and stops growing at 1 h', () => {
    const delays = [1, 2, 3, 4, 5, 9, 10, 11, 12, 60, 2_000].map((n) => deliveryRetryDelayMs(P, n, 0));
    expect(delays).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 2_560_000, HOUR, HOUR, HOUR, HOUR, HOUR]);
  });

  it('jitter takes up to half the delay off: random just below 1 gives just above half, 0.5 three quarters', () => {
    expect(deliveryRetryDelayMs(P, 1, 0.5)).toBe(7_500);
    expect(deliveryRetryDelayMs(P, 1, 0.999_999)).toBe(5_000);
    expect(deliveryRetryDelayMs(P, 12, 0.25)).toBe(3_150_000);
    for (let i = 0; i < 50; i += 1) {
      const delay = deliveryRetryDelayMs(P, 3, i / 50);
      expect(delay).toBeGreaterThan(20_000);
      expect(delay).toBeLessThanOrEqual(40_000);
    }
  });

  it('refuses an attempt number below 1 or fractional, and a random outside [0, 1), naming it', () => {
    expect(() => deliveryRetryDelayMs(P, 0, 0)).toThrow(/attemptNo/);
    expect(() => deliveryRetryDelayMs(P, 1.5, 0)).toThrow(/attemptNo/);
    expect(() => deliveryRetryDelayMs(P, 1, 1)).toThrow(/random/);
    expect(() => deliveryRetryDelayMs(P, 1, -0.1)).toThrow(/random/);
    expect(() => deliveryRetryDelayMs(P, 1, Number.NaN)).toThrow(/random/);
  });

  it('the next attempt follows the failure by the delay; a delay past the window is cut to its end, which is still tried', () => {
    expect(nextDeliveryAttemptAtMs(P, { attemptNo: 1, firstDueAtMs: T0, failedAtMs: T0 + 300, random: 0 })).toBe(T0 + 10_300);
    const lateFailure = T0 + 24 * HOUR - 60_000;
    expect(nextDeliveryAttemptAtMs(P, { attemptNo: 30, firstDueAtMs: T0, failedAtMs: lateFailure, random: 0 })).toBe(T0 + 24 * HOUR);
  });

  it('a failure at the window end or after it gives up; one millisecond before it still retries (at the end)', () => {
    expect(nextDeliveryAttemptAtMs(P, { attemptNo: 40, firstDueAtMs: T0, failedAtMs: T0 + 24 * HOUR, random: 0 })).toBeUndefined();
    expect(nextDeliveryAttemptAtMs(P, { attemptNo: 40, firstDueAtMs: T0, failedAtMs: T0 + 25 * HOUR, random: 0.3 })).toBeUndefined();
    expect(nextDeliveryAttemptAtMs(P, { attemptNo: 40, firstDueAtMs: T0, failedAtMs: T0 + 24 * HOUR - 1, random: 0 })).toBe(T0 + 24 * HOUR);
  });

  it('a configured window (1 h) gives up after 1 h; the whole default schedule tries about 30 times in 24 h', () => {
    const policy = { ...P, windowMs: HOUR };
    expect(nextDeliveryAttemptAtMs(policy, { attemptNo: 5, firstDueAtMs: T0, failedAtMs: T0 + HOUR, random: 0 })).toBeUndefined();
    let at = T0;
    let attempts = 1;
    for (let next = nextDeliveryAttemptAtMs(P, { attemptNo: 1, firstDueAtMs: T0, failedAtMs: at, random: 0 }); next !== undefined; attempts += 1) {
      at = next;
      next = nextDeliveryAttemptAtMs(P, { attemptNo: attempts + 1, firstDueAtMs: T0, failedAtMs: at, random: 0 });
    }
    expect(at).toBe(T0 + 24 * HOUR);
    // 10 s … 2,560 s (9 attempts, 5,110 s in all), then hourly up to 24 h, the last cut to the window's end.
    expect(attempts).toBe(1 + 9 + 22 + 1);
  });
});
