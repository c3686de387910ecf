import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiExceptionFilter, createLogger, hardenHttp, type ExpressLike, type Logger } from '@roadwatch/runtime';
import type { WimIntake } from '../wim-intake.usecase';
import type { StationKeys } from '../station-keys';
import { STATION_KEYS, STATION_THROTTLE, WIM_INTAKE, WimController, type StationThrottle } from './wim.controller';

@Module({})
class WimHttpModule {
  static with(intake: WimIntake, keys: StationKeys, throttle: StationThrottle): DynamicModule {
    return {
      module: WimHttpModule,
      controllers: [WimController],
      providers: [
        { provide: WIM_INTAKE, useValue: intake },
        { provide: STATION_KEYS, useValue: keys },
        { provide: STATION_THROTTLE, useValue: throttle },
      ],
    };
  }
}

/** The NestJS HTTP application around an intake; listening is the caller's choice. */
export const createWimHttpApp = async (
  intake: WimIntake,
  keys: StationKeys,
  throttle: StationThrottle,
  logger: Logger = createLogger('ingest-wim'),
): Promise<NestExpressApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(WimHttpModule.with(intake, keys, throttle), { logger: ['error', 'warn'], bodyParser: false });
  hardenHttp(app.getHttpAdapter().getInstance() as ExpressLike);
  // 500 records of ~0.5 kB fit well inside 2 MB; anything larger is refused, not buffered.
  app.useBodyParser('json', { limit: '2mb' });
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  // No app.enableShutdownHooks(): bootService owns SIGINT/SIGTERM and closes the app among the
  // service's closers; Nest's hooks would close it a second time and re-raise the signal (exit 143).
  return app;
};
