/**
 * When a failed delivery to a company is tried again (RULES.md §9 "Delivery": retried; issue
 * #14: with back-off for *default* 24 h). Exponential back-off with jitter, so the attempts
 * of many deliveries that failed together (a company's endpoint down) do not come back
 * together; the last attempt is at the window's end, after which the delivery is given up.
 */
export interface DeliveryRetryPolicy {
  /** The delay after the first failed attempt, before jitter. */
  baseDelayMs: number;
  /** The delay never grows beyond this, before jitter. */
  maxDelayMs: number;
  /** How long after its first attempt a delivery is tried at all. */
  windowMs: number;
  /** The share of the delay that is random: 0.5 draws the delay from [½ d, d]. */
  jitterRatio: number;
}

export const DEFAULT_DELIVERY_RETRY_POLICY: DeliveryRetryPolicy = {
  baseDelayMs: 10_000,
  maxDelayMs: 60 * 60_000,
  windowMs: 24 * 60 * 60_000,
  jitterRatio: 0.5,
};

/**
 * The delay after failed attempt number `attemptNo` (1 = the first attempt failed):
 * `min(max, base × 2^(attemptNo − 1))`, less up to `jitterRatio` of it by `random` ∈ [0, 1).
 */
export const deliveryRetryDelayMs = (policy: DeliveryRetryPolicy, attemptNo: number, random: number): number => {
  if (!Number.isInteger(attemptNo) || attemptNo < 1) throw new RangeError(`attemptNo must be an integer ≥ 1, got ${attemptNo}`);
  if (!(random >= 0 && random < 1)) throw new RangeError(`random must lie in [0, 1), got ${random}`);
  // 2^(n − 1) overflows to Infinity long after it passes any sane maximum: min() keeps it finite.
  const exponentialMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attemptNo - 1));
  return Math.round(exponentialMs * (1 - policy.jitterRatio * random));
};

/**
 * The next attempt's time after failed attempt `attemptNo` at `failedAtMs` of a delivery whose
 * first attempt was due at `firstDueAtMs`; `undefined` = give up. The window's end is inclusive
 * and always tried: a delay reaching past it is cut to it, and a failure at or after it ends the
 * delivery.
 */
export const nextDeliveryAttemptAtMs = (
  policy: DeliveryRetryPolicy,
  attempt: { attemptNo: number; firstDueAtMs: number; failedAtMs: number; random: number },
): number | undefined => {
  const windowEndMs = attempt.firstDueAtMs + policy.windowMs;
  if (attempt.failedAtMs >= windowEndMs) return undefined;
  return Math.min(windowEndMs, attempt.failedAtMs + deliveryRetryDelayMs(policy, attempt.attemptNo, attempt.random));
};
