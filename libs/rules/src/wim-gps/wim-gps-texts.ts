import { chinaLocalIso } from '@roadwatch/domain';

/**
 * What WIM × GPS found, in the words an officer reads: Chinese (shown by default) and its
 * English twin from the same figures, one builder per finding.
 */
export interface WimGpsReason {
  code: string;
  zh: string;
  en: string;
}

const at = (ms: number): string => chinaLocalIso(ms).replace('T', ' ');
const km = (m: number): string => (m / 1000).toFixed(1);

export const wimGpsTexts = {
  noGps: (windowMs: number): WimGpsReason => ({
    code: 'no_gps',
    zh: `称重前后${windowMs / 60_000}分钟内无有效定位，不作判断`,
    en: `No accepted fix within ${windowMs / 60_000} min of the weighing: nothing judged`,
  }),
  conflict: (fixMs: number, distanceM: number, speedKmh: number | null): WimGpsReason => ({
    code: 'conflict',
    zh: `${at(fixMs)}登记车辆定位距称重站${km(distanceM)}公里${speedKmh === null ? '（同一时刻）' : `，需以${Math.round(speedKmh)}公里/小时行驶才能到站`}`,
    en: `At ${at(fixMs)} the registered vehicle was ${km(distanceM)} km from the station${speedKmh === null ? ' (at the same instant)' : `; reaching it takes ${Math.round(speedKmh)} km/h`}`,
  }),
  consistent: (): WimGpsReason => ({ code: 'consistent', zh: '登记车辆定位与称重时间地点相符', en: 'The registered vehicle’s fixes agree with the weighing' }),
  axleMismatch: (measured: number, registered: number): WimGpsReason => ({
    code: 'axle_mismatch',
    zh: `称重轴数${measured}与登记轴数${registered}不符`,
    en: `Axle count weighed ${measured}, registered ${registered}`,
  }),
  classMismatch: (measured: string, registered: string): WimGpsReason => ({
    code: 'class_mismatch',
    zh: `称重车型${measured}与登记车型${registered}不符`,
    en: `Vehicle class weighed ${measured}, registered ${registered}`,
  }),
  repeated: (count: number, windowDays: number): WimGpsReason => ({
    code: 'repeated',
    zh: `${windowDays}日内第${count}次套牌冲突，提高优先级`,
    en: `Conflict ${count} within ${windowDays} days: priority raised`,
  }),
  missedScale: (fromMs: number, toMs: number): WimGpsReason => ({
    code: 'missed_scale',
    zh: `${at(fromMs)}至${at(toMs)}经过称重站上下游断面，称重站有其他车辆记录但无本车记录（疑似闯卡）`,
    en: `Crossed both screen lines from ${at(fromMs)} to ${at(toMs)}; the station read other trucks but has no record of this one (missed the scale)`,
  }),
  detour: (fromMs: number, toMs: number, outsideM: number): WimGpsReason => ({
    code: 'detour',
    zh: `${at(fromMs)}至${at(toMs)}驶离称重站所在道路${Math.round(outsideM)}米后返回（疑似绕行）`,
    en: `Left the station’s corridor by ${Math.round(outsideM)} m between ${at(fromMs)} and ${at(toMs)} and rejoined it (detour)`,
  }),
  suppressed: (code: string, zh: string, en: string): WimGpsReason => ({ code, zh, en }),
  emptySuspicion: (emptyKg: number, curbKg: number, excessPct: number): WimGpsReason => ({
    code: 'empty_over_curb',
    zh: `空车确认总质量${emptyKg}千克，超过登记整备质量${curbKg}千克的${excessPct.toFixed(2)}%（疑似大吨小标/非法改装）`,
    en: `Empty confirmed gross ${emptyKg} kg is ${excessPct.toFixed(2)}% above the registered curb mass ${curbKg} kg (大吨小标 suspicion)`,
  }),
  emptyWithin: (emptyKg: number, curbKg: number, excessPct: number): WimGpsReason => ({
    code: 'empty_within_curb',
    zh: `空车确认总质量${emptyKg}千克，较登记整备质量${curbKg}千克高${excessPct.toFixed(2)}%，未超过阈值`,
    en: `Empty confirmed gross ${emptyKg} kg is ${excessPct.toFixed(2)}% above the curb mass ${curbKg} kg: within the threshold`,
  }),
  repeatedOverloads: (count: number): WimGpsReason => ({
    code: 'repeated_overloads',
    zh: `同期超限${count}次（仅供参考）`,
    en: `${count} overloads in the same period (context only)`,
  }),
};
