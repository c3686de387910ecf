import { describe, expect, it } from 'vitest';
import { parseMachineCpu, parseProcStat, treeOf, type ProcSample } from './proc-stats';

// A /proc/<pid>/stat line: fields 14/15 utime/stime (ticks of 1/100 s), field 24 RSS (pages).
const statLine = (pid: number, command: string, parentPid: number, utime: number, stime: number, rssPages: number): string => {
  const fields = [
    'S',
    String(parentPid),
    ...Array.from({ length: 9 }, () => '0'),
    String(utime),
    String(stime),
    ...Array.from({ length: 8 }, () => '0'),
    String(rssPages),
    '0',
  ];
  return `${pid} (${command}) ${fields.join(' ')}\n`;
};

describe('parseProcStat', () => {
  it('reads parent, CPU time in µs and RSS in bytes', () => {
    expect(parseProcStat(42, statLine(42, 'node', 7, 150, 50, 1000))).toEqual({
      pid: 42,
      parentPid: 7,
      command: 'node',
      cpuUs: 2_000_000,
      rssBytes: 4_096_000,
    });
  });

  it('counts fields from the last parenthesis: a command with spaces and parentheses does not shift them', () => {
    const sample = parseProcStat(9, statLine(9, 'postgres: a) (b', 1, 3, 4, 5));
    expect(sample).toMatchObject({ command: 'postgres: a) (b', parentPid: 1, cpuUs: 70_000, rssBytes: 20_480 });
  });

  it('refuses a line that is not a stat line, naming the pid', () => {
    expect(() => parseProcStat(5, 'garbage')).toThrow('/proc/5/stat');
  });
});

describe('treeOf', () => {
  const p = (pid: number, parentPid: number): ProcSample => ({ pid, parentPid, command: 'node', cpuUs: pid, rssBytes: 0 });
  it('takes a process and all its descendants (a gateway and its workers), not its siblings or parent', () => {
    const all = [p(1, 0), p(10, 1), p(11, 10), p(12, 10), p(13, 12), p(20, 1)];
    expect(
      treeOf(all, [10])
        .map((s) => s.pid)
        .sort((a, b) => a - b),
    ).toEqual([10, 11, 12, 13]);
    expect(treeOf(all, [99])).toEqual([]);
  });
});

describe('parseMachineCpu', () => {
  it('sums the first eight tick columns of the cpu line; idle and iowait are not busy', () => {
    const stat = 'cpu  100 5 45 800 50 0 0 0 0 0\ncpu0 50 2 20 400 25 0 0 0 0 0\nintr 1 2\n';
    expect(parseMachineCpu(stat)).toEqual({ busyUs: 1_500_000, totalUs: 10_000_000 });
  });

  it('refuses text without a cpu line', () => {
    expect(() => parseMachineCpu('intr 1 2\n')).toThrow('no "cpu " line');
  });
});
