import type { LoginResponse } from '@roadwatch/contracts';
import { Scope, type Principal } from '../auth/scope';
import type { ApiContext } from './api-context';

/** The parts of Express's request that name the client (`ip` honours API_TRUST_PROXY_HOPS). */
export interface ClientAddress {
  ip?: string;
  socket: { remoteAddress?: string };
}

export const clientAddressOf = (request: ClientAddress): string => request.ip ?? request.socket.remoteAddress ?? 'unknown';

/** A fresh token and the user it names, after a sign-in or the user's own password change. */
export const loginResponseOf = async (
  ctx: Pick<ApiContext, 'tokens'>,
  signedIn: { principal: Principal & { displayName?: string }; tokenVersion: number; mustChangePassword: boolean },
): Promise<LoginResponse> => {
  const { token, expiresAtMs } = await ctx.tokens.issue(signedIn.principal, signedIn.tokenVersion);
  return {
    token,
    expiresAtMs,
    user: { ...signedIn.principal, capabilities: Scope.of(signedIn.principal).capabilities, mustChangePassword: signedIn.mustChangePassword },
  };
};
