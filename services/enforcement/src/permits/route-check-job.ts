import type { Bus } from '@roadwatch/messaging';
import type { Logger } from '@roadwatch/runtime';
import type { RulesConfig } from '@roadwatch/rules';
import type { StoragePool } from '@roadwatch/storage';
import type { EnforcementContext, EnforcementPart, RunningEnforcementPart } from '../enforcement.service';

/** The period a run judges: [now − settle − window, now − settle], the track read from `lookbackMs` earlier so a stretch begun before is read whole. */
export interface RouteCheckJobSettings {
  windowMs: number;
  settleMs: number;
  lookbackMs: number;
  rules?: Pick<RulesConfig, 'motion' | 'quality' | 'roads'>;
}

export const routeCheckSettingsOf = (config: EnforcementContext['config']): RouteCheckJobSettings => ({
  windowMs: config.ROUTE_CHECKS_WINDOW_MS ?? 3_600_000,
  settleMs: config.ROUTE_CHECKS_SETTLE_MS ?? 600_000,
  lookbackMs: config.ROUTE_CHECKS_LOOKBACK_MS ?? 3_600_000,
});

/** The stored track a run reads: up to the settle delay before now, from window + lookback before that. */
export const routeCheckPeriodOf = (nowMs: number, settings: RouteCheckJobSettings): { fromMs: number; toMs: number } => {
  const toMs = nowMs - settings.settleMs;
  return { fromMs: toMs - settings.windowMs - settings.lookbackMs, toMs };
};

export type RouteCheckJobContext = { pool: StoragePool; bus: Bus; logger: Logger; nowMs: number };

/**
 * A job over stored tracks as an enforcement part: run on the service's clock every
 * `ROUTE_CHECKS_INTERVAL_MS` (5 min), its episodes counted; a failed run is logged and the next
 * one tries again; closing waits for the run under way.
 */
export const routeCheckJobPart = (job: {
  name: string;
  counter: { name: string; help: string };
  failure: string;
  run: (context: RouteCheckJobContext, settings: RouteCheckJobSettings) => Promise<{ episodes: number }>;
}): EnforcementPart => ({
  name: job.name,
  start: async (context: EnforcementContext): Promise<RunningEnforcementPart> => {
    const { pool, bus, logger, now, config } = context;
    const settings = routeCheckSettingsOf(config);
    const found = context.metrics.counter(job.counter.name, job.counter.help);
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = job
        .run({ pool, bus, logger, nowMs: now() }, settings)
        .then((r) => found.inc(r.episodes))
        .catch((error: unknown) => logger.error({ err: error }, job.failure));
    }, config.ROUTE_CHECKS_INTERVAL_MS ?? 300_000);
    timer.unref();
    return {
      close: async () => {
        clearInterval(timer);
        await running;
      },
    };
  },
});
