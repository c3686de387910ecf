import { readdirSync, readFileSync } from 'node:fs';
import { capSimulatedFleet, type DescriptorBudget, type FleetCap } from '@roadwatch/simulator';
import type { Logger } from '@roadwatch/runtime';

/** The soft "Max open files" of a /proc/<pid>/limits text (the limit enforced), or null when absent or unlimited. */
export const parseOpenFilesLimit = (limitsText: string): number | null => {
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limitsText);
  if (!match || match[1] === 'unlimited') return null;
  const soft = Number(match[1]);
  return Number.isSafeInteger(soft) && soft > 0 ? soft : null;
};

/** This process's descriptor budget from /proc (Linux); null elsewhere, where nothing is capped. */
export const readDescriptorBudget = (): DescriptorBudget | null => {
  try {
    const openFilesLimit = parseOpenFilesLimit(readFileSync('/proc/self/limits', 'utf8'));
    return openFilesLimit === null ? null : { openFilesLimit, openNow: readdirSync('/proc/self/fd').length };
  } catch {
    return null;
  }
};

/**
 * The simulated fleet the embedded default drives: the requested size, or — with one clear
 * line instead of EMFILE warnings by the thousand — the most this process's descriptors allow
 * (simulator and gateway share it; two descriptors per vehicle).
 */
export const simulatedFleetSize = (requested: number, logger: Logger, budget: DescriptorBudget | null = readDescriptorBudget()): FleetCap => {
  if (budget === null) return { vehicles: requested, capped: false, maxVehicles: requested };
  const cap = capSimulatedFleet(requested, budget);
  if (cap.capped)
    logger.warn(
      { requested, simulated: cap.vehicles, openFilesLimit: budget.openFilesLimit, openNow: budget.openNow },
      `SIM_VEHICLES=${requested} capped at ${cap.vehicles}: each simulated vehicle holds two file descriptors in this process (its terminal and the gateway's side) and the open-files limit is ${budget.openFilesLimit}; raise it (ulimit -n) or run the gateway in cluster mode for a larger fleet`,
    );
  return cap;
};
