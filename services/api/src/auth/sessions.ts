import type { Principal } from './scope';
import type { TokenService } from './tokens';
import type { SessionState } from './users.repository';

/** How long a change to a user (disabled, deleted, re-scoped, password reset) may take to end its sessions. */
export const DEFAULT_SESSION_BOUND_MS = 60_000;

/** A signed-in caller whose token still stands. */
export interface Session {
  principal: Principal;
  tokenVersion: number;
  expiresAtMs: number;
  /** Every endpoint but /v1/me and /v1/me/password answers 403 until the password is changed. */
  mustChangePassword: boolean;
}

interface Cached {
  state: SessionState | null;
  fetchedAtMs: number;
}

/** The cache never holds more users than this; past it, it starts over (a lookup is one indexed row). */
const MAX_CACHED_USERS = 50_000;

/**
 * Sessions end with their users: a token is good only while its user exists, is enabled, and
 * still has the token version the token was issued under. Disabling a user, changing their
 * role, company or region, or resetting their password bumps the version in the database.
 *
 * Why a per-user token version checked against a cache, not short-lived access tokens with a
 * refresh step: the check costs one indexed row per user per half bound per instance, needs
 * no refresh protocol in every client (the map, scripts, the live feed), and a change made
 * on an instance takes effect there at once (`forget`). Other instances see it when their
 * cached entry is older than half the bound, and the live feed re-checks its sockets every
 * half bound: a change reaches every REST call and every socket of the cluster within the
 * bound, with no Redis needed (so standalone works alike).
 */
export class Sessions {
  private readonly cache = new Map<string, Cached>();
  private readonly loading = new Map<string, Promise<SessionState | null>>();
  private forgets = 0;
  /** How long a user's state is trusted; half the bound, so the socket sweep (also every half bound) stays within it. */
  readonly cacheTtlMs: number;

  constructor(
    private readonly tokens: TokenService,
    private readonly users: { sessionState(username: string): Promise<SessionState | null> },
    readonly boundMs: number = DEFAULT_SESSION_BOUND_MS,
    private readonly now: () => number = Date.now,
  ) {
    if (!(boundMs >= 100)) throw new Error('the session bound must be at least 100 ms');
    this.cacheTtlMs = Math.floor(boundMs / 2);
  }

  /** The session of a bearer token, or null (missing, forged, expired, or its user gone, disabled or changed). Throws when the users table cannot be read. */
  async of(token: string | undefined): Promise<Session | null> {
    const verified = await this.tokens.verify(token);
    if (!verified) return null;
    const state = await this.stateOf(verified.principal.username);
    if (!state || state.disabled || state.tokenVersion !== verified.tokenVersion) return null;
    return { ...verified, mustChangePassword: state.mustChangePassword };
  }

  /** Whether a session found earlier still stands (the live feed's sweep). Throws when the users table cannot be read. */
  async stands(session: Session): Promise<boolean> {
    if (session.expiresAtMs <= this.now()) return false;
    const state = await this.stateOf(session.principal.username);
    return state !== null && !state.disabled && state.tokenVersion === session.tokenVersion && state.mustChangePassword === session.mustChangePassword;
  }

  /** A change to the user on this instance: the next check reads the database. */
  forget(username: string): void {
    this.cache.delete(username);
    // A read begun before the change may answer the old state: it must neither be joined nor cached.
    this.loading.delete(username);
    this.forgets += 1;
  }

  private async stateOf(username: string): Promise<SessionState | null> {
    const cached = this.cache.get(username);
    const nowMs = this.now();
    if (cached && nowMs - cached.fetchedAtMs < this.cacheTtlMs) return cached.state;
    const forgetsBefore = this.forgets;
    let pending = this.loading.get(username);
    if (!pending) {
      const load = this.users.sessionState(username).finally(() => {
        if (this.loading.get(username) === load) this.loading.delete(username);
      });
      this.loading.set(username, load);
      pending = load;
    }
    const state = await pending;
    if (forgetsBefore === this.forgets) {
      if (this.cache.size >= MAX_CACHED_USERS) this.cache.clear();
      this.cache.set(username, { state, fetchedAtMs: nowMs });
    }
    return state;
  }
}
