import type { KeySupervisionDensity, KeySupervisionDensityRow } from '@roadwatch/contracts';
import { ApiHttpError } from '../api';
import { densityLegend } from '../map/region-density';
import { h } from './dom';

/**
 * The capability that lets a user read the 重点监管 list, and so its density (the key-list
 * part's `key_supervision`). A user without it never asks, so no screen shows a refused request.
 */
export const KEY_SUPERVISION_CAPABILITY = 'key_supervision';

export interface RegionDensityDeps {
  capabilities: readonly string[];
  fetchDensity: () => Promise<KeySupervisionDensity>;
  apply: (rows: readonly KeySupervisionDensityRow[]) => void;
  warn?: (msg: string) => void;
}

/**
 * Loads the density once and colours the basemap with it. Without the capability, or while
 * the API has no such endpoint (404) or refuses it (403), the basemap stays plain and the
 * legend says there is no data; any other failure is logged, never thrown.
 * Resolves to whether the map was coloured.
 */
export const loadRegionDensity = async (deps: RegionDensityDeps): Promise<boolean> => {
  if (!deps.capabilities.includes(KEY_SUPERVISION_CAPABILITY)) return false;
  try {
    const density = await deps.fetchDensity();
    deps.apply(density.regions);
    return true;
  } catch (e) {
    if (!(e instanceof ApiHttpError && (e.status === 404 || e.status === 403))) (deps.warn ?? console.warn)(`[basemap] density: ${String(e)}`);
    return false;
  }
};

/** The density legend: a swatch per bucket with its range of listings; "no data" until coloured. */
export const regionDensityLegend = (): { el: HTMLElement; setAvailable: (available: boolean) => void } => {
  const note = h('span', { class: 'density-note', i18n: 'basemap.density.unavailable' });
  const el = h(
    'div',
    { class: 'density-legend', 'data-testid': 'density-legend' },
    h('strong', { i18n: 'basemap.density.title' }),
    ...densityLegend().map((b) => h('span', { class: 'legend-item' }, h('i', { style: `background:${b.colour}` }), b.range)),
    note,
  );
  return { el, setAvailable: (available) => (note.hidden = available) };
};
