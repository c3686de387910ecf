import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { connectLive, get, handshake, JWT_SECRET, logger, seededPool, startTestApi, type TestApi } from './support';

/** Signed with the API's own secret: only the claims are wrong. */
const tokenWith = (claims: Record<string, unknown>, withExpiry = true, subject = 'mallory'): Promise<string> => {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setIssuer('roadwatch-api').setIssuedAt();
  if (withExpiry) jwt = jwt.setExpirationTime('10m');
  return jwt.sign(new TextEncoder().encode(JWT_SECRET));
};

describe('api: validly signed tokens with claims that name no principal', () => {
  const schema = uniqueName('api_forged').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let testApi: TestApi;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);

  beforeAll(async () => {
    // The bug this guards against ended the process through an unhandled rejection; count them
    // here instead, so the test fails rather than the worker dying.
    process.on('unhandledRejection', onRejection);
    pool = await seededPool(schema);
    testApi = await startTestApi(bus, pool, schema);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await testApi?.close();
  });

  it('a socket handshake whose regionCode is not a division code is refused, and nothing escapes the handshake', async () => {
    const { url } = testApi.api;
    for (const regionCode of ['44%', 'x', '']) {
      expect(await handshake(url, await tokenWith({ role: 'operator', regionCode }))).toBe('unauthenticated');
    }
    expect(await handshake(url, await tokenWith({ role: 'operator' }, false))).toBe('unauthenticated');
    expect(rejections).toEqual([]);
    // The instance still serves: a real user connects, REST answers.
    const socket = await connectLive(url, testApi.tokens['op-gz']!);
    expect(socket.connected).toBe(true);
    socket.disconnect();
    expect((await get(url, '/v1/vehicles', testApi.tokens['admin'])).status).toBe(200);
  });

  it('REST answers 401, not 500, to the same tokens', async () => {
    const { url } = testApi.api;
    expect((await get(url, '/v1/vehicles', await tokenWith({ role: 'operator', regionCode: '44%' }))).status).toBe(401);
    expect((await get(url, '/v1/vehicles', await tokenWith({ role: 'admin' }, false))).status).toBe(401);
    // A validly signed token of a user that does not exist is no session (issue #11, item 2): it got 200.
    expect((await get(url, '/v1/vehicles', await tokenWith({ role: 'admin', ver: 0 }))).status).toBe(401);
    expect(await handshake(url, await tokenWith({ role: 'admin', ver: 0 }))).toBe('unauthenticated');
    // The same claims for a user who exists, at their token version, make a session; without a version none.
    expect((await get(url, '/v1/vehicles', await tokenWith({ role: 'admin', ver: 0 }, true, 'admin'))).status).toBe(200);
    expect((await get(url, '/v1/vehicles', await tokenWith({ role: 'admin' }, true, 'admin'))).status).toBe(401);
    expect((await get(url, '/v1/vehicles', await tokenWith({ role: 'admin', ver: 1 }, true, 'admin'))).status).toBe(401);
  });
});
