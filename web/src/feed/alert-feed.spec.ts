import { describe, expect, it } from 'vitest';
import type { AlertItem } from '@roadwatch/contracts';
import { AlertFeed, backfilledLabel, cueFor, summaryFor } from './alert-feed';

const alert = (over: Partial<AlertItem> = {}): AlertItem => ({
  alertId: 'a1',
  revision: 0,
  vehicleId: 'v1',
  plate: '京A12345',
  rule: 'speeding',
  level: 'violation',
  severity: 'minor',
  startedAtMs: 1_000,
  raisedAtMs: 1_000,
  summary: '超速 12%',
  isBaiDunWang: false,
  ack: null,
  ...over,
});

describe('cueFor — which alerts beep and flash', () => {
  it("百吨王 (the API's isBaiDunWang) is severe with sound and flash, whatever its severity", () => {
    const cue = cueFor(alert({ rule: 'overload', severity: 'critical', summary: '超限 58%', isBaiDunWang: true }));
    expect(cue).toEqual({ level: 'severe', sound: true, flash: true, baiDunWang: true, backfilled: false });
    // The flag alone makes it severe: a minor-severity 百吨王 still beeps.
    expect(cueFor(alert({ rule: 'overload', severity: 'minor', isBaiDunWang: true }))).toEqual({
      level: 'severe',
      sound: true,
      flash: true,
      baiDunWang: true,
      backfilled: false,
    });
  });

  it('the summary text is not trusted: "百吨王" in a summary without the flag is an ordinary overload', () => {
    expect(cueFor(alert({ rule: 'overload', severity: 'minor', summary: '超限 10%，疑似百吨王', isBaiDunWang: false }))).toEqual({
      level: 'warn',
      sound: false,
      flash: false,
      baiDunWang: false,
      backfilled: false,
    });
    // Only overload alerts can be 百吨王.
    expect(cueFor(alert({ rule: 'speeding', severity: 'minor', isBaiDunWang: true })).baiDunWang).toBe(false);
  });

  it('a fatigue limit violation is severe even at minor severity; a fatigue pre-warning is not', () => {
    expect(cueFor(alert({ rule: 'fatigue_continuous', level: 'violation', severity: 'minor' })).level).toBe('severe');
    expect(cueFor(alert({ rule: 'fatigue_continuous', level: 'prewarning', severity: 'minor' })).sound).toBe(false);
  });

  it('serious/critical severities are severe; an ordinary overload is not 百吨王', () => {
    expect(cueFor(alert({ severity: 'serious' })).level).toBe('severe');
    expect(cueFor(alert({ rule: 'overload', severity: 'serious', summary: '超限 30%' })).baiDunWang).toBe(false);
  });

  it('minor violations are warn without sound; data quality is normal', () => {
    expect(cueFor(alert())).toEqual({ level: 'warn', sound: false, flash: false, baiDunWang: false, backfilled: false });
    expect(cueFor(alert({ rule: 'drift', level: 'data_quality', severity: 'info' })).level).toBe('normal');
  });
});

describe('AlertFeed', () => {
  it('beeps once per alert: a higher revision replaces the row without a second sound', () => {
    const feed = new AlertFeed();
    expect(feed.upsert(alert({ severity: 'critical' })).cue.sound).toBe(true);
    const again = feed.upsert(alert({ severity: 'critical', revision: 1, summary: '超速 30%' }));
    expect(again.isNew).toBe(false);
    expect(again.cue.sound).toBe(false);
    expect(feed.items()).toHaveLength(1);
    expect(feed.items()[0]?.summary).toBe('超速 30%');
  });

  it('ignores a stale revision', () => {
    const feed = new AlertFeed();
    feed.upsert(alert({ revision: 2, summary: 'new' }));
    expect(feed.upsert(alert({ revision: 1, summary: 'old' })).stale).toBe(true);
    expect(feed.items()[0]?.summary).toBe('new');
  });

  it('orders newest first, keeps at most maxItems, and derives alarm vehicles from open severe alerts', () => {
    const feed = new AlertFeed(2);
    feed.upsert(alert({ alertId: 'a', raisedAtMs: 1, vehicleId: 'v1', severity: 'critical' }));
    feed.upsert(alert({ alertId: 'b', raisedAtMs: 3, vehicleId: 'v2', severity: 'critical', ack: { byUsername: 'op', atMs: 4, comment: 'ok' } }));
    feed.upsert(alert({ alertId: 'c', raisedAtMs: 2, vehicleId: 'v3', severity: 'critical' }));
    expect(feed.items().map((a) => a.alertId)).toEqual(['b', 'c']);
    expect([...feed.alarmVehicleIds()]).toEqual(['v3']);
    expect(feed.openFor('v3')).toHaveLength(1);
  });
});

describe('AlertFeed.applyAck', () => {
  it('an acknowledged alert is no longer open and its vehicle leaves the alarm status', () => {
    const feed = new AlertFeed();
    feed.upsert(alert({ severity: 'critical' }));
    expect(feed.alarmVehicleIds().has('v1')).toBe(true);
    expect(feed.applyAck('a1', { byUsername: 'op', atMs: 2_000, comment: '已电话提醒' })).toBe(true);
    expect(feed.alarmVehicleIds().has('v1')).toBe(false);
    expect(feed.openFor('v1')).toEqual([]);
    expect(feed.items()[0]?.ack?.byUsername).toBe('op');
    expect(feed.applyAck('unknown', { byUsername: 'op', atMs: 2_000, comment: 'x' })).toBe(false);
  });
});

describe('summaryFor — the summary in the UI language', () => {
  it('Chinese by default; English when the UI is English and the alert has it; else the Chinese', () => {
    const a = alert({ summary: '超速：车速95 km/h，限速80 km/h', summaryEn: 'Speeding 95 km/h where the limit is 80 km/h' });
    expect(summaryFor(a, 'zh')).toBe('超速：车速95 km/h，限速80 km/h');
    expect(summaryFor(a, 'en')).toBe('Speeding 95 km/h where the limit is 80 km/h');
    expect(summaryFor(alert({ summary: '超速 12%' }), 'en')).toBe('超速 12%');
  });
});

describe('an alert raised from data received late (receivedLateByMs): shown as back-filled, not flashed as new', () => {
  const threeWeeksMs = 21 * 86_400_000;

  it("a severe alert from weeks-old data neither beeps nor flashes, keeps its level, and is not the vehicle's alarm now", () => {
    const late = alert({ alertId: 'late', rule: 'fatigue_continuous', level: 'violation', severity: 'serious', receivedLateByMs: threeWeeksMs });
    expect(cueFor(late)).toEqual({ level: 'severe', sound: false, flash: false, baiDunWang: false, backfilled: true });
    const feed = new AlertFeed();
    const r = feed.upsert(late);
    expect(r).toMatchObject({ isNew: true, cue: { sound: false, flash: false, backfilled: true } });
    expect(feed.alarmVehicleIds()).toEqual(new Set());
    // The same alert from live data is news: beep, flash, alarm.
    const live = feed.upsert(alert({ alertId: 'live', vehicleId: 'v2', rule: 'fatigue_continuous', level: 'violation', severity: 'serious' }));
    expect(live.cue).toMatchObject({ sound: true, flash: true, backfilled: false });
    expect(feed.alarmVehicleIds()).toEqual(new Set(['v2']));
  });

  it('a 百吨王 from a late weighing or back-fill is still marked 百吨王, without the cues of a new one', () => {
    expect(cueFor(alert({ rule: 'overload', isBaiDunWang: true, receivedLateByMs: 11 * 60_000 }))).toEqual({
      level: 'severe',
      sound: false,
      flash: false,
      baiDunWang: true,
      backfilled: true,
    });
  });

  it('says how late, Chinese first, English available, in the largest whole unit', () => {
    expect(backfilledLabel(threeWeeksMs, 'zh')).toBe('补传数据 · 迟到21天');
    expect(backfilledLabel(threeWeeksMs, 'en')).toBe('Back-filled data · received late by 21 d');
    expect(backfilledLabel(5 * 3_600_000 + 59 * 60_000, 'zh')).toBe('补传数据 · 迟到5小时');
    expect(backfilledLabel(10 * 60_000 + 1, 'en')).toBe('Back-filled data · received late by 10 min');
  });
});
