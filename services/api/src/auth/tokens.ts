import { jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { apiRole, divisionCode, safeString } from '@roadwatch/contracts';
import type { Principal } from './scope';

const ISSUER = 'roadwatch-api';

/**
 * The claims a token must carry to name a principal. A signature only proves who signed, not
 * that the claims make sense: a token signed with a leaked or test secret, or issued by an older
 * release, must be refused here (401) rather than reach Scope.of, whose checks throw.
 */
const principalClaims = z.object({
  sub: safeString().min(1).max(64),
  role: apiRole,
  companyId: safeString().min(1).max(64).optional(),
  regionCode: divisionCode.optional(),
  /** The user's token version at issue; a token of an older version is refused (see Sessions). */
  ver: z.number().int().nonnegative(),
});

/** A verified token: who, under which token version, until when. */
export interface VerifiedToken {
  principal: Principal;
  tokenVersion: number;
  expiresAtMs: number;
}

/** HS256 tokens carrying the role and the scope claims; the scope is recomputed from them on every request. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlMs = 12 * 3_600_000,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 16) throw new Error('jwtSecret must be at least 16 characters');
    this.key = new TextEncoder().encode(secret);
  }

  async issue(principal: Principal, tokenVersion: number): Promise<{ token: string; expiresAtMs: number }> {
    const expiresAtMs = this.now() + this.ttlMs;
    const claims: Record<string, string | number> = { role: principal.role, ver: tokenVersion };
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

  /** The principal and token version, or null for a missing, forged, expired or malformed token. */
  async verify(token: string | undefined): Promise<VerifiedToken | null> {
    if (!token) return null;
    try {
      // exp is required: a token without it would never expire.
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: new Date(this.now()),
      });
      const claims = principalClaims.safeParse(payload);
      if (!claims.success) return null;
      const principal: Principal = { username: claims.data.sub, role: claims.data.role };
      if (claims.data.companyId !== undefined) principal.companyId = claims.data.companyId;
      if (claims.data.regionCode !== undefined) principal.regionCode = claims.data.regionCode;
      return { principal, tokenVersion: claims.data.ver, expiresAtMs: (payload.exp as number) * 1000 };
    } catch {
      return null;
    }
  }
}

export const bearerOf = (authorization: string | undefined): string | undefined => {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
};
