import { readAllProcesses } from './proc-stats';

/**
 * CPU time (user + system, µs) of every local process with this command name, from /proc:
 * what the shared servers (`redis-server`, `postgres`) spent. They serve others too, so a
 * figure taken on a busy box is an upper bound.
 */
export const cpuOfProcessesNamed = (comm: string): number =>
  readAllProcesses()
    .filter((process) => process.command === comm)
    .reduce((sum, process) => sum + process.cpuUs, 0);

/** µs of a `process.cpuUsage()` difference. */
export const cpuMicros = (usage: NodeJS.CpuUsage): number => usage.user + usage.system;
