/**
 * CPU time and resident memory of processes, read from /proc: what the benchmarks divide by
 * their unit of work (the chain bench per process tree, `cpu.ts` per command name). CPU per
 * unit of work holds on a shared machine where wall time does not.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** USER_HZ: /proc/<pid>/stat counts CPU time in ticks of 1/100 s on Linux. */
const TICKS_PER_S = 100;
const PAGE_BYTES = 4096;

export interface ProcSample {
  pid: number;
  parentPid: number;
  command: string;
  cpuUs: number;
  rssBytes: number;
}

/**
 * One line of /proc/<pid>/stat. The command (field 2) is in parentheses and may itself hold
 * spaces and parentheses, so the fields are counted from its last ')'.
 */
export const parseProcStat = (pid: number, line: string): ProcSample => {
  const close = line.lastIndexOf(')');
  const open = line.indexOf('(');
  if (open < 0 || close < open) throw new Error(`/proc/${pid}/stat is not a stat line: ${line.slice(0, 80)}`);
  const rest = line
    .slice(close + 2)
    .trim()
    .split(' ');
  // rest[0] is field 3 (state): field n is rest[n - 3].
  const field = (n: number): number => Number(rest[n - 3]);
  return {
    pid,
    parentPid: field(4),
    command: line.slice(open + 1, close),
    cpuUs: ((field(14) + field(15)) * 1e6) / TICKS_PER_S,
    rssBytes: field(24) * PAGE_BYTES,
  };
};

/** Every process readable now (those that exit while being read are skipped). */
export const readAllProcesses = (): ProcSample[] => {
  const samples: ProcSample[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      samples.push(parseProcStat(Number(entry), readFileSync(`/proc/${entry}/stat`, 'utf8')));
    } catch {
      // gone meanwhile
    }
  }
  return samples;
};

/** The processes of `roots` and all their descendants (a gateway's workers, tsx's child). */
export const treeOf = (all: readonly ProcSample[], roots: readonly number[]): ProcSample[] => {
  const children = new Map<number, ProcSample[]>();
  for (const sample of all) children.set(sample.parentPid, [...(children.get(sample.parentPid) ?? []), sample]);
  const seen = new Set<number>();
  const out: ProcSample[] = [];
  const visit = (pid: number): void => {
    if (seen.has(pid)) return;
    seen.add(pid);
    const self = all.find((s) => s.pid === pid);
    if (self) out.push(self);
    for (const child of children.get(pid) ?? []) visit(child.pid);
  };
  roots.forEach(visit);
  return out;
};

export const cmdlineOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

/** The machine's busy and total CPU time in µs since boot, from the first line of /proc/stat (busy = all but idle and iowait). */
export const parseMachineCpu = (procStat: string): { busyUs: number; totalUs: number } => {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no "cpu " line');
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 5 || ticks.some((t) => !Number.isFinite(t))) throw new Error(`/proc/stat's cpu line is not ticks: ${line}`);
  const totalUs = (ticks.reduce((sum, t) => sum + t, 0) * 1e6) / TICKS_PER_S;
  const idleUs = (((ticks[3] ?? 0) + (ticks[4] ?? 0)) * 1e6) / TICKS_PER_S;
  return { busyUs: totalUs - idleUs, totalUs };
};

export const readMachineCpu = (): { busyUs: number; totalUs: number } => parseMachineCpu(readFileSync('/proc/stat', 'utf8'));

/** The PostgreSQL backends serving these processes: those whose client port is a socket one of them holds (a backend's cmdline names its client's port). */
export const postgresBackendsOf = (servicePids: readonly number[], all: readonly ProcSample[]): number[] => {
  const inodes = new Set<string>();
  for (const pid of servicePids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const target = (() => {
          try {
            return readlinkSync(`/proc/${pid}/fd/${fd}`);
          } catch {
            return '';
          }
        })();
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode) inodes.add(inode);
      }
    } catch {
      // gone
    }
  }
  const clientPorts = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6'])
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !inodes.has(cols[9]!)) continue;
      const [, localPort] = cols[1]!.split(':');
      const [, remotePort] = cols[2]!.split(':');
      if (parseInt(remotePort!, 16) === 5432) clientPorts.add(parseInt(localPort!, 16));
    }
  return all
    .filter((p) => p.command === 'postgres')
    .filter((p) => {
      const port = /\((\d+)\)/.exec(cmdlineOf(p.pid))?.[1];
      return port !== undefined && clientPorts.has(Number(port));
    })
    .map((p) => p.pid);
};
