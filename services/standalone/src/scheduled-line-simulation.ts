import type { Logger } from '@roadwatch/runtime';
import { DEMO_LINE, DEMO_LINE_COACH, offRouteRun, TestTerminal } from '@roadwatch/simulator';
import { seedRoutes } from '@roadwatch/api';
import type { StoragePool } from '@roadwatch/storage';
import { startReplayLoop, type ReplayLoop } from './replay-loop';

/** `runsPlayed`: off-route runs played. */
export type ScheduledLineSimulation = ReplayLoop;

/** The demo 班线 (RULES.md §11) in the registry, bound to its coach: the detector judges the coach against it. */
export const seedDemoLine = (pool: StoragePool): Promise<void> => {
  const { routeId, polyline, stops, ...line } = DEMO_LINE;
  return seedRoutes(pool, [
    {
      routeId,
      route: {
        ...line,
        kind: 'scheduled_line',
        polyline: polyline.map(([lon, lat]) => [lon, lat]),
        stops: stops.map((stop) => ({ ...stop })),
        depots: [],
      },
      vehicleIds: [DEMO_LINE_COACH.facts.vehicleId],
    },
  ]);
};

/**
 * Issue #16 in the embedded demo: every `intervalMs` (and once at start) the 班线 coach leaves
 * its line's corridor — a run ending now, reported over TCP like a live terminal, one report
 * answered before the next — so a new user sees an off_route alert and the red stretch beside the
 * green corridor within minutes of `npm start`.
 */
export const startScheduledLineSimulation = async (options: {
  gatewayPort: number;
  intervalMs: number;
  logger: Logger;
  now?: () => number;
}): Promise<ScheduledLineSimulation> => {
  const now = options.now ?? Date.now;
  const terminal = await TestTerminal.connect({ host: '127.0.0.1', port: options.gatewayPort, phone: DEMO_LINE_COACH.terminalPhone });
  await terminal.registerAndAuthenticate(DEMO_LINE_COACH.facts.plate, DEMO_LINE_COACH.facts.plateColour);
  return startReplayLoop({
    intervalMs: options.intervalMs,
    logger: options.logger,
    what: 'off-route',
    playOnce: async (isStopped) => {
      // Whole seconds: the terminal's BCD clock has no milliseconds.
      for (const report of offRouteRun({ endAtMs: Math.floor(now() / 1000) * 1000 })) {
        if (isStopped()) return false;
        await terminal.waitForAnswer(terminal.sendLocation(report));
      }
      return true;
    },
    close: () => terminal.close(),
  });
};
