/** One fatigue violation's time over the limit: from its `at` (the limit passed) to its end. */
export interface OverLimitStretch {
  vehicleId: string;
  fromMs: number;
  toMs: number;
}

/**
 * Fatigue time over the limit in [periodFromMs, periodToMs) (RULES.md §15): each stretch cut at
 * the period's ends, overlapping stretches of one vehicle counted once (the continuous, night
 * and 24 h rules can run over the same minutes), different vehicles added up.
 */
export const fatigueOverLimitMs = (stretches: readonly OverLimitStretch[], periodFromMs: number, periodToMs: number): number => {
  const byVehicle = new Map<string, [number, number][]>();
  for (const { vehicleId, fromMs, toMs } of stretches) {
    const from = Math.max(fromMs, periodFromMs);
    const to = Math.min(toMs, periodToMs);
    if (!(to > from)) continue;
    const list = byVehicle.get(vehicleId) ?? [];
    list.push([from, to]);
    byVehicle.set(vehicleId, list);
  }
  let totalMs = 0;
  for (const list of byVehicle.values()) {
    list.sort((a, b) => a[0] - b[0]);
    let [start, end] = list[0]!;
    for (const [from, to] of list.slice(1)) {
      if (from <= end) end = Math.max(end, to);
      else {
        totalMs += end - start;
        [start, end] = [from, to];
      }
    }
    totalMs += end - start;
  }
  return totalMs;
};
