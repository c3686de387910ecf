import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Put, Query, Req } from '@nestjs/common';
import { blindAreaDto, tamperingEpisodeListQuery, type BlindAreaDto, type TamperingEpisodeItem } from '@roadwatch/contracts';
import type { StoredTamperingEpisode } from '@roadwatch/storage';
import type { ApiContext } from './api-context';
import { scopeOf } from './auth';
import { notFound, parseOr400 } from './http-errors';
import { clientAddressOf, type ClientAddress } from './sign-in';
import { API_CONTEXT } from './tokens';

const itemOf = (e: StoredTamperingEpisode): TamperingEpisodeItem => e as TamperingEpisodeItem;

/**
 * Signal tampering (RULES.md §12, §15). Episodes are read like alerts (capability `alerts`): the
 * admin every one, operators their region's, a company its own vehicles' (another's is 404, as
 * an id that does not exist). Blind areas are places: read with `sites`, written by the admin
 * (`registry.admin`), audited.
 */
@Controller('v1')
export class TamperingController {
  constructor(@Inject(API_CONTEXT) private readonly ctx: ApiContext) {}

  @Get('tampering-episodes')
  async list(@Query() query: unknown, @Headers('authorization') auth?: string): Promise<{ items: TamperingEpisodeItem[]; limit: number; offset: number }> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'alerts');
    const q = parseOr400(tamperingEpisodeListQuery, query, 'query');
    return { items: (await this.ctx.tampering.episodes.list(q, scope.filter)).map(itemOf), limit: q.limit, offset: q.offset };
  }

  @Get('tampering-episodes/:episodeId')
  async get(@Param('episodeId') episodeId: string, @Headers('authorization') auth?: string): Promise<TamperingEpisodeItem> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'alerts');
    const episode = await this.ctx.tampering.episodes.getInScope(episodeId, scope.filter);
    return episode ? itemOf(episode) : notFound('tampering episode', episodeId);
  }

  @Get('blind-areas')
  async blindAreas(@Headers('authorization') auth?: string): Promise<{ items: BlindAreaDto[] }> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'sites');
    return { items: (await this.ctx.tampering.blindAreas.list(scope.filter)) as BlindAreaDto[] };
  }

  @Put('blind-areas/:blindAreaId')
  @HttpCode(200)
  async saveBlindArea(
    @Param('blindAreaId') blindAreaId: string,
    @Body() body: unknown,
    @Req() request: ClientAddress,
    @Headers('authorization') auth?: string,
  ): Promise<BlindAreaDto> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'registry.admin');
    const area = parseOr400(blindAreaDto, { ...(typeof body === 'object' && body !== null ? body : {}), blindAreaId }, 'body');
    return (await this.ctx.tampering.saveBlindArea.execute(area, { actor: scope.principal.username, clientAddress: clientAddressOf(request) })) as BlindAreaDto;
  }

  @Delete('blind-areas/:blindAreaId')
  @HttpCode(204)
  async deleteBlindArea(@Param('blindAreaId') blindAreaId: string, @Req() request: ClientAddress, @Headers('authorization') auth?: string): Promise<void> {
    const scope = await scopeOf(this.ctx.sessions, auth, 'registry.admin');
    if (!(await this.ctx.tampering.deleteBlindArea.execute(blindAreaId, { actor: scope.principal.username, clientAddress: clientAddressOf(request) })))
      notFound('blind area', blindAreaId);
  }
}
