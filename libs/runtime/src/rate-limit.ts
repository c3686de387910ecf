import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/**
 * A fixed-window budget per key (a WIM station, a user name, a client address), on
 * rate-limiter-flexible: in memory for one process (the embedded default), in Redis when
 * several instances must share the budget (cluster mode) — an attacker spreading requests
 * over instances gets no more than one instance would give.
 */
export interface RateLimit {
  /** Spends `cost` from the key's budget: allowed, or refused with how long until the window frees up. */
  take(key: string, cost?: number): Promise<RateDecision>;
  /** Gives back what `take` spent (e.g. a client address's attempt that turned out a good sign-in). */
  refund(key: string, cost?: number): Promise<void>;
  /** Forgets a key (e.g. a user name after a good sign-in). */
  reset(key: string): Promise<void>;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export interface RateLimitOptions {
  /** Units per window. */
  points: number;
  windowSeconds: number;
  /** Namespaces the keys (one limiter's keys never collide with another's). */
  keyPrefix: string;
  /** Shared store; without it the budget is this process's own. */
  redis?: Redis;
}

export const createRateLimit = (options: RateLimitOptions): RateLimit => {
  const common = { points: options.points, duration: options.windowSeconds, keyPrefix: options.keyPrefix };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({ ...common, storeClient: options.redis, useRedisPackage: false })
    : new RateLimiterMemory(common);
  return {
    async take(key, cost = 1) {
      try {
        const result = await limiter.consume(key, cost);
        return { allowed: true, remaining: result.remainingPoints };
      } catch (outcome) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the budget is spent and with an
        // Error when the store failed; a store failure must not open the gate silently nor close it
        // for everyone, so it propagates to the caller (which answers 503).
        if (outcome instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, outcome.msBeforeNext) };
        throw outcome;
      }
    },
    async refund(key, cost = 1) {
      await limiter.reward(key, cost);
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
};

/** `Retry-After` is whole seconds, rounded up (RFC 9110 §10.2.3). */
export const retryAfterSeconds = (retryAfterMs: number): number => Math.max(1, Math.ceil(retryAfterMs / 1000));
