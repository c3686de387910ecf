import { postgresBackendsOf, readAllProcesses } from './proc-stats';

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

/**
 * CPU time (µs) of this process's own PostgreSQL backends (those serving its connections, found
 * through /proc, see `postgresBackendsOf`) from now until the returned function is called: what
 * the server spent on our work alone, where `cpuOfProcessesNamed('postgres')` counts everyone's.
 * A backend opened meanwhile counts from its start; one closed meanwhile is missed (keep the
 * pool's connections open over the window).
 */
export const ownPostgresBackendsCpu = (): (() => number) => {
  const sample = (): Map<number, number> => {
    const all = readAllProcesses();
    const ours = new Set(postgresBackendsOf([process.pid], all));
    return new Map(all.filter((p) => ours.has(p.pid)).map((p) => [p.pid, p.cpuUs]));
  };
  const start = sample();
  return () => [...sample()].reduce((sum, [pid, cpuUs]) => sum + cpuUs - (start.get(pid) ?? 0), 0);
};
