import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  deliveryAttemptListQuery,
  deliveryListQuery,
  deliveryRouteRequest,
  type DeliveryRouteSaved,
  type DeliverySecretIssued,
  type DeliverySettingsResponse,
} from '@roadwatch/contracts';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { answerRefusal, notFound, parseOr400 } from './http-errors';
import { clientAddressOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';

/** A delivery command's refusal as HTTP; anything else as every other refusal. */
/**
 * Delivery to companies (RULES.md §9 "Delivery", issue #14 item 1), capability `delivery`: a
 * company's routing (webhook and SMS channels with rule and severity filters), its webhook
 * signing secret (shown once, rotatable) and every delivery attempt. The admin sees and
 * changes every company's; a company user only its own — another company's id answers 404,
 * as one that does not exist. Writes are use cases, audited.
 */
@Controller('v1/delivery')
export class DeliveryController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get('companies/:companyId')
  async settings(@Param('companyId') companyId: string, @Headers('authorization') auth?: string): Promise<DeliverySettingsResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'delivery');
    const settings = (await this.ctx.delivery.settings.settings(companyId, scope.filter)) ?? notFound('company', companyId);
    return {
      companyId: settings.companyId,
      ...(settings.registeredWebhookUrl ? { registeredWebhookUrl: settings.registeredWebhookUrl } : {}),
      secretSet: settings.secretRotatedAtMs !== undefined,
      ...(settings.secretRotatedAtMs !== undefined ? { secretRotatedAtMs: settings.secretRotatedAtMs, secretRotatedBy: settings.secretRotatedBy } : {}),
      routes: settings.routes,
    };
  }

  @Post('companies/:companyId/routes')
  @HttpCode(201)
  async createRoute(
    @Param('companyId') companyId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<DeliveryRouteSaved> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'delivery');
    const route = parseOr400(deliveryRouteRequest, body, 'body');
    return this.ctx.delivery.saveRoute
      .execute({ scope, companyId, request: route, nowMs: this.ctx.now(), clientAddress: clientAddressOf(request) })
      .catch(answerRefusal);
  }

  @Put('companies/:companyId/routes/:routeId')
  async replaceRoute(
    @Param('companyId') companyId: string,
    @Param('routeId') routeId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<DeliveryRouteSaved> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'delivery');
    const route = parseOr400(deliveryRouteRequest, body, 'body');
    return this.ctx.delivery.saveRoute
      .execute({ scope, companyId, routeId, request: route, nowMs: this.ctx.now(), clientAddress: clientAddressOf(request) })
      .catch(answerRefusal);
  }

  @Delete('companies/:companyId/routes/:routeId')
  @HttpCode(204)
  async deleteRoute(
    @Param('companyId') companyId: string,
    @Param('routeId') routeId: string,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<void> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'delivery');
    await this.ctx.delivery.deleteRoute.execute({ scope, companyId, routeId, clientAddress: clientAddressOf(request) }).catch(answerRefusal);
  }

  @Post('companies/:companyId/secret')
  @HttpCode(201)
  async rotateSecret(
    @Param('companyId') companyId: string,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<DeliverySecretIssued> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'delivery');
    return this.ctx.delivery.rotateSecret.execute({ scope, companyId, nowMs: this.ctx.now(), clientAddress: clientAddressOf(request) }).catch(answerRefusal);
  }

  @Get('attempts')
  async attempts(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'delivery');
    const q = parseOr400(deliveryAttemptListQuery, query, 'query');
    return { items: await this.ctx.delivery.reads.attempts({ ...q, scope: scope.filter }), limit: q.limit, offset: q.offset };
  }

  @Get('deliveries')
  async deliveries(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<unknown> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'delivery');
    const q = parseOr400(deliveryListQuery, query, 'query');
    return { items: await this.ctx.delivery.reads.deliveries({ ...q, scope: scope.filter }), limit: q.limit, offset: q.offset };
  }
}
