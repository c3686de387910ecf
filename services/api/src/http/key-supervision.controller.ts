import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import {
  keySupervisionListQuery,
  keySupervisionReleaseRequest,
  type KeySupervisionDensity,
  type KeySupervisionEntryItem,
  type KeySupervisionEvidenceResponse,
  type KeySupervisionListedVehicles,
} from '@roadwatch/contracts';
import { KeySupervisionCommandError } from '../key-supervision/key-supervision-command.error';
import { keySupervisionEntryItemOf } from '../key-supervision/key-supervision.queries';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { fail, notFound, parseOr400 } from './http-errors';
import { clientAddressOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';

const answerKeySupervisionRefusal = (error: unknown): never => {
  if (error instanceof KeySupervisionCommandError) return fail(error.kind === 'not_found' ? 404 : 409, error.message);
  throw error;
};

/**
 * The 重点监管 list (RULES.md §10), capability `key_supervision`: admins see every entry,
 * operators those of their region prefix, a company its own entry and its vehicles' (anything
 * else is 404, as an id that does not exist). Officers (`key_supervision.release`: admins and
 * operators) release an open entry with a comment.
 */
@Controller('v1/key-supervision')
export class KeySupervisionController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get('entries')
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: KeySupervisionEntryItem[]; limit: number; offset: number }> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'key_supervision');
    const q = parseOr400(keySupervisionListQuery, query, 'query');
    return { items: await this.ctx.keySupervision.queries.list(scope, q), limit: q.limit, offset: q.offset };
  }

  @Get('entries/:entryId')
  async get(@Param('entryId') entryId: string, @Headers('authorization') auth?: string): Promise<KeySupervisionEntryItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'key_supervision');
    return (await this.ctx.keySupervision.queries.get(scope, entryId)) ?? notFound('重点监管 entry', entryId);
  }

  @Get('entries/:entryId/evidence')
  async evidence(@Param('entryId') entryId: string, @Headers('authorization') auth?: string): Promise<KeySupervisionEvidenceResponse> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'key_supervision');
    return (await this.ctx.keySupervision.queries.evidence(scope, entryId)) ?? notFound('重点监管 entry', entryId);
  }

  @Post('entries/:entryId/release')
  @HttpCode(200)
  async release(
    @Param('entryId') entryId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<KeySupervisionEntryItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'key_supervision.release');
    const { comment } = parseOr400(keySupervisionReleaseRequest, body, 'body');
    const released = await this.ctx.keySupervision.release
      .execute({ scope, entryId, comment, nowMs: this.ctx.now(), clientAddress: clientAddressOf(request) })
      .catch(answerKeySupervisionRefusal);
    await this.ctx.keySupervision.listedVehicles.refresh();
    return keySupervisionEntryItemOf(released);
  }

  @Get('vehicles')
  async vehicles(@Headers('authorization') auth?: string): Promise<KeySupervisionListedVehicles> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'key_supervision');
    return this.ctx.keySupervision.queries.listedVehicles(scope, this.ctx.now());
  }

  @Get('density')
  async density(@Headers('authorization') auth?: string): Promise<KeySupervisionDensity> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'key_supervision');
    return this.ctx.keySupervision.queries.density(scope, this.ctx.now());
  }
}
