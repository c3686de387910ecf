import { Scope, type Capability } from '../auth/scope';
import { bearerOf, type TokenService } from '../auth/tokens';
import { fail } from './http-errors';

/** The caller's Scope from `Authorization: Bearer …`; 401 without a valid token, 403 without the capability. */
export const scopeOf = async (tokens: TokenService, authorization: string | undefined, capability: Capability): Promise<Scope> => {
  const principal = await tokens.verify(bearerOf(authorization));
  if (!principal) return fail(401, 'missing, invalid or expired bearer token');
  const scope = Scope.of(principal);
  if (!scope.can(capability)) return fail(403, `role ${principal.role} may not use ${capability}`);
  return scope;
};
