import { describe, expect, it } from 'vitest';
import type { AlertV1 } from '@roadwatch/contracts';
import { anAlert } from '@roadwatch/testing';
import { chineseDuration, DEFAULT_FATIGUE_REMINDER_CONFIG, fatigueReminderOf } from './fatigue-reminder';

const prewarning = (overrides: Partial<AlertV1> = {}): AlertV1 =>
  anAlert({
    alertId: 'fatigue_continuous|prewarning|v:京A10000:2|1700000000000',
    vehicleId: '京A10000:2',
    plate: undefined,
    companyId: undefined,
    rule: 'fatigue_continuous',
    level: 'prewarning',
    severity: 'minor',
    startedAtMs: 1_700_000_000_000,
    raisedAtMs: 1_700_013_200_000,
    summary: '',
    details: { drivingMs: (3 * 60 + 40) * 60_000, remainingMs: 20 * 60_000, limitMs: 4 * 3_600_000 },
    evidence: { positions: [{ deviceTimeMs: 1_700_013_200_000, latitudeDeg: 39.6, longitudeDeg: 116.05, speedKmh: 80 }] },
    ...overrides,
  });

describe('fatigue reminder (0x8300 TTS)', () => {
  it('says the driving time so far and the minutes left, in Chinese, keyed by terminal', () => {
    const command = fatigueReminderOf(prewarning(), '013800000000', DEFAULT_FATIGUE_REMINDER_CONFIG, 1_700_013_200_500);
    expect(command).toMatchObject({
      commandId: 'reminder:fatigue_continuous|prewarning|v:京A10000:2|1700000000000:0',
      terminalId: '013800000000',
      vehicleId: '京A10000:2',
      expiresAtMs: 1_700_013_200_500 + 15 * 60_000,
      command: { type: 'text', text: '您已连续驾驶3小时40分钟，请于20分钟内到就近服务区休息', tts: true },
    });
  });

  it('names the nearest known rest area within reach', () => {
    const config = {
      ...DEFAULT_FATIGUE_REMINDER_CONFIG,
      restAreas: [
        { name: '京港澳高速窦店服务区', latitudeDeg: 39.65, longitudeDeg: 116.08 },
        { name: '远方服务区', latitudeDeg: 41, longitudeDeg: 118 },
      ],
    };
    const text = fatigueReminderOf(prewarning(), '013800000000', config, 0)?.command;
    expect(text).toMatchObject({ text: '您已连续驾驶3小时40分钟，请于20分钟内到京港澳高速窦店服务区（约6公里）休息' });
  });

  it('covers night and 24 h pre-warnings, not violations or other rules', () => {
    const night = prewarning({ rule: 'fatigue_night', details: { nightDrivingMs: 100 * 60_000, remainingMs: 20 * 60_000 } });
    expect(fatigueReminderOf(night, 't', DEFAULT_FATIGUE_REMINDER_CONFIG, 0)?.command).toMatchObject({
      text: '您夜间已连续驾驶1小时40分钟，请于20分钟内到就近服务区休息',
    });
    const daily = prewarning({ rule: 'fatigue_daily', details: { drivingInWindowMs: 460 * 60_000, remainingMs: 20 * 60_000 } });
    expect(fatigueReminderOf(daily, 't', DEFAULT_FATIGUE_REMINDER_CONFIG, 0)?.command).toMatchObject({
      text: '您24小时内已累计驾驶7小时40分钟，请于20分钟内到就近服务区休息',
    });
    expect(fatigueReminderOf(prewarning({ level: 'violation' }), 't', DEFAULT_FATIGUE_REMINDER_CONFIG, 0)).toBeUndefined();
    expect(fatigueReminderOf(prewarning({ rule: 'speeding' }), 't', DEFAULT_FATIGUE_REMINDER_CONFIG, 0)).toBeUndefined();
    expect(fatigueReminderOf(prewarning(), undefined, DEFAULT_FATIGUE_REMINDER_CONFIG, 0)).toBeUndefined();
    expect(fatigueReminderOf(prewarning(), 't', { ...DEFAULT_FATIGUE_REMINDER_CONFIG, enabled: false }, 0)).toBeUndefined();
  });

  it('formats durations', () => {
    expect(chineseDuration(45 * 60_000)).toBe('45分钟');
    expect(chineseDuration(2 * 3_600_000)).toBe('2小时');
    expect(chineseDuration(220 * 60_000 + 59_000)).toBe('3小时40分钟');
  });
});
