import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { TokenService } from './tokens';

const SECRET = 'a-test-secret-of-enough-length';
const NOW_MS = Date.UTC(2026, 11, 6, 4, 0, 0);
const key = new TextEncoder().encode(SECRET);

/** A token signed with the service's own key, with exactly the claims given (no defaults added). */
const signed = async (claims: Record<string, unknown>, options: { sub?: string; exp?: number | null; iat?: number | null } = {}): Promise<string> => {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer('roadwatch-api');
  if (options.sub !== undefined) jwt = jwt.setSubject(options.sub);
  if (options.iat !== null) jwt = jwt.setIssuedAt(options.iat ?? Math.floor(NOW_MS / 1000));
  if (options.exp !== null) jwt = jwt.setExpirationTime(options.exp ?? Math.floor(NOW_MS / 1000) + 600);
  return jwt.sign(key);
};

describe('TokenService.verify: a valid signature is not enough, the claims must name a principal', () => {
  const tokens = new TokenService(SECRET, 3_600_000, () => NOW_MS);

  it('accepts what it issued', async () => {
    const { token, expiresAtMs } = await tokens.issue({ username: 'operator', role: 'operator', regionCode: '11' }, 3);
    expect(expiresAtMs).toBe(NOW_MS + 3_600_000);
    expect(await tokens.verify(token)).toEqual({ principal: { username: 'operator', role: 'operator', regionCode: '11' }, tokenVersion: 3, expiresAtMs });
  });

  it('refuses a token without exp (it would never expire) or without iat', async () => {
    expect(await tokens.verify(await signed({ role: 'admin', ver: 0 }, { sub: 'admin', exp: null }))).toBeNull();
    expect(await tokens.verify(await signed({ role: 'admin', ver: 0 }, { sub: 'admin', iat: null }))).toBeNull();
    expect(await tokens.verify(await signed({ role: 'admin', ver: 0 }, { sub: 'admin' }))).toEqual({
      principal: { username: 'admin', role: 'admin' },
      tokenVersion: 0,
      expiresAtMs: NOW_MS + 600_000,
    });
  });

  it('refuses a token without a token version, or with one that is not a whole number ≥ 0 (issued before sessions could end)', async () => {
    for (const ver of [undefined, -1, 1.5, '0', null]) {
      expect(await tokens.verify(await signed({ role: 'admin', ...(ver === undefined ? {} : { ver }) }, { sub: 'admin' })), String(ver)).toBeNull();
    }
  });

  it('refuses a region that is not a division code (LIKE wildcards, letters, too long) instead of throwing later', async () => {
    for (const regionCode of ['4%', 'abc', '1', '1234567890123', '', 11]) {
      expect(await tokens.verify(await signed({ role: 'operator', regionCode, ver: 0 }, { sub: 'op' })), String(regionCode)).toBeNull();
    }
  });

  it('refuses an unknown role, a missing or empty subject, and a non-string company', async () => {
    expect(await tokens.verify(await signed({ role: 'root', ver: 0 }, { sub: 'x' }))).toBeNull();
    expect(await tokens.verify(await signed({ role: 'admin', ver: 0 }))).toBeNull();
    expect(await tokens.verify(await signed({ role: 'admin', ver: 0 }, { sub: '' }))).toBeNull();
    expect(await tokens.verify(await signed({ role: 'company', companyId: 7, ver: 0 }, { sub: 'c' }))).toBeNull();
    // Claims reach SQL parameters: a NUL or a lone surrogate in them is refused like in any other input.
    expect(await tokens.verify(await signed({ role: 'company', companyId: 'C1\u0000', ver: 0 }, { sub: 'c' }))).toBeNull();
    expect(await tokens.verify(await signed({ role: 'admin', ver: 0 }, { sub: 'ad\ud800min' }))).toBeNull();
  });
});
