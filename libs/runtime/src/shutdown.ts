import type { Logger } from 'pino';

/**
 * Runs the closers in reverse start order on SIGINT/SIGTERM, once; a second signal
 * exits at once. Kafka consumers commit and leave their group before the process ends.
 */
export const onShutdown = (logger: Logger, closers: Array<() => Promise<void>>): void => {
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal }, 'shutting down');
    const closeAll = async (): Promise<void> => {
      for (const close of [...closers].reverse()) {
        try {
          await close();
        } catch (error) {
          logger.error({ err: error }, 'error during shutdown');
        }
      }
    };
    // A signal handler cannot wait; every closer's failure is logged above, and whatever escapes
    // that (a throwing logger) still ends the process, with 1.
    void closeAll().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
};
