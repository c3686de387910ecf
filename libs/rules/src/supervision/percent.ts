/**
 * Rounding half up to 2 decimals (RULES.md §15: rates shown and compared as percentages with 2
 * decimals, indicator scores with 2 decimals). A binary double holds 1.005 as 1.00499…, so the
 * scaled value is first cut to 12 significant digits: what a person computing by hand sees.
 */
export const roundHalfUp2 = (value: number): number => {
  if (!Number.isFinite(value)) throw new RangeError(`cannot round ${value}`);
  const scaled = Number((Math.abs(value) * 100).toPrecision(12));
  const rounded = Math.floor(scaled + 0.5) / 100;
  return value < 0 ? -rounded : rounded;
};

/** numerator ÷ denominator as a percentage rounded half up to 2 decimals; undefined when the denominator is 0 (not assessed, §15). */
export const ratePct = (numerator: number, denominator: number): number | undefined =>
  denominator > 0 ? roundHalfUp2((numerator / denominator) * 100) : undefined;
