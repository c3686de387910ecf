import type { AlertRule, AlertV1, TerminalCommandV1 } from '@roadwatch/contracts';
import { haversineMeters } from '@roadwatch/domain';

/**
 * On a fatigue pre-warning, a spoken reminder for the driver (JT/T 808 0x8300 text with the
 * TTS flag) put on `terminal.commands`, keyed by terminal. The gateway delivers it.
 */
export interface RestArea {
  name: string;
  latitudeDeg: number;
  longitudeDeg: number;
}

export interface FatigueReminderConfig {
  enabled: boolean;
  /** Pre-warnings of these rules get a reminder. */
  rules: AlertRule[];
  /** Known service areas (服务区); the nearest within `maxRestAreaKm` is named in the text. */
  restAreas: RestArea[];
  maxRestAreaKm: number;
  /** A reminder not delivered by then is dropped by the gateway (no use telling a driver late). */
  validForMs: number;
}

export const DEFAULT_FATIGUE_REMINDER_CONFIG: FatigueReminderConfig = {
  enabled: true,
  rules: ['fatigue_continuous', 'fatigue_night', 'fatigue_daily'],
  restAreas: [],
  maxRestAreaKm: 50,
  validForMs: 15 * 60_000,
};

/** "3小时40分钟", "45分钟" — rounded down to the minute, as a driver would say it. */
export const chineseDuration = (ms: number): string => {
  const totalMinutes = Math.max(0, Math.floor(ms / 60_000));
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours === 0) return `${minutes}分钟`;
  return minutes === 0 ? `${hours}小时` : `${hours}小时${minutes}分钟`;
};

const numberDetail = (alert: AlertV1, name: string): number | undefined => {
  const value = alert.details[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

/** Where the vehicle was when the pre-warning fired: the alert's own point, else its last evidence position. */
const whereOf = (alert: AlertV1): { latitudeDeg: number; longitudeDeg: number } | undefined => {
  if (alert.latitudeDeg !== undefined && alert.longitudeDeg !== undefined) return { latitudeDeg: alert.latitudeDeg, longitudeDeg: alert.longitudeDeg };
  return alert.evidence.positions?.at(-1);
};

export const nearestRestArea = (alert: AlertV1, config: FatigueReminderConfig): { area: RestArea; km: number } | undefined => {
  const here = whereOf(alert);
  if (!here) return undefined;
  let best: { area: RestArea; km: number } | undefined;
  for (const area of config.restAreas) {
    const km = haversineMeters(here, area) / 1000;
    if (km <= config.maxRestAreaKm && (!best || km < best.km)) best = { area, km };
  }
  return best;
};

export const reminderTextOf = (alert: AlertV1, config: FatigueReminderConfig): string | undefined => {
  const remainingMs = numberDetail(alert, 'remainingMs');
  const near = nearestRestArea(alert, config);
  const place = near ? `${near.area.name}（约${Math.max(1, Math.round(near.km))}公里）` : '就近服务区';
  const within = remainingMs !== undefined ? `请于${Math.max(1, Math.ceil(remainingMs / 60_000))}分钟内到${place}休息` : `请尽快到${place}休息`;
  switch (alert.rule) {
    case 'fatigue_continuous': {
      const drivingMs = numberDetail(alert, 'drivingMs');
      return drivingMs === undefined ? undefined : `您已连续驾驶${chineseDuration(drivingMs)}，${within}`;
    }
    case 'fatigue_night': {
      const nightMs = numberDetail(alert, 'nightDrivingMs');
      return nightMs === undefined ? undefined : `您夜间已连续驾驶${chineseDuration(nightMs)}，${within}`;
    }
    case 'fatigue_daily': {
      const dailyMs = numberDetail(alert, 'drivingInWindowMs');
      return dailyMs === undefined ? undefined : `您24小时内已累计驾驶${chineseDuration(dailyMs)}，${within}`;
    }
    default:
      return undefined;
  }
};

/** The command id follows from the alert id and revision: a re-published pre-warning re-sends the same command id. */
export const fatigueReminderOf = (
  alert: AlertV1,
  terminalId: string | undefined,
  config: FatigueReminderConfig,
  nowMs: number,
): TerminalCommandV1 | undefined => {
  if (!config.enabled || alert.level !== 'prewarning' || !config.rules.includes(alert.rule) || !terminalId) return undefined;
  const text = reminderTextOf(alert, config);
  if (!text) return undefined;
  return {
    v: 1,
    commandId: `reminder:${alert.alertId}:${alert.revision}`,
    terminalId,
    vehicleId: alert.vehicleId,
    issuedAtMs: nowMs,
    expiresAtMs: nowMs + config.validForMs,
    command: { type: 'text', text, tts: true, display: true, urgent: true },
  };
};
