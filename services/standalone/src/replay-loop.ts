import type { Logger } from '@roadwatch/runtime';

/** A demo simulation that plays a run over and over (issue #16: the embedded demo's live story). */
export interface ReplayLoop {
  /** Runs played whole. */
  runsPlayed(): number;
  stop(): Promise<void>;
}

/**
 * Plays `playOnce` now and every `intervalMs`. A failed run is logged and the next one tries
 * again; `stop` ends the schedule, lets a run under way see `isStopped()` and cut itself short,
 * then `close`s what the runs used. A run counts when `playOnce` answers true (played whole).
 */
export const startReplayLoop = (options: {
  intervalMs: number;
  logger: Logger;
  /** Names the run in the failure log: "<what> run failed". */
  what: string;
  playOnce: (isStopped: () => boolean) => Promise<boolean>;
  close: () => Promise<unknown>;
}): ReplayLoop => {
  let played = 0;
  let stopped = false;
  const isStopped = (): boolean => stopped;
  const play = (): void => {
    if (stopped) return;
    options
      .playOnce(isStopped)
      .then((whole) => {
        if (whole) played += 1;
      })
      .catch((error: unknown) => options.logger.warn({ err: error }, `${options.what} run failed`));
  };
  play();
  const timer = setInterval(play, options.intervalMs);
  return {
    runsPlayed: () => played,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await options.close();
    },
  };
};
