/**
 * How many simulated vehicles the embedded default can drive before the process runs out of
 * file descriptors. Simulator and gateway share that process, so every simulated terminal
 * holds two descriptors in it: its own socket and the gateway's side of the connection. Past
 * the open-files limit, connects failed with EMFILE warnings one by one (10,000 vehicles
 * against this machine's 20,000-descriptor hard limit); capping up front with one clear line
 * is the honest answer.
 */
export const DESCRIPTORS_PER_SIMULATED_VEHICLE = 2;

export interface DescriptorBudget {
  /** The process's open-files limit (RLIMIT_NOFILE, soft: the one enforced). */
  openFilesLimit: number;
  /** Descriptors the process holds already (database pool, listening sockets, files). */
  openNow: number;
  /** Left free for everything else the process opens later (HTTP clients, the live feed, files); default 10% of the limit, at least 512. */
  headroom?: number;
}

export interface FleetCap {
  /** Vehicles to simulate: the request, or the most the descriptors allow. */
  vehicles: number;
  capped: boolean;
  /** The most the descriptors allow. */
  maxVehicles: number;
}

export const capSimulatedFleet = (requested: number, budget: DescriptorBudget): FleetCap => {
  const headroom = budget.headroom ?? Math.max(512, Math.ceil(budget.openFilesLimit / 10));
  const free = budget.openFilesLimit - budget.openNow - headroom;
  const maxVehicles = Math.max(0, Math.floor(free / DESCRIPTORS_PER_SIMULATED_VEHICLE));
  return requested > maxVehicles ? { vehicles: maxVehicles, capped: true, maxVehicles } : { vehicles: requested, capped: false, maxVehicles };
};
