import type { LoginResponse } from '@roadwatch/contracts';
import { Scope, type Principal } from '../auth/scope';
import type { ApiContext } from './api-context';

/** The parts of Express's request that name the client (`ip` honours API_TRUST_PROXY_HOPS). */
export interface ClientAddress {
  ip?: string;
  socket: { remoteAddress?: string };
}

export const clientAddressOf = (request: ClientAddress): string => request.ip ?? request.socket.remoteAddress ?? 'unknown';

/** What an audited command is told of its caller: the scope it acts in, the API's clock, and the client's address. */
export const commandContextOf = <S>(ctx: Pick<ApiContext, 'now'>, scope: S, request: ClientAddress): { scope: S; nowMs: number; clientAddress: string } => ({
  scope,
  nowMs: ctx.now(),
  clientAddress: clientAddressOf(request),
});

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
