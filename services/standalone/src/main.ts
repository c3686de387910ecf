import { loadStandaloneConfig } from './config';
import { startPlatform } from './platform';
import { onShutdown } from '@roadwatch/runtime';

const config = loadStandaloneConfig();
const platform = await startPlatform(config);
const { logger } = platform;

const summary = setInterval(async () => {
  const positions = await platform.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM positions');
  logger.info(
    {
      terminals: platform.simulation?.connectedTerminals() ?? 0,
      reportsSent: platform.simulation?.reportsSent() ?? 0,
      positionsStored: Number(positions.rows[0]?.n ?? 0),
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
