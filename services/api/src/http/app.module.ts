import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiExceptionFilter, corsOptionsFor, hardenHttp, type ExpressLike, type Logger } from '@roadwatch/runtime';
import type { ApiContext } from './api-context';
import { AdminController } from './admin.controller';
import { ApiController } from './api.controller';
import { RelaysController } from './relays.controller';
import { KeySupervisionController } from './key-supervision.controller';
import { DeliveryController } from './delivery.controller';
import { RosterController } from './roster.controller';
import { LowerPlatformsController } from './lower-platforms.controller';
import { ReportsController } from './reports.controller';
import { InspectionsController } from './inspections.controller';
import { SafePathParamsPipe } from './safe-path-params.pipe';
import { UsersController } from './users.controller';
import { HandlingController } from './handling.controller';
import { SourceTraceController } from './source-trace.controller';
import { TargetingController } from './targeting.controller';
import { TamperingController } from './tampering.controller';
import { RoutesController } from './routes.controller';
import { SourceTraceMapController } from './source-trace-map.controller';
import { PermitsController } from './permits.controller';
import { TerminalGeofencesController } from './terminal-geofences.controller';
import { API_CONTEXT } from './tokens';
import { AssessmentController } from '../assessment/assessment.controller';
import { XLSX_MEDIA_TYPE } from '@roadwatch/contracts';

/**
 * Every controller the API serves (the scope matrix test walks their routes). UsersController
 * and AssessmentController before AdminController: their /v1/admin/users, /v1/admin/audit and
 * /v1/admin/assessment/settings must win over the registry's /v1/admin/:resource/:id.
 */
export const API_CONTROLLERS = [
  ApiController,
  UsersController,
  AssessmentController,
  AdminController,
  RelaysController,
  DeliveryController,
  RosterController,
  LowerPlatformsController,
  HandlingController,
  ReportsController,
  KeySupervisionController,
  InspectionsController,
  SourceTraceController,
  TargetingController,
  TamperingController,
  // Approved routes and their episodes (issue #16)
  RoutesController,
  SourceTraceMapController,
  PermitsController,
  TerminalGeofencesController,
];

@Module({})
class ApiHttpModule {
  static with(ctx: ApiContext): DynamicModule {
    return { module: ApiHttpModule, controllers: API_CONTROLLERS, providers: [{ provide: API_CONTEXT, useValue: ctx }] };
  }
}

export interface ApiHttpOptions {
  /** Built web app to serve on the API's own origin. */
  staticDir?: string | undefined;
  /** Browser origins allowed cross-origin; none by default. */
  allowedOrigins: readonly string[];
  /** Reverse proxies in front (their X-Forwarded-For names the client); 0 by default. */
  trustProxyHops?: number | undefined;
  /** Where an unexpected error (a 500) is logged. */
  logger: Logger;
}

export const createApiHttpApp = async (ctx: ApiContext, options: ApiHttpOptions): Promise<NestExpressApplication> => {
  const app = await NestFactory.create<NestExpressApplication>(ApiHttpModule.with(ctx), { logger: ['error', 'warn'], bodyParser: false });
  hardenHttp(app.getHttpAdapter().getInstance() as ExpressLike, options.trustProxyHops ?? 0);
  app.useBodyParser('json', { limit: '256kb' });
  // 考核: the 运政 list of operating vehicles arrives as the file itself (a province's list is megabytes).
  app.useBodyParser('raw', { type: ['text/csv', XLSX_MEDIA_TYPE], limit: '32mb' });
  // Every error as the one error body; a 500 logged, its cause never sent.
  app.useGlobalFilters(new ApiExceptionFilter(options.logger));
  app.useGlobalPipes(new SafePathParamsPipe());
  // The built web app on the same origin as the API and socket.io.
  if (options.staticDir) app.useStaticAssets(options.staticDir, { index: 'index.html' });
  if (options.allowedOrigins.length > 0) app.enableCors(corsOptionsFor(options.allowedOrigins));
  return app;
};
