import type { KeySupervisionDensityRow } from '@roadwatch/contracts';

/**
 * Current listings counted per region at the province (`xx0000`) and prefecture (`xxxx00`)
 * levels, from each listing's region code (GB/T 2260). A code shorter than 2 digits or not all
 * digits counts nowhere; a code naming only a province (`xx0000`, or 2–3 digits) counts for the
 * province alone; a municipality's districts (`110105`) count for `110100` as well.
 */
export const keySupervisionDensityOf = (
  listings: readonly { subjectKind: 'vehicle' | 'company'; regionCode?: string | undefined }[],
): KeySupervisionDensityRow[] => {
  const rows = new Map<string, KeySupervisionDensityRow>();
  const count = (regionCode: string, level: KeySupervisionDensityRow['level'], kind: 'vehicle' | 'company'): void => {
    let row = rows.get(regionCode);
    if (!row) rows.set(regionCode, (row = { regionCode, level, vehicles: 0, companies: 0 }));
    if (kind === 'vehicle') row.vehicles += 1;
    else row.companies += 1;
  };
  for (const { subjectKind, regionCode } of listings) {
    if (!regionCode || !/^\d{2,12}$/.test(regionCode)) continue;
    count(`${regionCode.slice(0, 2)}0000`, 'province', subjectKind);
    const prefecture = regionCode.slice(2, 4);
    if (prefecture.length === 2 && prefecture !== '00') count(`${regionCode.slice(0, 4)}00`, 'prefecture', subjectKind);
  }
  return [...rows.values()].sort((a, b) => a.regionCode.localeCompare(b.regionCode));
};
