import { renameDeprecatedEnv } from '@roadwatch/contracts';
import { loadStandaloneConfig, standaloneDeprecatedEnv } from './config';
import { startPlatform } from './platform';
import { onShutdown } from '@roadwatch/runtime';
import { PositionRepository } from '@roadwatch/storage';

const config = loadStandaloneConfig();
const platform = await startPlatform(config);
const { logger } = platform;
for (const warning of renameDeprecatedEnv(process.env, standaloneDeprecatedEnv).warnings) logger.warn(warning);

const summary = setInterval(async () => {
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
}, 30_000);

const stop = async (): Promise<void> => {
  clearInterval(summary);
  await platform.close();
};
onShutdown(logger, [stop]);
if (config.RUN_FOR_MS > 0) {
  setTimeout(() => void stop().then(() => process.exit(0)), config.RUN_FOR_MS);
}
