import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { Reloader } from './reloader';

const logger = createLogger('reloader-test', 'silent');

describe('Reloader', () => {
  it('keeps the last good value when a reload fails, and takes the next good one', async () => {
    const answers: Array<number | Error> = [1, new Error('database down'), 3];
    const reloader = await Reloader.start({
      name: 'test',
      intervalMs: 0,
      logger,
      load: async () => {
        const next = answers.shift();
        if (next instanceof Error) throw next;
        return next as number;
      },
    });
    expect(reloader.current).toBe(1);
    expect(await reloader.reload()).toBe(false);
    expect(reloader.current).toBe(1);
    expect(reloader.status.consecutiveFailures).toBe(1);
    expect(await reloader.reload()).toBe(true);
    expect(reloader.current).toBe(3);
    expect(reloader.status.consecutiveFailures).toBe(0);
    await reloader.close();
  });

  it('refuses to start without a first value', async () => {
    await expect(
      Reloader.start({
        name: 'test',
        intervalMs: 0,
        logger,
        load: async () => {
          throw new Error('no such table');
        },
      }),
    ).rejects.toThrow('no such table');
  });

  it('folds reloads asked during a load into one more load after it', async () => {
    let loads = 0;
    let release: (() => void) | undefined;
    const reloader = await Reloader.start({
      name: 'test',
      intervalMs: 0,
      logger,
      load: async () => {
        loads += 1;
        if (loads === 2) await new Promise<void>((resolve) => (release = resolve));
        return loads;
      },
    });
    const first = reloader.reload();
    await new Promise((r) => setTimeout(r, 5));
    const second = reloader.reload();
    const third = reloader.reload();
    release?.();
    await Promise.all([first, second, third]);
    // The first load, the one in flight, and one more for both calls made during it.
    expect(loads).toBe(3);
    expect(reloader.current).toBe(3);
  });

  it('reloads on its timer and calls onLoaded with every value', async () => {
    const seen: number[] = [];
    let n = 0;
    const reloader = await Reloader.start({ name: 'test', intervalMs: 10, logger, load: async () => ++n, onLoaded: (v) => seen.push(v) });
    await new Promise((r) => setTimeout(r, 60));
    await reloader.close();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.slice(0, 3)).toEqual([1, 2, 3]);
  });
});
