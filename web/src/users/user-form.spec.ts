import { describe, expect, it } from 'vitest';
import { auditQueryOf, createRequestOf, updateRequestOf, userFieldOf, type UserForm } from './user-form';

const form = (patch: Partial<UserForm>): UserForm => ({
  username: '',
  role: 'operator',
  companyId: '',
  regionCode: '',
  displayName: '',
  password: '',
  ...patch,
});

describe('the 用户管理 form, checked against the contract before it is sent', () => {
  it('builds a create request, trimming text but never the password, and leaving empty fields out', () => {
    expect(createRequestOf(form({ username: ' wang ', regionCode: '4401', displayName: ' 王 ', password: ' pass with spaces ' }))).toEqual({
      ok: true,
      request: { username: 'wang', role: 'operator', regionCode: '4401', displayName: '王', password: ' pass with spaces ' },
    });
    expect(createRequestOf(form({ username: 'li', role: 'company', companyId: 'C1' }))).toEqual({
      ok: true,
      request: { username: 'li', role: 'company', companyId: 'C1' },
    });
  });

  it('names each bad field as the API would: company users need a company, only operators and enforcement a region', () => {
    const built = createRequestOf(form({ username: 'bad name', role: 'company', displayName: 'x\u0007y', password: 'short' }));
    expect(built.ok).toBe(false);
    const fields = built.ok ? [] : [...new Set(built.issues.map(userFieldOf))].sort();
    expect(fields).toEqual(['companyId', 'displayName', 'password', 'username']);
    const company = updateRequestOf(form({ role: 'company' }));
    expect(company.ok ? [] : company.issues.map(userFieldOf)).toEqual(['companyId']);
    const region = updateRequestOf(form({ role: 'admin', regionCode: '11' }));
    expect(region.ok ? [] : region.issues.map(userFieldOf)).toEqual(['regionCode']);
    expect(userFieldOf({ field: 'body.newPassword', message: '' })).toBeUndefined();
    expect(userFieldOf({ field: 'body.companyId', message: '' })).toBe('companyId');
  });

  it('turns local dates (China time) into the audit query, both days included; refuses bad or reversed dates', () => {
    expect(auditQueryOf({ actor: ' admin ', action: 'user.update', from: '2026-12-01', to: '2026-12-02' })).toEqual({
      limit: 200,
      actor: 'admin',
      action: 'user.update',
      fromMs: Date.UTC(2026, 10, 30, 16),
      toMs: Date.UTC(2026, 11, 2, 16),
    });
    expect(auditQueryOf({ actor: '', action: '', from: '', to: '' })).toEqual({ limit: 200 });
    expect(auditQueryOf({ actor: '', action: '', from: '2026-02-30', to: '' })).toBeUndefined();
    expect(auditQueryOf({ actor: '', action: '', from: '2026-12-02', to: '2026-12-01' })).toBeUndefined();
  });
});
