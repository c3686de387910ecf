import { jwtVerify, SignJWT } from 'jose';
import { apiRole } from '@roadwatch/contracts';
import type { Principal } from './scope';

const ISSUER = 'roadwatch-api';

/** HS256 tokens carrying the role and the scope claims; the scope is recomputed from them on every request. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(secret: string, private readonly ttlMs = 12 * 3_600_000, private readonly now: () => number = Date.now) {
    if (secret.length < 16) throw new Error('jwtSecret must be at least 16 characters');
    this.key = new TextEncoder().encode(secret);
  }

  async issue(principal: Principal): Promise<{ token: string; expiresAtMs: number }> {
    const expiresAtMs = this.now() + this.ttlMs;
    const claims: Record<string, string> = { role: principal.role };
    if (principal.companyId) claims['companyId'] = principal.companyId;
    if (principal.regionCode) claims['regionCode'] = principal.regionCode;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(principal.username)
      .setIssuer(ISSUER)
      .setIssuedAt(Math.floor(this.now() / 1000))
      .setExpirationTime(Math.floor(expiresAtMs / 1000))
      .sign(this.key);
    return { token, expiresAtMs };
  }

  /** The principal, or null for a missing, forged, expired or malformed token. */
  async verify(token: string | undefined): Promise<Principal | null> {
    if (!token) return null;
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: new Date(this.now()) });
      const role = apiRole.safeParse(payload['role']);
      if (!role.success || typeof payload.sub !== 'string') return null;
      const principal: Principal = { username: payload.sub, role: role.data };
      if (typeof payload['companyId'] === 'string') principal.companyId = payload['companyId'];
      if (typeof payload['regionCode'] === 'string') principal.regionCode = payload['regionCode'];
      return principal;
    } catch {
      return null;
    }
  }
}

export const bearerOf = (authorization: string | undefined): string | undefined => {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
};
