import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '@roadwatch/messaging';
import type { StoragePool } from '@roadwatch/storage';
import { uniqueName } from '@roadwatch/testing';
import { handshake, logger, seededPool, startTestApi, type TestApi } from './support';

const ALLOWED = 'https://map.example.gov.cn';

describe('api HTTP hygiene: security headers, caching, CORS and the live feed origin', () => {
  const schema = uniqueName('api_hygiene').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let pool: StoragePool;
  let testApi: TestApi;
  let url: string;

  beforeAll(async () => {
    const staticDir = mkdtempSync(join(tmpdir(), 'rw-web-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>roadwatch</title>');
    pool = await seededPool(schema);
    testApi = await startTestApi(bus, pool, schema, { staticDir, allowedOrigins: [ALLOWED] });
    url = testApi.api.url;
  });

  afterAll(async () => {
    await testApi?.close();
  });

  const admin = (): string => testApi.tokens['admin']!;

  it('every answer carries the security headers and no X-Powered-By; API answers are never cached', async () => {
    for (const [path, auth] of [
      ['/v1/vehicles', true],
      ['/v1/vehicles', false],
      ['/openapi.json', false],
      ['/v1/no-such-route', true],
    ] as const) {
      const response = await fetch(`${url}${path}`, { headers: auth ? { authorization: `Bearer ${admin()}` } : {} });
      const at = `${path} (${response.status})`;
      expect(response.headers.get('x-powered-by'), at).toBeNull();
      expect(response.headers.get('x-content-type-options'), at).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), at).toBe('no-referrer');
      expect(response.headers.get('cache-control'), at).toBe('no-store');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, at).toContain("default-src 'self'");
      expect(csp, at).toContain("frame-ancestors 'none'");
      expect(csp, at).toContain("object-src 'none'");
      expect(csp, at).toContain('worker-src');
    }
  });

  it('the web app is served with the same headers (its own cache policy)', async () => {
    const response = await fetch(`${url}/index.html`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('CORS answers only the configured origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${url}/v1/vehicles`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    expect((await preflight(ALLOWED)).headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect((await preflight('https://evil.example.com')).headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${url}/v1/vehicles`, { headers: { origin: 'https://evil.example.com', authorization: `Bearer ${admin()}` } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('the live feed refuses a browser on another origin, even with a valid token; its own origin, a configured one and non-browsers connect', async () => {
    const token = testApi.tokens['op-gz']!;
    expect(await handshake(url, token, 'https://evil.example.com')).toBe('websocket error');
    expect(await handshake(url, token, ALLOWED)).toBe('connected');
    expect(await handshake(url, token, new URL(url).origin)).toBe('connected');
    expect(await handshake(url, token, undefined)).toBe('connected');
  });
});

describe('api without CORS_ORIGINS: same origin only', () => {
  const schema = uniqueName('api_nocors').replace(/[^a-z0-9_]/g, '_');
  const bus = new InProcessBus({ logger });
  let testApi: TestApi;

  beforeAll(async () => {
    testApi = await startTestApi(bus, await seededPool(schema), schema);
  });
  afterAll(async () => {
    await testApi?.close();
  });

  it('no cross-origin answer at all, and no cross-origin live feed', async () => {
    const { url } = testApi.api;
    const preflight = await fetch(`${url}/v1/vehicles`, { method: 'OPTIONS', headers: { origin: ALLOWED, 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(await handshake(url, testApi.tokens['op-gz']!, ALLOWED)).toBe('websocket error');
  });
});
