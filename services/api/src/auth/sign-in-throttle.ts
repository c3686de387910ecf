import type { Redis } from 'ioredis';
import { createRateLimit, type RateLimit } from '@roadwatch/runtime';

/**
 * Brute-force brake on sign-in: every attempt spends one unit of the user name's budget and one
 * of the client address's, *before* the password is checked (so a burst of parallel guesses is
 * cut off at the budget, not after it); a good sign-in gives both back. Over either budget the
 * answer is 429 with Retry-After and no password work is done. With Redis the budgets are shared
 * by every API instance, so spreading guesses over instances gains nothing.
 */
export interface SignInLimits {
  /** Failed attempts per user name per window (a mistyping user has plenty; a guesser does not). */
  perUsername: number;
  /** Failed attempts per client address per window (password spraying over many user names). */
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perUsername: 10, perAddress: 50, windowSeconds: 900 };

export type SignInAttempt = { allowed: true } | { allowed: false; retryAfterMs: number; limitedBy: 'username' | 'address' };

export class SignInThrottle {
  private readonly byUsername: RateLimit;
  private readonly byAddress: RateLimit;

  constructor(limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS, redis?: Redis, keyPrefix = 'roadwatch:signin') {
    const store = redis ? { redis } : {};
    this.byUsername = createRateLimit({ points: limits.perUsername, windowSeconds: limits.windowSeconds, keyPrefix: `${keyPrefix}:user`, ...store });
    this.byAddress = createRateLimit({ points: limits.perAddress, windowSeconds: limits.windowSeconds, keyPrefix: `${keyPrefix}:addr`, ...store });
  }

  /** Spends the attempt; refused when either budget is spent. */
  async attempt(username: string, address: string): Promise<SignInAttempt> {
    const user = await this.byUsername.take(username.toLowerCase());
    const addr = await this.byAddress.take(address);
    if (!user.allowed) return { allowed: false, retryAfterMs: user.retryAfterMs, limitedBy: 'username' };
    if (!addr.allowed) return { allowed: false, retryAfterMs: addr.retryAfterMs, limitedBy: 'address' };
    return { allowed: true };
  }

  /** A good sign-in: the user name starts afresh, the address gets its attempt back. */
  async succeeded(username: string, address: string): Promise<void> {
    await this.byUsername.reset(username.toLowerCase());
    await this.byAddress.refund(address);
  }
}
