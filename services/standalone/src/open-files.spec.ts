import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseOpenFilesLimit, readDescriptorBudget, simulatedFleetSize } from './open-files';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             63704                63704                processes
Max open files            20000                20000                files
Max locked memory         8388608              8388608              bytes
`;

const capture = () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
};

describe('the embedded default caps its simulated fleet where descriptors run out', () => {
  it('reads the soft open-files limit of /proc/<pid>/limits; unlimited or absent is no limit', () => {
    expect(parseOpenFilesLimit(LIMITS)).toBe(20_000);
    expect(parseOpenFilesLimit(LIMITS.replace('20000                20000', '1024                 524288'))).toBe(1_024);
    expect(parseOpenFilesLimit(LIMITS.replace('20000                20000', 'unlimited            unlimited'))).toBeNull();
    expect(parseOpenFilesLimit('Max processes 10 10 processes')).toBeNull();
    expect(parseOpenFilesLimit('')).toBeNull();
    const budget = readDescriptorBudget();
    expect(budget?.openFilesLimit).toBeGreaterThan(0);
    expect(budget?.openNow).toBeGreaterThan(2);
  });

  it('caps 10,000 requested vehicles under a 20,000-descriptor limit with one clear line, and says nothing for a fleet that fits', () => {
    const { logger, lines } = capture();
    expect(simulatedFleetSize(10_000, logger, { openFilesLimit: 20_000, openNow: 80 })).toMatchObject({ vehicles: 8_960, capped: true });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, requested: 10_000, simulated: 8_960, openFilesLimit: 20_000 });
    expect(lines[0]!.msg).toMatch(/SIM_VEHICLES=10000 capped at 8960: .*two file descriptors/);
    expect(simulatedFleetSize(200, logger, { openFilesLimit: 20_000, openNow: 80 })).toMatchObject({ vehicles: 200, capped: false });
    expect(simulatedFleetSize(50_000, logger, null)).toMatchObject({ vehicles: 50_000, capped: false });
    expect(lines).toHaveLength(1);
  });

  it(
    'drives the capped fleet over real TCP into the gateway in a process whose limit is 1,024 descriptors: every capped terminal connected, no EMFILE',
    { timeout: 60_000 },
    () => {
      const output = execFileSync(
        'prlimit',
        ['--nofile=1024:1024', process.execPath, '--import', 'tsx', fileURLToPath(new URL('../test/fleet-cap-child.ts', import.meta.url))],
        { env: { ...process.env, SIM_VEHICLES: '2000' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(output).not.toMatch(/EMFILE|could not connect/);
      const lines = output
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const warning = lines.find((line) => line.level === 40);
      expect(warning?.msg).toMatch(/^SIM_VEHICLES=2000 capped at \d+: .*open-files limit is 1024/);
      const { result } = lines.find((line) => 'result' in line) as { result: { vehicles: number; capped: boolean; connected: number; authenticated: number } };
      expect(result.capped).toBe(true);
      expect(result.vehicles).toBeGreaterThan(200);
      expect(result.vehicles).toBeLessThan(256);
      expect(result).toMatchObject({ connected: result.vehicles, authenticated: result.vehicles });
    },
  );
});
