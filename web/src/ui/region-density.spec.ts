import { describe, expect, it } from 'vitest';
import type { KeySupervisionDensity, KeySupervisionDensityRow } from '@roadwatch/contracts';
import { ApiHttpError } from '../api';
import { KEY_SUPERVISION_CAPABILITY, loadRegionDensity } from './region-density';

const density: KeySupervisionDensity = { asOfMs: 1_765_000_000_000, regions: [{ regionCode: '440000', level: 'province', vehicles: 2, companies: 1 }] };

const run = async (capabilities: string[], fetchDensity: () => Promise<KeySupervisionDensity>) => {
  const applied: Array<readonly KeySupervisionDensityRow[]> = [];
  const warnings: string[] = [];
  let asked = 0;
  const coloured = await loadRegionDensity({
    capabilities,
    fetchDensity: () => {
      asked++;
      return fetchDensity();
    },
    apply: (rows) => applied.push(rows),
    warn: (m) => warnings.push(m),
  });
  return { coloured, applied, warnings, asked };
};

describe('loadRegionDensity', () => {
  it('asks and colours for a user who may read the 重点监管 list', async () => {
    const r = await run(['vehicles', KEY_SUPERVISION_CAPABILITY], () => Promise.resolve(density));
    expect(r).toEqual({ coloured: true, applied: [density.regions], warnings: [], asked: 1 });
  });

  it('never asks without the capability: no refused request on any screen', async () => {
    const r = await run(['vehicles', 'alerts', 'live'], () => Promise.resolve(density));
    expect(r).toEqual({ coloured: false, applied: [], warnings: [], asked: 0 });
  });

  it('keeps the plain basemap quietly while the API has no such endpoint (404) or refuses it (403)', async () => {
    for (const status of [404, 403]) {
      const r = await run([KEY_SUPERVISION_CAPABILITY], () => Promise.reject(new ApiHttpError(status, 'no')));
      expect(r).toEqual({ coloured: false, applied: [], warnings: [], asked: 1 });
    }
  });

  it('says why on any other failure (a 500, a body the contract refuses) and never throws', async () => {
    const r500 = await run([KEY_SUPERVISION_CAPABILITY], () => Promise.reject(new ApiHttpError(500, 'boom')));
    expect(r500.coloured).toBe(false);
    expect(r500.warnings).toHaveLength(1);
    const rBad = await run([KEY_SUPERVISION_CAPABILITY], () => Promise.reject(new Error('regions.0.regionCode: Invalid')));
    expect(rBad.warnings[0]).toContain('regionCode');
    expect(rBad.applied).toEqual([]);
  });
});
