import { describe, expect, it } from 'vitest';
import { passwordWeakness } from './password-strength';

describe('passwordWeakness: length ≥ 10, not the user name, not guessable (zxcvbn ≥ 3)', () => {
  it('accepts long passphrases and random strings, in any script', () => {
    expect(passwordWeakness('Correct-Horse-Battery', 'wang')).toBeUndefined();
    expect(passwordWeakness('Jt808!Road#Watch', 'wang')).toBeUndefined();
    expect(passwordWeakness('监控中心值班员的新密码二〇二六', 'wang')).toBeUndefined();
  });

  it('refuses short ones, counting characters, not UTF-16 units or bytes', () => {
    expect(passwordWeakness('Xq7#pL2!', 'wang')).toMatch(/at least 10 characters/);
    // Nine astral characters are 18 UTF-16 units, still nine characters.
    expect(passwordWeakness('𝔸𝔹ℂ𝔻𝔼𝔽𝔾ℍ𝕀', 'wang')).toMatch(/at least 10 characters/);
  });

  it('refuses the user name, in any case, and passwords built around it', () => {
    expect(passwordWeakness('ZhangWei2026', 'zhangwei2026')).toBe('must not be the user name');
    expect(passwordWeakness('operator2026', 'operator')).toMatch(/too easy to guess/);
    expect(passwordWeakness('zhangwei1990', 'zhangwei')).toMatch(/too easy to guess/);
  });

  it('refuses common passwords, keyboard walks and sequences however long', () => {
    for (const weak of ['password123', 'qwertyuiop', '1234567890', 'iloveyou123', 'aaaaaaaaaaaa', 'abcdefghijk']) {
      expect(passwordWeakness(weak, 'wang'), weak).toMatch(/too easy to guess \(strength [0-2] of 4/);
    }
  });

  it('judges a long password by its first 32 characters: a weak start is weak however it goes on, a strong one strong', () => {
    expect(passwordWeakness(`${'a'.repeat(32)}Xq7#pL2!zR`, 'wang')).toMatch(/too easy to guess/);
    expect(passwordWeakness(`Correct-Horse-Battery${'a'.repeat(150)}`, 'wang')).toBeUndefined();
  });

  it('judges the NFKC form the hash sees: full-width digits are the digits', () => {
    expect(passwordWeakness('１２３４５６７８９０', 'wang')).toMatch(/too easy to guess/);
  });
});
