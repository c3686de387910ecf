import { describe, expect, it } from 'vitest';
import { saveLowerPlatformRequest, type LowerPlatformItem } from '@roadwatch/contracts';
import { accessCodeOf, EMPTY_PLATFORM_FORM, formOfPlatform, saveBodyOf } from './platform-form';

const listed: LowerPlatformItem = {
  accessCode: 20_190_001,
  name: '平台客运监控平台',
  companyId: 'LP1',
  userId: 7,
  allowedSources: ['127.0.0.1', '10.0.0.0/8'],
  encrypt: true,
  protocolVersion: '2011',
  enabled: false,
  createdAtMs: 1,
  updatedAtMs: 2,
};

describe('the 下级平台 form', () => {
  it('opens a listed platform with its fields, the password and keys empty (write-only)', () => {
    const form = formOfPlatform(listed);
    expect(form).toMatchObject({ accessCode: '20190001', companyId: 'LP1', userId: '7', allowedSources: '127.0.0.1\n10.0.0.0/8', protocolVersion: '2011' });
    expect(form).toMatchObject({ encrypt: true, enabled: false, password: '', encryptKey: '', m1: '', ia1: '', ic1: '' });
  });

  it('leaves a blank password and blank keys out of the body, so a replace keeps the stored ones', () => {
    const body = saveBodyOf(formOfPlatform(listed));
    expect(body).not.toHaveProperty('password');
    for (const key of ['encryptKey', 'm1', 'ia1', 'ic1']) expect(body).not.toHaveProperty(key);
    expect(saveLowerPlatformRequest.parse(body)).toMatchObject({ userId: 7, allowedSources: ['127.0.0.1', '10.0.0.0/8'], encrypt: true, enabled: false });
  });

  it('reads one source a line (CRLF, blank lines and spaces dropped) and keys in decimal or the standard’s hex', () => {
    const body = saveBodyOf({
      ...EMPTY_PLATFORM_FORM,
      name: 'x',
      userId: '1',
      password: 'pa55',
      allowedSources: ' 127.0.0.1 \r\n\r\n::1\n',
      m1: '0x989680',
      ia1: '20000000',
      ic1: '0X1C9C380',
    });
    expect(body).toMatchObject({ password: 'pa55', allowedSources: ['127.0.0.1', '::1'], m1: 10_000_000, ia1: 20_000_000, ic1: 30_000_000 });
    expect(body).not.toHaveProperty('companyId');
  });

  it('sends what is not a number as it is, so the API refuses it naming the field', () => {
    const body = saveBodyOf({ ...EMPTY_PLATFORM_FORM, name: 'x', userId: '七', allowedSources: '300.1.1.1/8', m1: 'abc' });
    const refused = saveLowerPlatformRequest.safeParse(JSON.parse(JSON.stringify(body)));
    expect(refused.success).toBe(false);
    const fields = refused.error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(fields).toEqual(expect.arrayContaining(['userId', 'allowedSources.0', 'm1']));
  });

  it('takes an access code only as a whole number within 32 bits', () => {
    expect(accessCodeOf({ ...EMPTY_PLATFORM_FORM, accessCode: ' 4294967295 ' })).toBe(4_294_967_295);
    expect(accessCodeOf({ ...EMPTY_PLATFORM_FORM, accessCode: '4294967296' })).toBeUndefined();
    expect(accessCodeOf({ ...EMPTY_PLATFORM_FORM, accessCode: '1.5' })).toBeUndefined();
    expect(accessCodeOf({ ...EMPTY_PLATFORM_FORM, accessCode: '-1' })).toBeUndefined();
    expect(accessCodeOf({ ...EMPTY_PLATFORM_FORM, accessCode: '' })).toBeUndefined();
  });
});
