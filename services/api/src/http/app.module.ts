import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ApiContext } from './api-context';
import { AdminController } from './admin.controller';
import { ApiController } from './api.controller';
import { RelaysController } from './relays.controller';
import { SafePathParamsPipe } from './safe-path-params.pipe';
import { API_CONTEXT } from './tokens';

@Module({})
class ApiHttpModule {
  static with(ctx: ApiContext): DynamicModule {
    return { module: ApiHttpModule, controllers: [ApiController, AdminController, RelaysController], providers: [{ provide: API_CONTEXT, useValue: ctx }] };
  }
}

export const createApiHttpApp = async (ctx: ApiContext, staticDir?: string): Promise<NestExpressApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(ApiHttpModule.with(ctx), { logger: ['error', 'warn'], bodyParser: false });
  app.useBodyParser('json', { limit: '256kb' });
  app.useGlobalPipes(new SafePathParamsPipe());
  // The built web app on the same origin as the API and socket.io (no CORS in standalone).
  if (staticDir) app.useStaticAssets(staticDir, { index: 'index.html' });
  app.enableCors();
  return app;
};
