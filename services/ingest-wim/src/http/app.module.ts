import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { WimIntake } from '../wim-intake.usecase';
import type { StationKeys } from '../station-keys';
import { STATION_KEYS, WIM_INTAKE, WimController } from './wim.controller';

@Module({})
class WimHttpModule {
  static with(intake: WimIntake, keys: StationKeys): DynamicModule {
    return {
      module: WimHttpModule,
      controllers: [WimController],
      providers: [
        { provide: WIM_INTAKE, useValue: intake },
        { provide: STATION_KEYS, useValue: keys },
      ],
    };
  }
}

/** The NestJS HTTP application around an intake; listening is the caller's choice. */
export const createWimHttpApp = async (intake: WimIntake, keys: StationKeys): Promise<NestExpressApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(WimHttpModule.with(intake, keys), { logger: ['error', 'warn'], bodyParser: false });
  // 500 records of ~0.5 kB fit well inside 2 MB; anything larger is refused, not buffered.
  app.useBodyParser('json', { limit: '2mb' });
  app.enableShutdownHooks();
  return app;
};
