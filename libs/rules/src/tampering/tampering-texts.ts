import { chinaLocalIso } from '@roadwatch/domain';
import { formatDuration, formatDurationZh } from '../common/alerts';
import type { TamperingEpisode, TamperingIndicator } from './tampering.rule';

/** The indicators' names (RULES §12), Chinese first, as the alert and the UI name them. */
export const TAMPERING_INDICATOR_NAMES: Record<TamperingIndicator | 'I7', { zh: string; en: string }> = {
  I1: { zh: '天线断开/短路后位置突变', en: 'antenna cut/short, then displaced' },
  I2: { zh: '定位中断期间车辆有位移', en: 'gap moved through' },
  I3: { zh: '信号正常但长时间不定位', en: 'no fix despite a normal signal' },
  I4: { zh: '位置冻结而里程增长', en: 'position frozen while the odometer grows' },
  I5: { zh: '频繁漂移', en: 'repeated drift jumps' },
  I6: { zh: '行驶中断电', en: 'power loss while moving' },
  I7: { zh: '治超站/源头附近或夜间', en: 'near a 治超 station or source site, or at night' },
};

const at = (ms: number): string => chinaLocalIso(ms).replace('T', ' ');

/** The alert's summary: says 疑似 (suspected), names every indicator with its code, zh + en from the same figures. */
export const tamperingSummary = (episode: TamperingEpisode): { zh: string; en: string } => {
  const named = [...episode.indicators, ...(episode.contextI7 ? (['I7'] as const) : [])];
  const zhList = named.map((k) => `${k} ${TAMPERING_INDICATOR_NAMES[k].zh}`).join('；');
  const enList = named.map((k) => `${k} ${TAMPERING_INDICATOR_NAMES[k].en}`).join('; ');
  const duration = episode.endMs - episode.startMs;
  const near = episode.context.near;
  const zhNear = near ? `，距${near.name}${(near.distanceM / 1000).toFixed(1)}公里` : '';
  const enNear = near ? `, ${(near.distanceM / 1000).toFixed(1)} km from ${near.name}` : '';
  return {
    zh: `疑似人为干扰/屏蔽卫星定位装置：${at(episode.startMs)}起${formatDurationZh(duration)}${zhNear}（${zhList}），需现场检查设备确认`,
    en: `Suspected GNSS tampering from ${at(episode.startMs)} for ${formatDuration(duration)}${enNear} (${enList}); an on-site device check must confirm`,
  };
};
