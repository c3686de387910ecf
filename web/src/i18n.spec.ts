import { describe, expect, it } from 'vitest';
import { alertRule, apiRole, auditAction, caseCloseRequest, caseEventV1, caseParty, caseStatus, severity, vehicleClass } from '@roadwatch/contracts';
import { SOURCE_UNIT_CONDUCTS } from './cases/case-workflow';
import { RELAY_FIELDS } from './relays/relay-form';
import { messages, setLang, t } from './i18n';

describe('i18n dictionary', () => {
  it('every key has a non-empty zh and en text', () => {
    for (const [key, entry] of Object.entries(messages)) {
      expect(entry.zh.trim(), `${key}.zh`).not.toBe('');
      expect(entry.en.trim(), `${key}.en`).not.toBe('');
      expect(Object.keys(entry).sort(), key).toEqual(['en', 'zh']);
    }
  });

  it('covers every vehicle class, alert rule and severity in the contracts', () => {
    for (const c of vehicleClass.options) expect(messages).toHaveProperty([`class.${c}`]);
    for (const r of alertRule.options) expect(messages).toHaveProperty([`rule.${r}`]);
    for (const s of severity.options) expect(messages).toHaveProperty([`severity.${s}`]);
  });

  it('covers every case status, party, event type, source-unit conduct and closing outcome in the contracts', () => {
    for (const s of caseStatus.options) expect(messages).toHaveProperty([`caseStatus.${s}`]);
    for (const p of caseParty.options) expect(messages).toHaveProperty([`party.${p}`]);
    for (const e of caseEventV1.shape.type.options) expect(messages).toHaveProperty([`caseEvent.${e}`]);
    for (const c of SOURCE_UNIT_CONDUCTS) expect(messages).toHaveProperty([`conduct.${c}`]);
    for (const o of caseCloseRequest.shape.outcome.options) expect(messages).toHaveProperty([`outcome.${o}`]);
  });

  it('names every role and every audit action of the contracts (用户管理, 审计日志)', () => {
    for (const r of apiRole.options) expect(messages).toHaveProperty([`role.${r}`]);
    for (const a of auditAction.options) expect(messages).toHaveProperty([`action.${a}`]);
    for (const f of ['username', 'role', 'companyId', 'regionCode', 'displayName', 'password']) expect(messages).toHaveProperty([`users.${f}`]);
  });

  it('labels every field of the relay registration form', () => {
    for (const f of RELAY_FIELDS) expect(messages).toHaveProperty([`relay.${f}`]);
  });

  it('defaults to Chinese and switches to English', () => {
    expect(t('feed.title')).toBe('实时报警');
    setLang('en');
    expect(t('feed.title')).toBe('Live alerts');
    setLang('zh');
    expect(t('rule.unknown_new_rule')).toBe('unknown_new_rule');
  });
});
