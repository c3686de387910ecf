import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, µs) of every local process with this command name, from /proc:
 * what the shared servers (`redis-server`, `postgres`) spent. They serve others too, so a
 * figure taken on a busy box is an upper bound.
 */
export const cpuOfProcessesNamed = (comm: string): number => {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== comm) continue;
      // The fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while we read it.
    }
  }
  return (ticks / TICKS_PER_SECOND) * 1e6;
};

/** µs of a `process.cpuUsage()` difference. */
export const cpuMicros = (usage: NodeJS.CpuUsage): number => usage.user + usage.system;
