import { describe, expect, it } from 'vitest';
import { configPatchIssues } from './config-patch';
import { DEFAULT_RULES_CONFIG, resolveRulesConfig } from './rules-config';

describe('per-region rule overrides (行政区划代码 nest by prefix)', () => {
  const overrides = {
    // A province lowers the night-ban tolerance; one of its cities changes the pre-warning lead.
    '13': { nightBan: { toleranceMs: 60_000 } },
    '1301': { fatigue: { prewarningLeadMs: 30 * 60_000 } },
    '130102': { nightBan: { toleranceMs: 120_000 } },
  };

  it('a county vehicle gets the province, then the city, then the county override, each on top of the last', () => {
    const county = resolveRulesConfig(DEFAULT_RULES_CONFIG, overrides, '130102');
    expect(county.nightBan.toleranceMs).toBe(120_000);
    expect(county.fatigue.prewarningLeadMs).toBe(30 * 60_000);
    const otherCounty = resolveRulesConfig(DEFAULT_RULES_CONFIG, overrides, '130104');
    expect(otherCounty.nightBan.toleranceMs).toBe(60_000);
    expect(otherCounty.fatigue.prewarningLeadMs).toBe(30 * 60_000);
  });

  it('another province and a vehicle without a region keep the defaults (the same object)', () => {
    expect(resolveRulesConfig(DEFAULT_RULES_CONFIG, overrides, '110105')).toBe(DEFAULT_RULES_CONFIG);
    expect(resolveRulesConfig(DEFAULT_RULES_CONFIG, overrides, undefined)).toBe(DEFAULT_RULES_CONFIG);
    // The override is a patch: the settings it does not name stay RULES.md's.
    expect(resolveRulesConfig(DEFAULT_RULES_CONFIG, overrides, '1399').fatigue).toEqual(DEFAULT_RULES_CONFIG.fatigue);
  });
});

describe('configPatchIssues: a patch read from a file is checked before it is used', () => {
  it('accepts a patch naming real settings with values of their kind', () => {
    expect(configPatchIssues(DEFAULT_RULES_CONFIG, { nightBan: { toleranceMs: 60_000 }, quality: { clockSkewMs: 1_000 } })).toEqual([]);
  });

  it('names a misspelt key, a value of the wrong kind and a group given a scalar', () => {
    expect(configPatchIssues(DEFAULT_RULES_CONFIG, { nightBan: { toleranceMinutes: 1 }, fatigue: { prewarningLeadMs: '20m' }, speeding: 5 })).toEqual([
      expect.stringMatching(/^nightBan\.toleranceMinutes: not a setting \(known: .*toleranceMs/),
      'fatigue.prewarningLeadMs: expected a number, got "20m"',
      'speeding: expected an object',
    ]);
  });
});
