import type { AlertRule, AlertV1, Severity } from '@roadwatch/contracts';
import type { VehicleFacts } from '@roadwatch/domain';

export type AlertLevel = AlertV1['level'];

export interface EvidencePosition {
  deviceTimeMs: number;
  latitudeDeg: number;
  longitudeDeg: number;
  speedKmh: number;
}

export interface AlertDraft {
  rule: AlertRule;
  level: AlertLevel;
  severity: Severity;
  /** `vehicle` or `driver:<id>`: whose alert it is, part of the id. */
  subject: string;
  /** The triggering window (episode start, period start, night date…), part of the id. */
  windowKey: string | number;
  revision?: number;
  startedAtMs: number;
  endedAtMs?: number;
  raisedAtMs: number;
  /** When revision 0 was raised; defaults to `raisedAtMs` on revision 0 (a later revision must say). */
  firstRaisedAtMs?: number;
  /** The instant the rule's limit was passed (limit-type violations). */
  limitPassedAtMs?: number;
  driverId?: string;
  points?: number;
  fineYuan?: number;
  /** Chinese, shown by default (regulator's terms: 超速, 疲劳驾驶, 超限…). */
  summary: string;
  /** The same text in English, with the same figures. */
  summaryEn: string;
  details?: Record<string, unknown>;
  evidence?: EvidencePosition[];
  latitudeDeg?: number;
  longitudeDeg?: number;
}

/** `vehicle` (per-vehicle rules) or `driver:<id>` (fatigue, when the terminal reports the driver). */
export const subjectOf = (driverId: string | undefined): string => (driverId ? `driver:${driverId}` : 'vehicle');
export const driverIdOfSubject = (subject: string): string | undefined => (subject.startsWith('driver:') ? subject.slice('driver:'.length) : undefined);

/**
 * Deterministic alert id (ARCHITECTURE.md "Messages"): vehicle or driver, rule, level and the
 * triggering window. Same input, same id — re-processing after a crash never makes a second alert.
 */
export const alertIdOf = (vehicleId: string, subject: string, rule: AlertRule, level: AlertLevel, windowKey: string | number): string => {
  const who = subject === 'vehicle' ? `v:${vehicleId}` : subject.replace(/^driver:/, 'd:');
  return `${rule}|${level}|${who}|${windowKey}`;
};

const int = (ms: number): number => Math.max(0, Math.round(ms));

export const buildAlert = (facts: VehicleFacts, draft: AlertDraft): AlertV1 => {
  const alert: AlertV1 = {
    v: 1,
    alertId: alertIdOf(facts.vehicleId, draft.subject, draft.rule, draft.level, draft.windowKey),
    revision: draft.revision ?? 0,
    vehicleId: facts.vehicleId,
    rule: draft.rule,
    level: draft.level,
    severity: draft.severity,
    startedAtMs: int(draft.startedAtMs),
    raisedAtMs: int(draft.raisedAtMs),
    summary: draft.summary,
    summaryEn: draft.summaryEn,
    details: draft.details ?? {},
    evidence: draft.evidence ? { positions: draft.evidence.map((p) => ({ ...p, deviceTimeMs: int(p.deviceTimeMs) })) } : {},
  };
  if (facts.plate) alert.plate = facts.plate;
  if (facts.companyId) alert.companyId = facts.companyId;
  if (facts.regionCode) alert.regionCode = facts.regionCode;
  const driverId = draft.driverId ?? driverIdOfSubject(draft.subject);
  if (driverId) alert.driverId = driverId;
  if (draft.endedAtMs !== undefined) alert.endedAtMs = int(draft.endedAtMs);
  const firstRaisedAtMs = draft.firstRaisedAtMs ?? (alert.revision === 0 ? draft.raisedAtMs : undefined);
  if (firstRaisedAtMs !== undefined) alert.firstRaisedAtMs = int(firstRaisedAtMs);
  if (draft.limitPassedAtMs !== undefined) alert.limitPassedAtMs = int(draft.limitPassedAtMs);
  if (draft.points !== undefined) alert.points = draft.points;
  if (draft.fineYuan !== undefined) alert.fineYuan = draft.fineYuan;
  if (draft.latitudeDeg !== undefined) alert.latitudeDeg = draft.latitudeDeg;
  if (draft.longitudeDeg !== undefined) alert.longitudeDeg = draft.longitudeDeg;
  return alert;
};

/** "3 h 40 min 05 s" — durations in summaries. */
export const formatDuration = (ms: number): string => {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h} h ${String(m).padStart(2, '0')} min ${String(s).padStart(2, '0')} s`;
};

/** "3小时40分钟5秒" — the Chinese summaries' durations; zero parts are left out ("4小时", "20分钟"). */
export const formatDurationZh = (ms: number): string => {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const text = `${h > 0 ? `${h}小时` : ''}${m > 0 ? `${m}分钟` : ''}${s > 0 ? `${s}秒` : ''}`;
  return text === '' ? '0秒' : text;
};

/** "02:00" → "2时", "05:30" → "5时30分". */
const clockZh = (hhmm: string): string => {
  const [h = '0', m = '0'] = hhmm.split(':');
  const minutes = Number(m);
  return `${Number(h)}时${minutes > 0 ? `${minutes}分` : ''}`;
};

/** A daily window in the regulator's words: "凌晨2时至5时", "22时至6时". */
export const formatClockRangeZh = (start: string, end: string): string => {
  const small = (hhmm: string): boolean => Number(hhmm.split(':')[0]) < 6;
  return `${small(start) && small(end) ? '凌晨' : ''}${clockZh(start)}至${clockZh(end)}`;
};
