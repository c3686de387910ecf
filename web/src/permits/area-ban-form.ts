import type { AreaBanItem } from '@roadwatch/contracts';

type LonLat = [number, number];

/** 'lon,lat; lon,lat; …' (what an officer types or pastes) → a ring; undefined when a pair is not two numbers. */
export const parsePolygonText = (text: string): LonLat[] | undefined => {
  const pairs = text
    .split(/[;\n]/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const ring: LonLat[] = [];
  for (const pair of pairs) {
    const parts = pair.split(/[,，\s]+/).filter((x) => x.length > 0);
    if (parts.length !== 2) return undefined;
    const [lon, lat] = parts.map(Number) as [number, number];
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return undefined;
    ring.push([lon, lat]);
  }
  return ring;
};

/** '22:00-06:00, 00:00-05:00' → windows; undefined when one is not 'HH:MM-HH:MM'. */
export const parseWindowsText = (text: string): Array<{ from: string; to: string }> | undefined => {
  const out: Array<{ from: string; to: string }> = [];
  for (const part of text
    .split(/[,，;]/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)) {
    const match = /^(\d{2}:\d{2})\s*[-–~]\s*(\d{2}:\d{2})$/.exec(part);
    if (!match) return undefined;
    out.push({ from: match[1]!, to: match[2]! });
  }
  return out;
};

const WEEKDAY_ZH = ['', '一', '二', '三', '四', '五', '六', '日'];

/** A ban's windows as shown: '22:00–06:00（周五、周六）', Chinese first. */
export const windowsLabel = (ban: Pick<AreaBanItem, 'windows'>, lang: 'zh' | 'en'): string =>
  ban.windows
    .map((w) => {
      const days =
        w.days && w.days.length > 0 ? (lang === 'zh' ? `（周${w.days.map((d) => WEEKDAY_ZH[d]).join('、周')}）` : ` (ISO days ${w.days.join(',')})`) : '';
      return `${w.from}–${w.to}${days}`;
    })
    .join(lang === 'zh' ? '；' : '; ');
