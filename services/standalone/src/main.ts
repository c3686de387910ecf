import { renameDeprecatedEnv } from '@roadwatch/contracts';
import { loadStandaloneConfig, standaloneDeprecatedEnv } from './config';
import { startPlatform } from './platform';
import { onShutdown } from '@roadwatch/runtime';
import { PositionRepository } from '@roadwatch/storage';

const config = loadStandaloneConfig();
const platform = await startPlatform(config);
const { logger } = platform;
for (const warning of renameDeprecatedEnv(process.env, standaloneDeprecatedEnv).warnings) logger.warn(warning);

const logSummary = async (): Promise<void> => {
  const positionsStored = await new PositionRepository(platform.pool).count();
  logger.info(
    {
      terminals: platform.simulation?.connectedTerminals() ?? 0,
      reportsSent: platform.simulation?.reportsSent() ?? 0,
      positionsStored,
      weighingsSent: platform.simulation?.weighingsSent() ?? 0,
      alertsByRule: platform.alertsByRule(),
    },
    'summary',
  );
};
// The summary is a courtesy: a failed count (the database busy) is logged and the next one tries again.
const summary = setInterval(() => void logSummary().catch((error: unknown) => logger.warn({ err: error }, 'summary failed')), 30_000);

const stop = async (): Promise<void> => {
  clearInterval(summary);
  await platform.close();
};
onShutdown(logger, [stop]);
if (config.RUN_FOR_MS > 0) {
  setTimeout(
    () =>
      void stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'stopping after RUN_FOR_MS failed');
          process.exit(1);
        },
      ),
    config.RUN_FOR_MS,
  );
}
