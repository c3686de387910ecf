import type { ExpressionSpecification } from 'maplibre-gl';
import type { KeySupervisionDensityRow } from '@roadwatch/contracts';

/** A region with no current 重点监管 listing (or none known: no data, no access). */
export const BASE_FILL = '#eef0ea';

/**
 * Fill buckets by listings = vehicles + companies listed now in the region (a listed company
 * counts like a listed vehicle: either is one entry on the list). Lower bounds, ascending;
 * fixed rather than relative so a colour means the same on every screen and every day.
 */
export const DENSITY_BUCKETS: ReadonlyArray<{ minListings: number; colour: string }> = [
  { minListings: 1, colour: '#fde3c8' },
  { minListings: 3, colour: '#f9b98a' },
  { minListings: 10, colour: '#ef7f4f' },
  { minListings: 30, colour: '#c9372c' },
];

/** The bucket index for a count of listings; -1 for none. */
export const densityBucket = (listings: number): number => {
  let bucket = -1;
  DENSITY_BUCKETS.forEach((b, i) => {
    if (listings >= b.minListings) bucket = i;
  });
  return bucket;
};

/** Listings per region code at one level; rows of the other level are ignored, repeated codes add up. */
export const listingsByRegion = (rows: readonly KeySupervisionDensityRow[], level: KeySupervisionDensityRow['level']): Map<string, number> => {
  const out = new Map<string, number>();
  for (const r of rows) if (r.level === level) out.set(r.regionCode, (out.get(r.regionCode) ?? 0) + r.vehicles + r.companies);
  return out;
};

/**
 * The fill colour of the regions of one level as a data-driven expression over each feature's
 * `densityCode`: `['match', ['get', 'densityCode'], [codes…], colour, …, BASE_FILL]`, or the
 * plain base colour when no region of that level has a listing (a `match` needs one branch).
 */
export const densityFillExpression = (
  rows: readonly KeySupervisionDensityRow[],
  level: KeySupervisionDensityRow['level'],
): ExpressionSpecification | string => {
  const codesByBucket = DENSITY_BUCKETS.map((): string[] => []);
  for (const [code, listings] of listingsByRegion(rows, level)) {
    const bucket = densityBucket(listings);
    if (bucket >= 0) codesByBucket[bucket]!.push(code);
  }
  const branches = codesByBucket.flatMap((codes, i) => (codes.length ? [codes.sort(), DENSITY_BUCKETS[i]!.colour] : []));
  return branches.length ? (['match', ['get', 'densityCode'], ...branches, BASE_FILL] as unknown as ExpressionSpecification) : BASE_FILL;
};

/** The legend's rows: colour and the listings range it stands for (`0`, `1–2`, …, `≥30`). */
export const densityLegend = (): Array<{ colour: string; range: string }> => [
  { colour: BASE_FILL, range: '0' },
  ...DENSITY_BUCKETS.map((b, i) => {
    const next = DENSITY_BUCKETS[i + 1];
    const upper = next ? next.minListings - 1 : undefined;
    return { colour: b.colour, range: upper === undefined ? `≥${b.minListings}` : upper === b.minListings ? `${b.minListings}` : `${b.minListings}–${upper}` };
  }),
];
