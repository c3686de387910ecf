import { Scope, type Capability } from '../auth/scope';
import type { Session, Sessions } from '../auth/sessions';
import { bearerOf } from '../auth/tokens';
import { fail } from './http-errors';

/** The 403 of a user who must change their password first (the web app shows the change-password page on it). */
export const PASSWORD_CHANGE_REQUIRED = 'password change required: set a new password with POST /v1/me/password before using this endpoint';

/**
 * The caller's session from `Authorization: Bearer …`: 401 without a valid token or when its
 * user is gone, disabled or changed since; 503 when the users table cannot be read.
 */
export const sessionOf = async (sessions: Sessions, authorization: string | undefined): Promise<Session> => {
  const session = await sessions.of(bearerOf(authorization)).catch((error: Error) => fail(503, `could not check the session, retry later (${error.message})`));
  return session ?? fail(401, 'missing, invalid or expired bearer token, or its user was disabled or changed');
};

/** The caller's Scope: 401 as above, 403 without the capability or while the password must be changed. */
export const scopeOf = async (sessions: Sessions, authorization: string | undefined, capability: Capability): Promise<Scope> => {
  const session = await sessionOf(sessions, authorization);
  if (session.mustChangePassword) return fail(403, PASSWORD_CHANGE_REQUIRED);
  const scope = Scope.of(session.principal);
  if (!scope.can(capability)) return fail(403, `role ${session.principal.role} may not use ${capability}`);
  return scope;
};
