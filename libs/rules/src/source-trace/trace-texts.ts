import { chinaLocalIso } from '@roadwatch/domain';
import { formatDuration, formatDurationZh } from '../common/alerts';

/**
 * Why a trace graded as it did, in the words an officer reads: one builder per reason gives
 * the Chinese (shown by default) and its English twin from the same figures, so the two never drift.
 */
export type TraceReasonCode =
  | 'exit_scale'
  | 'no_track'
  | 'no_candidate'
  | 'one_site'
  | 'several_sites'
  | 'near_only'
  | 'two_geofences'
  | 'no_held_stop'
  | 'gap'
  | 'stale_last_report'
  | 'stop_between'
  | 'chain_unbroken'
  | 'unweighed_exit'
  | 'article71'
  | 'cloned_plate';

export interface TraceReason {
  code: TraceReasonCode;
  zh: string;
  en: string;
}

const at = (ms: number): string => chinaLocalIso(ms).replace('T', ' ');
const siteList = (names: readonly string[]): { zh: string; en: string } => ({ zh: names.join('、'), en: names.join(', ') });

export const traceTexts = {
  clonedPlate: (): TraceReason => ({
    code: 'cloned_plate',
    zh: '该称重记录存在套牌冲突，不按登记车辆的轨迹倒查',
    en: 'The weighing is in a 套牌 conflict: not traced on the registered vehicle’s track',
  }),
  exitScale: (site: string): TraceReason => ({
    code: 'exit_scale',
    zh: `在货源地「${site}」的出场磅称重，无需轨迹即定为A级`,
    en: `Weighed at the exit scale of source site "${site}": grade A without reading the track`,
  }),
  noTrack: (windowMs: number): TraceReason => ({
    code: 'no_track',
    zh: `称重前${formatDurationZh(windowMs)}内无定位数据`,
    en: `No positions in the ${formatDuration(windowMs)} before the weighing`,
  }),
  noCandidate: (minStopMs: number): TraceReason => ({
    code: 'no_candidate',
    zh: `未在任何货源地停留${formatDurationZh(minStopMs)}以上；停留点记为疑似未登记装货点`,
    en: `No stop of ${formatDuration(minStopMs)} or more at or near a source site; the stops are recorded as possible unregistered loading points`,
  }),
  oneSite: (site: string, heldMs: number, fromMs: number, toMs: number): TraceReason => ({
    code: 'one_site',
    zh: `在货源地「${site}」停留${formatDurationZh(heldMs)}（${at(fromMs)}至${at(toMs)}）`,
    en: `Stopped at source site "${site}" for ${formatDuration(heldMs)} (${at(fromMs)} to ${at(toMs)})`,
  }),
  severalSites: (sites: readonly string[]): TraceReason => {
    const s = siteList(sites);
    return { code: 'several_sites', zh: `停留过多个货源地：${s.zh}，需人工确认`, en: `Stopped at several source sites: ${s.en}; to be confirmed` };
  },
  nearOnly: (site: string, marginM: number): TraceReason => ({
    code: 'near_only',
    zh: `停留点在货源地「${site}」边界${marginM}米范围内，而非其内部，需人工确认`,
    en: `The stop lies within ${marginM} m of the boundary of source site "${site}", not inside it; to be confirmed`,
  }),
  twoGeofences: (sites: readonly string[]): TraceReason => {
    const s = siteList(sites);
    return { code: 'two_geofences', zh: `停留点同时位于或邻近多个货源地：${s.zh}`, en: `The stop lies at or near several sites: ${s.en}` };
  },
  noHeldStop: (site: string, minStopMs: number): TraceReason => ({
    code: 'no_held_stop',
    zh: `在货源地「${site}」的停留中，静止定位不足${formatDurationZh(minStopMs)}`,
    en: `At source site "${site}" the still reports of the stop span less than ${formatDuration(minStopMs)}`,
  }),
  gap: (fromMs: number, toMs: number, movedThrough: boolean): TraceReason => ({
    code: 'gap',
    zh: `${at(fromMs)}至${at(toMs)}定位中断${formatDurationZh(toMs - fromMs)}（${movedThrough ? '期间车辆有位移' : '期间车辆未移动'}）`,
    en: `No reports from ${at(fromMs)} to ${at(toMs)} (${formatDuration(toMs - fromMs)}, ${movedThrough ? 'moved through' : 'stood still'})`,
  }),
  staleLastReport: (lastMs: number, ageMs: number): TraceReason => ({
    code: 'stale_last_report',
    zh: `称重前最后一次定位在${at(lastMs)}，距称重${formatDurationZh(ageMs)}`,
    en: `The last report before the weighing was at ${at(lastMs)}, ${formatDuration(ageMs)} before it`,
  }),
  stopBetween: (fromMs: number, toMs: number, site: string | undefined): TraceReason => ({
    code: 'stop_between',
    zh: `离开货源地后途中停留${formatDurationZh(toMs - fromMs)}（${at(fromMs)}至${at(toMs)}${site ? `，在「${site}」` : ''}）`,
    en: `Stopped for ${formatDuration(toMs - fromMs)} after leaving the site (${at(fromMs)} to ${at(toMs)}${site ? `, at "${site}"` : ''})`,
  }),
  chainUnbroken: (fromMs: number, toMs: number): TraceReason => ({
    code: 'chain_unbroken',
    zh: `${at(fromMs)}离开货源地至${at(toMs)}称重，轨迹连续、途中无停留`,
    en: `Unbroken track from leaving the site at ${at(fromMs)} to the weighing at ${at(toMs)}, no stop on the way`,
  }),
  unweighedExit: (site: string, fromMs: number, toMs: number): TraceReason => ({
    code: 'unweighed_exit',
    zh: `未过磅出场：${at(fromMs)}至${at(toMs)}货源地「${site}」出场磅无该车记录`,
    en: `Left without weighing: no exit-scale record of the plate at "${site}" from ${at(fromMs)} to ${at(toMs)}`,
  }),
  article71: (site: string, recordMs: number, confirmedKg: number, limitKg: number, departedMs: number | null): TraceReason => ({
    code: 'article71',
    zh: `第71条证据：${at(recordMs)}「${site}」出场磅确认总质量${confirmedKg}千克，超过限值${limitKg}千克，${departedMs === null ? '未见驶离' : `${at(departedMs)}驶离`}`,
    en: `第71条 evidence: exit scale at "${site}" confirmed ${confirmedKg} kg at ${at(recordMs)}, over the ${limitKg} kg limit; ${departedMs === null ? 'departure not seen' : `left at ${at(departedMs)}`}`,
  }),
};
