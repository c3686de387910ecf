import { describe, expect, it } from 'vitest';
import type { LowerPlatformRecord } from '@roadwatch/storage';
import { addressAllowed, checkLogin } from './login-check';

const platform = (over: Partial<LowerPlatformRecord> = {}): LowerPlatformRecord => ({
  accessCode: 20_190_001,
  name: '甲运输监控平台',
  userId: 7,
  passwordHash: 'hash-of:s3cret',
  allowedSources: ['127.0.0.1', '10.8.0.0/16', '2001:db8::/32'],
  encrypt: false,
  encryptKey: 0,
  m1: 0,
  ia1: 0,
  ic1: 0,
  protocolVersion: '2011',
  enabled: true,
  createdAtMs: 0,
  updatedAtMs: 0,
  ...over,
});
// The hash itself is libs/runtime's (tested there); here only which check answers which code.
const verifyPassword = async (password: string, hash: string): Promise<boolean> => hash === `hash-of:${password}`;
const login = (over: Partial<Parameters<typeof checkLogin>[0]> = {}) =>
  checkLogin({ platform: platform(), userId: 7, password: 's3cret', remoteAddress: '127.0.0.1', verifyPassword, ...over });

describe('checkLogin — 0x1001 against the registry, each refusal with its 0x1002 result', () => {
  it('accepts the registered user, password and address', async () => {
    expect(await login()).toEqual({ ok: true });
    expect(await login({ remoteAddress: '::ffff:10.8.200.3' })).toEqual({ ok: true });
    expect(await login({ bodyAccessCode: 20_190_001 })).toEqual({ ok: true });
  });

  it.each([
    ['an unknown access code', { platform: undefined }, 'unknown-access-code', 0x02],
    ['a 2019 body naming another access code', { bodyAccessCode: 1 }, 'access-code-mismatch', 0x02],
    ['a disabled platform', { platform: platform({ enabled: false }) }, 'not-enabled', 0x06],
    ['an address outside the list', { remoteAddress: '10.9.0.1' }, 'wrong-address', 0x01],
    ['an empty list', { platform: platform({ allowedSources: [] }) }, 'wrong-address', 0x01],
    ['another user id', { userId: 8 }, 'unknown-user', 0x03],
    ['a wrong password', { password: 's3cre' }, 'wrong-password', 0x04],
  ] as const)('refuses %s', async (_what, over, refusal, result) => {
    expect(await login(over)).toEqual({ ok: false, refusal, result });
  });

  it('checks the address before the password: a stranger learns nothing of the password', async () => {
    expect(await login({ remoteAddress: '192.0.2.1', password: 'wrong' })).toMatchObject({ refusal: 'wrong-address' });
  });
});

describe('addressAllowed', () => {
  it('matches addresses and CIDR ranges of both families, and nothing that is no address', () => {
    const allowed = ['127.0.0.1', '10.8.0.0/16', '2001:db8::/32', 'not-an-ip', '10.0.0.0/x'];
    expect(addressAllowed('127.0.0.1', allowed)).toBe(true);
    expect(addressAllowed('127.0.0.2', allowed)).toBe(false);
    expect(addressAllowed('10.8.255.255', allowed)).toBe(true);
    expect(addressAllowed('2001:db8:1::5', allowed)).toBe(true);
    expect(addressAllowed('2001:db9::1', allowed)).toBe(false);
    expect(addressAllowed('', allowed)).toBe(false);
    expect(addressAllowed('not-an-ip', allowed)).toBe(false);
  });
});
