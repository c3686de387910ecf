import type { AlertAck, AlertItem } from '@roadwatch/contracts';
import { t, type Lang } from '../i18n';

/**
 * The alert feed's model: newest first, one row per alertId (a growing episode is
 * re-published with a higher revision and replaces its row), and the cue a row deserves.
 */
export type CueLevel = 'normal' | 'warn' | 'severe';

export interface FeedCue {
  level: CueLevel;
  /** Web Audio beep — only for severe alerts, and only the first time an alert is seen. */
  sound: boolean;
  /** Flashing row. */
  flash: boolean;
  baiDunWang: boolean;
  /**
   * Raised from data received late (`receivedLateByMs`): history, not news — shown as
   * back-filled, never beeped, flashed or drawn as the vehicle's alarm now.
   */
  backfilled: boolean;
}

type CueInput = Pick<AlertItem, 'rule' | 'level' | 'severity' | 'isBaiDunWang'> & Partial<Pick<AlertItem, 'receivedLateByMs'>>;

/** 百吨王 is the API's field (the overload rule's decision), not a word in the summary. */
export const isBaiDunWang = (a: CueInput): boolean => a.rule === 'overload' && a.isBaiDunWang;

/** The summary in the UI language: the English one when the UI is English and the alert has it, else the Chinese. */
export const summaryFor = (a: Pick<AlertItem, 'summary' | 'summaryEn'>, language: Lang): string => (language === 'en' && a.summaryEn ? a.summaryEn : a.summary);

export const isFatigueLimit = (a: CueInput): boolean => a.rule.startsWith('fatigue_') && a.level === 'violation';

export const cueFor = (a: CueInput): FeedCue => {
  const baiDunWang = isBaiDunWang(a);
  const backfilled = a.receivedLateByMs !== undefined;
  const severe = baiDunWang || isFatigueLimit(a) || a.severity === 'critical' || a.severity === 'serious';
  if (severe) return { level: 'severe', sound: !backfilled, flash: !backfilled, baiDunWang, backfilled };
  if (a.severity === 'major' || a.level === 'violation') return { level: 'warn', sound: false, flash: false, baiDunWang, backfilled };
  return { level: 'normal', sound: false, flash: false, baiDunWang, backfilled };
};

/** "补传数据 · 迟到3天" / "Back-filled data · received late by 3 d": how late, in the largest whole unit. */
export const backfilledLabel = (receivedLateByMs: number, language: Lang): string => {
  const [n, unit] =
    receivedLateByMs >= 86_400_000
      ? [Math.floor(receivedLateByMs / 86_400_000), 'unit.day']
      : receivedLateByMs >= 3_600_000
        ? [Math.floor(receivedLateByMs / 3_600_000), 'unit.hour']
        : [Math.floor(receivedLateByMs / 60_000), 'unit.minute'];
  const late = language === 'en' ? `${t('feed.lateBy', language)} ${n} ${t(unit, language)}` : `${t('feed.lateBy', language)}${n}${t(unit, language)}`;
  return `${t('feed.backfilled', language)} · ${late}`;
};

export interface FeedUpsert {
  item: AlertItem;
  cue: FeedCue;
  /** First time this alertId is seen. Sound plays only then. */
  isNew: boolean;
  /** Older than what is shown already (revision not newer): ignored. */
  stale: boolean;
}

export class AlertFeed {
  private readonly byId = new Map<string, AlertItem>();

  constructor(private readonly maxItems = 200) {}

  upsert(item: AlertItem): FeedUpsert {
    const existing = this.byId.get(item.alertId);
    const stale = existing !== undefined && existing.revision > item.revision;
    if (!stale) this.byId.set(item.alertId, item);
    const cue = cueFor(item);
    const isNew = existing === undefined;
    this.trim();
    return { item, cue: { ...cue, sound: cue.sound && isNew, flash: cue.flash && !stale }, isNew, stale };
  }

  /** An acknowledgement (ours or another operator's): the row stays, greyed, and stops counting as open. */
  applyAck(alertId: string, ack: AlertAck): boolean {
    const existing = this.byId.get(alertId);
    if (!existing) return false;
    this.byId.set(alertId, { ...existing, ack });
    return true;
  }

  /** Newest first by raisedAtMs. */
  items(): AlertItem[] {
    return [...this.byId.values()].sort((a, b) => b.raisedAtMs - a.raisedAtMs);
  }

  /** Open (not acknowledged, not ended) alerts of one vehicle. */
  openFor(vehicleId: string): AlertItem[] {
    return this.items().filter((a) => a.vehicleId === vehicleId && a.ack === null && a.endedAtMs === undefined);
  }

  /** Vehicles drawn in the "alarm" status: an open severe alert from live data (a back-filled one is history). */
  alarmVehicleIds(): Set<string> {
    const ids = new Set<string>();
    for (const a of this.byId.values()) {
      const cue = cueFor(a);
      if (a.ack === null && a.endedAtMs === undefined && cue.level === 'severe' && !cue.backfilled) ids.add(a.vehicleId);
    }
    return ids;
  }

  private trim(): void {
    if (this.byId.size <= this.maxItems) return;
    for (const old of this.items().slice(this.maxItems)) this.byId.delete(old.alertId);
  }
}
